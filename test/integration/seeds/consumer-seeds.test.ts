// The seed systems' consumer capabilities (issue 21) against the real broker: KafkaTcl's
// consume_batch (poll with maxRecords), stop partition (unassign) and consume_start (assign),
// its statistics callback (the consumer's stats), and the Python wrapper's msg_callback
// (run with eachMessage).
import t from 'tap'
import type { ConsumerRecord } from '../../../src/consumer/consumer-record.js'
import type { ConsumerStats } from '../../../src/consumer/consumer-stats.js'
import { ConfigError } from '../../../src/errors.js'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'
import { createTopic, numbered, produce } from '../../helpers/consumer-fixtures.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())

t.test('poll(timeout, { maxRecords: 5 }): at most 5 per call, none lost or repeated (consume_batch)', async (t) => {
  const topic = uniqueTopic('seed-poll')
  await createTopic(kafka, topic, 1)
  await produce(kafka, topic, 0, numbered('v', 0, 23))
  const c = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }] })
  t.teardown(() => c.stop())
  await t.rejects(c.poll(10, { maxRecords: 0 }), ConfigError)
  await t.rejects(c.poll(10, { maxRecords: 1.5 }), ConfigError)
  const got: ConsumerRecord[] = []
  const sizes: number[] = []
  const deadline = Date.now() + 30_000
  while (got.length < 23 && Date.now() < deadline) {
    const e = await c.poll(2000, { maxRecords: 5 })
    if (e.type !== 'records') continue
    if (e.records.length > 0) sizes.push(e.records.length)
    got.push(...e.records)
  }
  t.ok(sizes.every((n) => n <= 5), `every call returned at most 5 (${sizes.join(',')})`)
  t.ok(sizes.filter((n) => n === 5).length >= 4, 'calls are filled up to 5 when records are buffered')
  t.same(got.map((r) => r.offset), Array.from({ length: 23 }, (_, i) => BigInt(i)), 'every offset once, in order')
  const after = await c.poll(200, { maxRecords: 5 })
  t.same(after, { type: 'records', records: [] }, 'nothing more')
  t.equal(c.position(topic, 0), 23n)
})

t.test('unassign drops the buffered records of that partition; assign adds it back', async (t) => {
  const topic = uniqueTopic('seed-unassign')
  await createTopic(kafka, topic, 2)
  await produce(kafka, topic, 0, numbered('p0', 0, 50))
  await produce(kafka, topic, 1, numbered('p1', 0, 50))
  const c = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }, { topic, partition: 1, offset: 'earliest' }] })
  t.teardown(() => c.stop())
  await t.rejects(async () => c.unassign([{ topic: '' }]), ConfigError)
  const first = await c.poll(10_000, { maxRecords: 1 })
  t.equal(first.type === 'records' ? first.records.length : 0, 1)
  // Both partitions fetched and buffered: 99 records wait.
  await waitFor('both partitions buffered', async () => c.stats().bufferedRecords === 99)
  const took = first.type === 'records' ? first.records[0].partition : -1
  const other = took === 0 ? 1 : 0
  c.unassign([{ topic, partitions: [other] }])
  t.equal(c.stats().bufferedRecords, 49, "the stopped partition's 50 buffered records are gone")
  t.same(c.assignment(), [{ topic, partition: took }])
  const rest: ConsumerRecord[] = []
  for (let i = 0; i < 100 && rest.length < 49; i++) {
    const e = await c.poll(1000)
    if (e.type === 'records') rest.push(...e.records)
  }
  t.equal(rest.length, 49)
  t.ok(rest.every((r) => r.partition === took), 'nothing of the stopped partition is handed out')
  await produce(kafka, topic, other, numbered('late', 0, 3))
  const none = await c.poll(1500)
  t.same(none, { type: 'records', records: [] }, 'new records of the stopped partition are not fetched')

  // assign (KafkaTcl consume_start): back from offset 48.
  c.assign([{ topic, partition: other, offset: 48 }])
  t.throws(() => c.assign([{ topic, partition: -1 }]), ConfigError)
  const back: ConsumerRecord[] = []
  for (let i = 0; i < 50 && back.length < 5; i++) {
    const e = await c.poll(1000)
    if (e.type === 'records') back.push(...e.records)
  }
  t.same(back.map((r) => `${r.partition}:${r.offset}`), [48n, 49n, 50n, 51n, 52n].map((o) => `${other}:${o}`))
})

t.test('unassign and assign are for partition consumers only', async (t) => {
  const c = kafka.consumer({ groupId: uniqueTopic('seed-g'), topics: [uniqueTopic('seed-none')] })
  t.teardown(() => c.stop())
  t.throws(() => c.unassign([{ topic: 'x' }]), ConfigError)
  t.throws(() => c.assign([{ topic: 'x', partition: 0 }]), ConfigError)
})

t.test('run({ eachMessage }) on a group consumer, committing after each batch (msg_callback)', async (t) => {
  const topic = uniqueTopic('seed-run')
  const groupId = uniqueTopic('seed-run-g')
  await createTopic(kafka, topic, 2)
  await produce(kafka, topic, 0, numbered('a', 0, 20))
  await produce(kafka, topic, 1, numbered('b', 0, 10))
  const c = kafka.consumer({ groupId, topics: [topic], resetStrategy: 'earliest' })
  const seen: string[] = []
  const ran = c.run({
    commitAfterBatch: true,
    eachMessage: async (r) => {
      seen.push(`${r.partition}:${String(r.value)}`)
      if (seen.length === 30) setImmediate(() => void c.stop())
    },
  })
  await ran
  t.equal(seen.length, 30)
  t.same(seen.filter((s) => s.startsWith('0:')), numbered('a', 0, 20).map((r) => `0:${String(r.value)}`), 'partition 0 in order')
  t.same(seen.filter((s) => s.startsWith('1:')), numbered('b', 0, 10).map((r) => `1:${String(r.value)}`), 'partition 1 in order')
  // The commits were made: a new member of the group starts after them.
  await produce(kafka, topic, 0, numbered('a', 20, 21))
  const again = kafka.consumer({ groupId, topics: [topic], resetStrategy: 'earliest' })
  t.teardown(() => again.stop())
  const next: ConsumerRecord[] = []
  for (let i = 0; i < 30 && next.length === 0; i++) {
    const e = await again.poll(1000)
    if (e.type === 'records') next.push(...e.records)
  }
  t.same(next.map((r) => String(r.value)), ['a-20'], 'only the record after the committed offsets')

  const bad = kafka.consumer({ groupId: uniqueTopic('seed-run-bad'), topics: [topic], resetStrategy: 'earliest' })
  t.teardown(() => bad.stop())
  await t.rejects(bad.run({ eachMessage: () => { throw new Error('boom') } }), { code: 'HANDLER_FAILED' })
})

t.test('consumer stats: the stats event and stats(), with the client name', async (t) => {
  const topic = uniqueTopic('seed-stats')
  await createTopic(kafka, topic, 1)
  await produce(kafka, topic, 0, numbered('s', 0, 12))
  const c = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], statisticsIntervalMs: 100 })
  t.teardown(() => c.stop())
  const events: ConsumerStats[] = []
  c.on('stats', (s) => events.push(s))
  let n = 0
  while (n < 10) {
    const e = await c.poll(5000, { maxRecords: 10 - n })
    if (e.type === 'records') n += e.records.length
  }
  const s = c.stats()
  t.match(s.name, /^kafkats-test#consumer-\d+$/)
  t.equal(s.clientId, 'kafkats-test')
  t.equal(s.recordsConsumed, 10)
  t.equal(s.recordsFetched, 12)
  t.equal(s.bufferedRecords, 2)
  t.same(s.partitions, [{ topic, partition: 0, position: 10n, highWatermark: 12n, lag: 2n, committed: 0n, paused: false }])
  await waitFor('a stats event', async () => events.length > 0)
  t.equal(events[0].name, s.name)
})
