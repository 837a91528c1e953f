// The client-side buffer budget (queuedMaxMessagesKbytes, librdkafka's queued.max.messages.kbytes):
// a slow application reading a topic far larger than the budget. The fetched-but-not-handed-out
// bytes the consumer holds (consumer.bufferedBytes(), the queue's own count, not RSS) stay under
// the budget plus one record batch (the broker always returns a first batch whole, KIP-74), and
// every record arrives, in order.
import t from 'tap'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'

const PARTITIONS = 4
const BATCHES = 25 // per partition
const PER_BATCH = 20
const VALUE = Buffer.alloc(1024, 120) // 1 KiB values: batches of ~21 KiB
const BUDGET_KIB = 256

t.test('a slow consumer of a large topic holds at most the budget', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('buffer-budget')
  await createTopic(kafka, topic, PARTITIONS)
  let biggestBatch = 0
  for (let p = 0; p < PARTITIONS; p++) {
    for (let b = 0; b < BATCHES; b++) {
      const records = Array.from({ length: PER_BATCH }, (_, i) => ({ key: Buffer.from(`${p}-${b * PER_BATCH + i}`), value: VALUE }))
      await produce(kafka, topic, p, records)
      biggestBatch = Math.max(biggestBatch, PER_BATCH * (VALUE.length + 32) + 61)
    }
  }
  const total = PARTITIONS * BATCHES * PER_BATCH
  t.ok(total * VALUE.length > 6 * BUDGET_KIB * 1024, 'the topic is several times the budget')

  const consumer = kafka.consumer({
    assignments: Array.from({ length: PARTITIONS }, (_, p) => ({ topic, partition: p, offset: 'earliest' as const })),
    queuedMaxMessagesKbytes: BUDGET_KIB,
    maxPollRecords: 40,
    maxWaitMs: 100,
  })
  t.teardown(() => consumer.stop())
  let peak = 0
  const sample = (): void => {
    peak = Math.max(peak, consumer.bufferedBytes())
  }
  const sampler = setInterval(sample, 1)
  t.teardown(() => clearInterval(sampler))

  const next = new Map<number, number>()
  let got = 0
  let outOfOrder = 0
  for (const deadline = Date.now() + 120_000; got < total && Date.now() < deadline;) {
    const e = await consumer.poll(1000)
    sample()
    if (e.type !== 'records') continue
    for (const r of e.records) {
      const want = next.get(r.partition) ?? 0
      if (r.key?.toString() !== `${r.partition}-${want}`) outOfOrder++
      next.set(r.partition, want + 1)
      got++
    }
    // The application is slow: the fetcher runs ahead until the budget stops it.
    await new Promise((r) => setTimeout(r, 5))
  }
  clearInterval(sampler)
  t.equal(got, total, 'every record delivered')
  t.equal(outOfOrder, 0, 'in order per partition')
  const limit = BUDGET_KIB * 1024 + biggestBatch
  t.ok(peak <= limit, `queued bytes peaked at ${peak}, within the budget ${BUDGET_KIB * 1024} plus one batch (${biggestBatch})`)
  t.ok(peak >= (BUDGET_KIB * 1024) / 2, `the budget was reached (peak ${peak}): the application was behind`)
  t.equal(consumer.bufferedBytes(), 0, 'nothing queued once all is handed out')
})

t.test('data of paused partitions at the budget does not starve the others', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('buffer-budget-pause')
  await createTopic(kafka, topic, 2)
  for (let b = 0; b < 10; b++) await produce(kafka, topic, 0, Array.from({ length: PER_BATCH }, () => ({ key: null, value: VALUE })))
  const budget = 64
  const consumer = kafka.consumer({
    assignments: [0, 1].map((p) => ({ topic, partition: p, offset: 'earliest' as const })),
    queuedMaxMessagesKbytes: budget,
    maxPollRecords: 1,
    maxWaitMs: 100,
  })
  t.teardown(() => consumer.stop())
  let first = await consumer.poll(30_000)
  for (const deadline = Date.now() + 30_000; (first.type !== 'records' || first.records.length === 0) && Date.now() < deadline;) first = await consumer.poll(1000)
  t.equal(first.type === 'records' ? first.records[0]?.partition : -1, 0, 'partition 0 delivers')
  for (const deadline = Date.now() + 30_000; consumer.bufferedBytes() < budget * 1024 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20))
  t.ok(consumer.bufferedBytes() >= budget * 1024, `partition 0 filled the budget (${consumer.bufferedBytes()} bytes)`)

  consumer.pause([{ topic, partitions: [0] }])
  await produce(kafka, topic, 1, [{ key: null, value: Buffer.from('p1') }])
  let got: string | undefined
  for (const deadline = Date.now() + 30_000; got === undefined && Date.now() < deadline;) {
    const e = await consumer.poll(1000)
    if (e.type === 'records' && e.records.length > 0) {
      t.equal(e.records[0].partition, 1, 'nothing of the paused partition')
      got = e.records[0].value?.toString()
    }
  }
  t.equal(got, 'p1', 'partition 1 is fetched although partition 0 holds the whole budget')
})
