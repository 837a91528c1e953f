// The group leader watches its subscribed topics' metadata (as the Java consumer's leader
// compares its assignment snapshot with each metadata update): partitions added to a topic,
// and a subscribed topic created after the group formed, reach the members through a
// rebalance, without any member joining or leaving. Two members and an admin from ONE Kafka.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { type Member, settled, startMember, until } from '../../helpers/group-members.js'

// A short metadata age so that added partitions are noticed within the test (default 5 min).
const kafka = newKafka({ metadataMaxAgeMs: 2_000 })
t.teardown(() => kafka.disconnectAll())

const opts = { resetStrategy: 'earliest' as const, heartbeatIntervalMs: 300, sessionTimeoutMs: 10_000 }
const owned = (members: readonly Member[], topic: string): number[] =>
  members.flatMap((m) => m.partitions().get(topic) ?? []).sort((a, b) => a - b)

t.test('partitions added to a subscribed topic are assigned and consumed', async (t) => {
  const topic = uniqueTopic('watch-grow')
  const groupId = uniqueTopic('g-watch-grow')
  await createTopic(kafka, topic, 2)
  const members = ['a', 'b'].map((n) => startMember(kafka, n, { ...opts, groupId, topics: [topic] }))
  t.teardown(() => Promise.all(members.map((m) => m.stop())))
  await until('both members share partitions 0 and 1', () => settled(members) && owned(members, topic).join() === '0,1')
  const admin = kafka.admin()
  t.teardown(() => admin.close())
  await admin.createPartitions([{ topic, count: 4 }])
  await until('partitions 0–3 assigned', () => settled(members) && owned(members, topic).join() === '0,1,2,3', 60_000)
  for (const p of [2, 3]) await produce(kafka, topic, p, [{ key: Buffer.from(`k${p}`), value: Buffer.from(`v${p}`) }])
  await until('records of the new partitions consumed', () => new Set(members.flatMap((m) => m.records.map((r) => r.partition))).size >= 2 && members.flatMap((m) => m.records).filter((r) => r.partition >= 2).length === 2)
  t.same(
    members.flatMap((m) => m.records).map((r) => r.partition).sort(),
    [2, 3],
    'each record of the new partitions consumed once',
  )
  for (const m of members) t.same(m.errors, [], `${m.name}: no errors`)
})

t.test('a subscribed topic created after the group formed is assigned and consumed', async (t) => {
  const present = uniqueTopic('watch-present')
  const late = uniqueTopic('watch-late')
  const groupId = uniqueTopic('g-watch-late')
  await createTopic(kafka, present, 1)
  const members = ['a', 'b'].map((n) => startMember(kafka, n, { ...opts, groupId, topics: [present, late] }))
  t.teardown(() => Promise.all(members.map((m) => m.stop())))
  await until('the present topic is assigned', () => settled(members) && owned(members, present).join() === '0')
  await createTopic(kafka, late, 2)
  await until('the late topic assigned', () => settled(members) && owned(members, late).join() === '0,1', 60_000)
  await produce(kafka, late, 0, [{ key: null, value: Buffer.from('late-0') }])
  await produce(kafka, late, 1, [{ key: null, value: Buffer.from('late-1') }])
  await until('records of the late topic consumed', () => members.flatMap((m) => m.records).filter((r) => r.topic === late).length >= 2)
  t.same(
    members
      .flatMap((m) => m.records)
      .filter((r) => r.topic === late)
      .map((r) => r.value?.toString())
      .sort(),
    ['late-0', 'late-1'],
  )
  for (const m of members) t.same(m.errors, [], `${m.name}: no errors`)
})
