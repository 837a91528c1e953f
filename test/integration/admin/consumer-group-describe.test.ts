// describeGroups covers both protocols: a group on the consumer protocol (KIP-848) is described
// with ConsumerGroupDescribe (member epochs, current and target assignments, the server
// assignor), a classic group with DescribeGroups, in one call.
import t from 'tap'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'
import { startMember, until } from '../../helpers/group-members.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())
const admin = kafka.admin()
t.teardown(() => admin.close())

t.test('a consumer-protocol group and a classic group in one describeGroups', async (t) => {
  const topic = uniqueTopic('describe848')
  const g848 = uniqueTopic('g-describe848')
  const gClassic = uniqueTopic('g-describe-classic')
  await admin.createTopics([{ name: topic, partitions: 3, replicationFactor: 1 }])
  const m = startMember(kafka, 'm', { groupId: g848, topics: [topic], groupProtocol: 'consumer', groupRemoteAssignor: 'range', groupInstanceId: 'inst-1' })
  const c = startMember(kafka, 'c', { groupId: gClassic, topics: [topic] })
  t.teardown(async () => {
    await m.stop()
    await c.stop()
  })
  await until('both assigned', () => (m.partitions().get(topic)?.length ?? 0) === 3 && (c.partitions().get(topic)?.length ?? 0) === 3, 60_000)
  await waitFor('the consumer-protocol group is stable with its target reached', async () => {
    const [d] = await admin.describeGroups([g848])
    return d.state === 'Stable' && d.members.length === 1 && (d.members[0].consumerProtocol?.targetAssignment.partitions[0]?.partitions.length ?? 0) === 3
  }, 30_000)
  const [d848, dClassic, missing] = await admin.describeGroups([g848, gClassic, 'missing-' + g848])
  t.equal(d848.errorCode, 0)
  t.equal(d848.type, 'consumer')
  t.equal(d848.protocolType, 'consumer')
  t.equal(d848.protocol, 'range', 'the server assignor the member asked for')
  t.ok((d848.groupEpoch ?? 0) > 0 && (d848.assignmentEpoch ?? 0) > 0, 'group and assignment epochs')
  const member = d848.members[0]
  t.equal(member.memberId, m.consumer.groupMember()?.memberId, 'the client-generated member id (KIP-1082)')
  t.equal(member.groupInstanceId, 'inst-1')
  t.equal(member.consumerProtocol?.memberEpoch, m.consumer.groupMember()?.generationId, 'the member epoch')
  t.same(member.consumerProtocol?.subscribedTopicNames, [topic])
  t.same(member.assignment?.partitions, [{ topic, partitions: [0, 1, 2] }])
  t.same(member.consumerProtocol?.targetAssignment.partitions, [{ topic, partitions: [0, 1, 2] }])
  t.equal(member.consumerProtocol?.memberType, 1, 'a consumer-protocol member')
  t.equal(dClassic.type, 'classic')
  t.equal(dClassic.protocol, 'range')
  t.equal(dClassic.members.length, 1)
  t.same(dClassic.members[0].assignment?.partitions.flatMap((p) => p.partitions).sort(), [0, 1, 2])
  t.equal(missing.type, 'classic')
  t.ok(['Dead', ''].includes(missing.state) || missing.errorName === 'GROUP_ID_NOT_FOUND', 'an unknown group')
})
