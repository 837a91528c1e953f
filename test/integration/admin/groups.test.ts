// Groups made two ways: through the protocol layer (JoinGroup + SyncGroup as the leader with a
// ConsumerProtocolAssignment, exact control over the member's bytes) and by the kafkats consumer.
import t from 'tap'
import type { Kafka } from '../../../src/client.js'
import { errorInfo, responseError } from '../../../src/protocol/error-codes.js'
import { encodeConsumerProtocolAssignment } from '../../../src/protocol/messages/consumer-protocol-assignment.js'
import { encodeConsumerProtocolSubscription } from '../../../src/protocol/messages/consumer-protocol-subscription.js'
import { JoinGroup } from '../../../src/protocol/messages/join-group.js'
import { LeaveGroup } from '../../../src/protocol/messages/leave-group.js'
import { SyncGroup } from '../../../src/protocol/messages/sync-group.js'
import { Writer } from '../../../src/protocol/writer.js'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'

const kafka = newKafka()
const admin = kafka.admin()
t.teardown(() => kafka.disconnectAll())

function subscription(topics: string[]): Buffer {
  const w = new Writer()
  w.int16(1)
  encodeConsumerProtocolSubscription(w, 1, { topics, userData: null, ownedPartitions: [] })
  return w.toBuffer()
}

function assignment(topic: string, partitions: number[]): Buffer {
  const w = new Writer()
  w.int16(0)
  encodeConsumerProtocolAssignment(w, 0, { assignedPartitions: [{ topic, partitions }], userData: Buffer.from('ud') })
  return w.toBuffer()
}

/** Joins `groupId` as its only (so leading) member and syncs an assignment of every partition. */
async function joinAsLeader(k: Kafka, groupId: string, topic: string, partitions: number[]): Promise<{ memberId: string; leave: () => Promise<void> }> {
  const metadata = subscription([topic])
  const join = async (memberId: string) => {
    const coordinator = await k.cluster.coordinator('group', groupId)
    return coordinator.send(
      JoinGroup,
      (v) => ({
        groupId,
        sessionTimeoutMs: 30_000,
        ...(v >= 1 ? { rebalanceTimeoutMs: 30_000 } : {}),
        memberId,
        ...(v >= 5 ? { groupInstanceId: null } : {}),
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata }],
        ...(v >= 8 ? { reason: null } : {}),
      }),
      { timeoutMs: 60_000 },
    )
  }
  // The coordinator may still be loading __consumer_offsets right after the broker starts.
  const joinRetrying = (memberId: string) =>
    k.cluster.withRetry(async () => {
      const r = await join(memberId)
      const info = errorInfo(r.errorCode)
      if (r.errorCode !== 0 && r.errorCode !== 79 && info.retriable) {
        k.cluster.invalidateCoordinator('group', groupId)
        throw responseError(r.errorCode, null, 'JoinGroup')
      }
      return r
    })
  let res = await joinRetrying('')
  if (res.errorCode === 79) res = await joinRetrying(res.memberId) // MEMBER_ID_REQUIRED (KIP-394)
  if (res.errorCode !== 0) throw new Error(`JoinGroup failed with ${res.errorCode}`)
  const memberId = res.memberId
  const generationId = res.generationId
  const coordinator = await k.cluster.coordinator('group', groupId)
  const sync = await coordinator.send(
    SyncGroup,
    (v) => ({
      groupId,
      generationId,
      memberId,
      ...(v >= 3 ? { groupInstanceId: null } : {}),
      ...(v >= 5 ? { protocolType: 'consumer', protocolName: 'range' } : {}),
      assignments: [{ memberId, assignment: assignment(topic, partitions) }],
    }),
  )
  if (sync.errorCode !== 0) throw new Error(`SyncGroup failed with ${sync.errorCode}`)
  return {
    memberId,
    leave: async () => {
      const c = await k.cluster.coordinator('group', groupId)
      const r = await c.send(LeaveGroup, (v) => (v >= 3 ? { groupId, members: [{ memberId, groupInstanceId: null, ...(v >= 5 ? { reason: null } : {}) }] } : { groupId, memberId }))
      if (r.errorCode !== 0) throw new Error(`LeaveGroup failed with ${r.errorCode}`)
    },
  }
}

t.test('a consumer group is listed, described with its decoded assignment, and deleted once empty', async (t) => {
  const topic = uniqueTopic('admin-groups')
  const groupId = uniqueTopic('admin-group')
  await admin.createTopics([{ name: topic, partitions: 2 }])
  t.teardown(() => admin.deleteTopics([topic]))

  const member = await joinAsLeader(kafka, groupId, topic, [0, 1])

  const listed = await admin.listGroups()
  const mine = listed.find((g) => g.groupId === groupId)
  t.ok(mine, 'listed')
  t.equal(mine?.protocolType, 'consumer')
  t.equal(mine?.state, 'Stable')
  t.equal(mine?.type, 'classic')
  const stableOnly = await admin.listGroups({ states: ['Empty'] })
  t.notOk(stableOnly.some((g) => g.groupId === groupId), 'state filter applies')

  const [described, unknown] = await admin.describeGroups([groupId, 'missing-' + groupId])
  t.equal(described.errorCode, 0)
  t.equal(described.groupId, groupId)
  t.equal(described.state, 'Stable')
  t.equal(described.protocolType, 'consumer')
  t.equal(described.protocol, 'range')
  t.equal(described.members.length, 1)
  const m = described.members[0]
  t.equal(m.memberId, member.memberId)
  t.equal(m.clientId, 'kafkats-test')
  t.ok(m.clientHost.length > 0)
  t.equal(m.groupInstanceId, null)
  t.same(m.subscription?.topics, [topic])
  t.same(m.assignment?.partitions, [{ topic, partitions: [0, 1] }])
  t.same(m.assignment?.userData, Buffer.from('ud'))
  t.equal(unknown.groupId, 'missing-' + groupId)
  t.equal(unknown.state, 'Dead')
  t.same(unknown.members, [])

  const [busy] = await admin.deleteGroups([groupId])
  t.equal(busy.errorName, 'NON_EMPTY_GROUP')

  await member.leave()
  await waitFor('group to empty', async () => (await admin.describeGroups([groupId]))[0].state === 'Empty')
  const [deleted, missing] = await admin.deleteGroups([groupId, 'missing-' + groupId])
  t.equal(deleted.errorCode, 0, deleted.errorMessage ?? '')
  t.equal(missing.errorName, 'GROUP_ID_NOT_FOUND')
  t.notOk((await admin.listGroups()).some((g) => g.groupId === groupId), 'gone')
})

t.test('alterCommittedOffsets fails per partition while the group has members', async (t) => {
  const topic = uniqueTopic('admin-groups-busy')
  const groupId = uniqueTopic('admin-group-busy')
  await admin.createTopics([{ name: topic, partitions: 1 }])
  t.teardown(() => admin.deleteTopics([topic]))
  const member = await joinAsLeader(kafka, groupId, topic, [0])
  t.teardown(() => member.leave())
  const [r] = await admin.alterCommittedOffsets(groupId, [{ topic, partition: 0, offset: 0 }])
  t.not(r.errorCode, 0)
  t.match(r.errorName, /UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION/)
})

t.test('a group made by the kafkats consumer is described with its decoded assignment, deleted once it left', async (t) => {
  const topic = uniqueTopic('admin-groups-consumer')
  const groupId = uniqueTopic('admin-group-consumer')
  await admin.createTopics([{ name: topic, partitions: 3 }])
  t.teardown(() => admin.deleteTopics([topic]))
  const consumer = kafka.consumer({ groupId, topics: [topic] })
  t.teardown(() => consumer.stop())
  await waitFor('the consumer to be assigned', async () => {
    await consumer.poll(200)
    return consumer.assignment().length === 3
  }, 30_000, 0)

  const [g] = await admin.describeGroups([groupId])
  t.equal(g.state, 'Stable')
  t.equal(g.protocolType, 'consumer')
  t.equal(g.members.length, 1)
  t.same(g.members[0].subscription?.topics, [topic])
  t.same(g.members[0].assignment?.partitions.flatMap((p) => p.partitions.map((n) => `${p.topic}-${n}`)).sort(), [0, 1, 2].map((n) => `${topic}-${n}`))
  t.ok((await admin.listGroups()).some((x) => x.groupId === groupId))

  await consumer.stop()
  await waitFor('group to empty', async () => (await admin.describeGroups([groupId]))[0].state === 'Empty')
  const [deleted] = await admin.deleteGroups([groupId])
  t.equal(deleted.errorCode, 0, deleted.errorMessage ?? '')
})
