// Usage suite (issue 11): two groups on one topic, from ONE Kafka instance: each group gets every record once.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { duplicatesOf, produceIndexed, splitEvenly, startUsageMember, until } from './usage-fixture.js'

const PARTITIONS = 6
const RECORDS = 12_000

t.test('two groups of two members each, one producer, one Kafka', async (t) => {
  const kafka = newKafka({ clientId: 'usage-two-groups' })
  t.teardown(() => kafka.disconnectAll())
  const admin = kafka.admin()
  const topic = uniqueTopic('usage-two-groups')
  const [created] = await admin.createTopics([{ name: topic, partitions: PARTITIONS, replicationFactor: 1 }])
  t.equal(created.errorCode, 0, 'topic created')
  const groups = ['g1', 'g2'].map((g) => {
    const groupId = uniqueTopic(`usage-${g}`)
    return ['a', 'b'].map((n) => startUsageMember(kafka, `${g}-${n}`, { groupId, topics: [topic], assignors: ['range'], resetStrategy: 'earliest', heartbeatIntervalMs: 1000, sessionTimeoutMs: 10_000 }))
  })
  try {
    for (const [i, members] of groups.entries()) await until(`group ${i + 1} split 3/3`, () => splitEvenly(members, topic, PARTITIONS), 90_000)
    t.pass('both groups split 3/3')
    const atSplit = groups.map((ms) => ms.map((m) => m.rebalances.length))
    await produceIndexed(kafka, topic, RECORDS, PARTITIONS)
    for (const [i, members] of groups.entries()) {
      await until(`group ${i + 1}: ${RECORDS} records`, () => members.reduce((n, m) => n + m.values.length, 0) >= RECORDS, 120_000)
    }
    for (const [i, members] of groups.entries()) {
      const values = members.flatMap((m) => m.values)
      t.equal(values.length, RECORDS, `group ${i + 1}: ${RECORDS} records`)
      t.same(duplicatesOf(values), [], `group ${i + 1}: no record twice`)
      t.equal(new Set(values).size, RECORDS, `group ${i + 1}: every record`)
      t.same(members.map((m) => m.rebalances.length), atSplit[i], `group ${i + 1}: no rebalance after the split`)
      t.same(members.flatMap((m) => m.errors.map(String)), [], `group ${i + 1}: no poll or commit errors`)
    }
  } finally {
    await Promise.all(groups.flat().map((m) => m.stop()))
  }
})
