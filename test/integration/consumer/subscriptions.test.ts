// Subscriptions that change (issue 18), in both group protocols, on the real broker:
// subscribe() and unsubscribe() after construction, and a RegExp subscription that picks up a
// topic created after the consumer started (classic: the client re-matches the cluster's topics
// every metadataMaxAgeMs; consumer protocol: the broker resolves SubscribedTopicRegex), and
// partitions added to a subscribed topic.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { startMember, until } from '../../helpers/group-members.js'

const kafka = newKafka({ metadataMaxAgeMs: 1000 })
t.teardown(() => kafka.disconnectAll())
const admin = kafka.admin()
t.teardown(() => admin.close())

const owned = (m: ReturnType<typeof startMember>): string =>
  [...m.partitions()]
    .map(([topic, ps]) => `${topic}:${ps.join(',')}`)
    .sort()
    .join(' ')

for (const groupProtocol of ['classic', 'consumer'] as const) {
  t.test(`${groupProtocol}: subscribe, change, unsubscribe and subscribe again`, async (t) => {
    const a = uniqueTopic('sub-a')
    const b = uniqueTopic('sub-b')
    await createTopic(kafka, a, 2)
    await createTopic(kafka, b, 3)
    const m = startMember(kafka, 'm', { groupId: uniqueTopic('g-sub'), groupProtocol, resetStrategy: 'earliest' })
    t.teardown(() => m.stop())
    await new Promise((r) => setTimeout(r, 500))
    t.equal(m.rebalances.length, 0, 'no subscription: no group membership')
    m.consumer.subscribe([a])
    await until('a assigned', () => owned(m) === `${a}:0,1`, 60_000)
    m.consumer.subscribe([b])
    await until('b assigned instead', () => owned(m) === `${b}:0,1,2`, 60_000)
    t.ok(m.rebalances.some((e) => e.revoked.some((p) => p.topic === a)), 'the partitions of a were revoked')
    const before = m.rebalances.length
    await m.consumer.unsubscribe()
    await until('the unsubscribe event', () => m.rebalances.length > before && owned(m) === '', 10_000)
    t.same(m.consumer.assignment(), [], 'nothing assigned after unsubscribe()')
    m.consumer.subscribe([a, b])
    await until('a and b assigned', () => owned(m) === `${a}:0,1 ${b}:0,1,2`, 60_000)
    t.same(m.errors, [], 'no errors')
  })

  t.test(`${groupProtocol}: a RegExp subscription picks up a topic created later`, async (t) => {
    const prefix = uniqueTopic(`re-${groupProtocol}`)
    await createTopic(kafka, `${prefix}.one`, 2)
    await createTopic(kafka, `x${prefix}.other`, 1) // matches only as a substring: not subscribed
    const m = startMember(kafka, 'm', { groupId: uniqueTopic('g-re'), groupProtocol, topics: [new RegExp(`${prefix.replace(/[.-]/g, '\\$&')}\\..*`)], resetStrategy: 'earliest' })
    t.teardown(() => m.stop())
    await until('the matching topic assigned', () => owned(m) === `${prefix}.one:0,1`, 60_000)
    await createTopic(kafka, `${prefix}.two`, 1)
    await until('the topic created later assigned too', () => owned(m) === `${prefix}.one:0,1 ${prefix}.two:0`, 90_000)
    t.pass('picked up')
    t.same(m.errors, [], 'no errors')
  })

  t.test(`${groupProtocol}: partitions added to a subscribed topic are consumed`, async (t) => {
    const topic = uniqueTopic(`grow-${groupProtocol}`)
    await createTopic(kafka, topic, 1)
    const m = startMember(kafka, 'm', { groupId: uniqueTopic('g-grow'), groupProtocol, topics: [topic], resetStrategy: 'earliest' })
    t.teardown(() => m.stop())
    await until('partition 0 assigned', () => owned(m) === `${topic}:0`, 60_000)
    await admin.createPartitions([{ topic, count: 3 }])
    await until('partitions 0-2 assigned', () => owned(m) === `${topic}:0,1,2`, 90_000)
    for (const p of [1, 2]) await produce(kafka, topic, p, [{ key: null, value: Buffer.from(`v${p}`) }])
    await until('records of the new partitions consumed', () => m.records.filter((r) => r.partition >= 1).length === 2, 30_000)
    t.same(m.errors, [], 'no errors')
  })
}
