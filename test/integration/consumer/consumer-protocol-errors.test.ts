// The consumer group protocol (KIP-848) when the broker says no, on the real broker (4.x):
//  - UNRELEASED_INSTANCE_ID: a second member with the groupInstanceId of a static member still
//    in the group. The broker refuses the join while the first holds the id; kafkats retries it
//    for sessionTimeoutMs (the first may be a restart of the same instance whose leave is on its
//    way), then poll() throws the typed error. When the first member leaves (epoch -2) within
//    that time, the second takes its place and its partitions.
//  - INVALID_REGULAR_EXPRESSION: a RegExp that JavaScript accepts and RE2/J (the broker's
//    engine) does not, here a lookahead: poll() throws the typed error, no hang.
//  - RackId: clientRack is sent as ConsumerGroupHeartbeat's RackId, as ConsumerGroupDescribe shows.
// (Rejoining after the broker removed a member that missed its session timeout is in
// consumer-protocol-fencing.test.ts, on a cluster with a short group.consumer.session.timeout.ms.)
import t from 'tap'
import { KafkaError } from '../../../src/errors.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic } from '../../helpers/consumer-fixtures.js'
import { type Member, startMember, until } from '../../helpers/group-members.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())
const admin = kafka.admin()
t.teardown(() => admin.close())

const codeOf = (e: unknown): string | undefined => (e instanceof KafkaError ? e.code : undefined)

t.test('UNRELEASED_INSTANCE_ID: a second member with a static member’s instance id', async (t) => {
  const topic = uniqueTopic('unreleased')
  const groupId = uniqueTopic('g-unreleased')
  await createTopic(kafka, topic, 2)
  const members: Member[] = []
  t.teardown(() => Promise.all(members.map((m) => m.stop())))
  const opts = { groupId, topics: [topic], groupProtocol: 'consumer' as const, resetStrategy: 'earliest' as const, groupInstanceId: 'the-instance' }
  const a = startMember(kafka, 'a', opts)
  members.push(a)
  await until('a owns both partitions', () => (a.partitions().get(topic) ?? []).length === 2, 60_000)

  // While a holds the id: the broker refuses b until b gives up after its sessionTimeoutMs.
  const started = Date.now()
  const b = startMember(kafka, 'b', { ...opts, sessionTimeoutMs: 6_000 })
  members.push(b)
  await until('b gets an error', () => b.errors.length > 0, 60_000)
  t.equal(codeOf(b.errors[0]), 'UNRELEASED_INSTANCE_ID', 'poll() throws UNRELEASED_INSTANCE_ID')
  t.ok(b.errors[0] instanceof KafkaError && !b.errors[0].retriable, 'a KafkaError, not retriable')
  t.ok(Date.now() - started >= 6_000, 'after retrying for sessionTimeoutMs')
  t.same(b.rebalances, [], 'b never got partitions')
  t.same(a.errors, [], 'a is unaffected')
  const [group] = await admin.describeGroups([groupId])
  t.equal(group.members.length, 1, 'the group still has one member')
  t.equal(group.members[0].memberId, a.consumer.groupMember()?.memberId, 'and it is a')
  await b.stop()
  members.pop()

  // A new member while a leaves: it retries UNRELEASED_INSTANCE_ID until a's leave (-2) lands.
  const c = startMember(kafka, 'c', { ...opts, sessionTimeoutMs: 30_000 })
  members.push(c)
  await new Promise((r) => setTimeout(r, 1500))
  await a.stop()
  await until('c owns both partitions', () => (c.partitions().get(topic) ?? []).length === 2, 60_000)
  t.same(c.errors, [], 'c joined once a left, without an error')
})

t.test('INVALID_REGULAR_EXPRESSION: a RegExp RE2/J does not accept', async (t) => {
  const consumer = kafka.consumer({ groupId: uniqueTopic('g-badre'), topics: [/orders-(?=eu)/], groupProtocol: 'consumer' })
  t.teardown(() => consumer.stop())
  let err: unknown
  for (let i = 0; i < 60 && err === undefined; i++) {
    try {
      await consumer.poll(500)
    } catch (e) {
      err = e
    }
  }
  t.equal(codeOf(err), 'INVALID_REGULAR_EXPRESSION', 'poll() throws INVALID_REGULAR_EXPRESSION')
  t.match((err as Error).message, /regular expression|regex/i, 'the message says what is wrong')
  await t.rejects(consumer.poll(100), { code: 'INVALID_REGULAR_EXPRESSION' }, 'and keeps throwing it (the subscription is unusable)')
})

t.test('clientRack is the member’s RackId', async (t) => {
  const topic = uniqueTopic('rack-id')
  const groupId = uniqueTopic('g-rack-id')
  await createTopic(kafka, topic, 1)
  const m = startMember(kafka, 'm', { groupId, topics: [topic], groupProtocol: 'consumer', clientRack: 'rack-7' })
  t.teardown(() => m.stop())
  await until('m owns the partition', () => (m.partitions().get(topic) ?? []).length === 1, 60_000)
  const [group] = await admin.describeGroups([groupId])
  t.equal(group.type, 'consumer', 'a consumer protocol group')
  t.equal(group.members[0]?.consumerProtocol?.rackId, 'rack-7', 'ConsumerGroupDescribe shows the rack')
})
