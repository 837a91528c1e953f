// The seed systems' producer capabilities (issue 21) against the real broker: KafkaTcl's
// `delivery_report sample` (requestDeliveryReport), `output_queue_length` (queueLength),
// `info consistent_partition` (partitionFor with a named partitioner, -1 while the topic has no
// partitions), checked against librdkafka itself (kcat -X partitioner=consistent); the Python
// wrapper's handle_failed_send (fire-and-forget sends with onDeliveryError).
import { spawnSync } from 'node:child_process'
import t from 'tap'
import type { DeliveryReport } from '../../../src/producer/producer-record.js'
import { ConfigError, type KafkaError } from '../../../src/errors.js'
import { bootstrap, newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'
import { createTopic } from '../../helpers/consumer-fixtures.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())

t.test('requestDeliveryReport reports exactly the next delivery (sample mode)', async (t) => {
  const topic = uniqueTopic('seed-sample')
  await createTopic(kafka, topic, 1)
  const p = kafka.producer({ deliveryReportSampling: 0, lingerMs: 0 })
  t.teardown(() => p.close())
  const reports: DeliveryReport[] = []
  p.on('delivery', (r) => reports.push(r))
  for (let i = 0; i < 5; i++) await p.send({ topic, value: `a${i}` })
  t.equal(reports.length, 0, 'sampling 0: no report')
  p.requestDeliveryReport()
  const m = await p.send({ topic, value: 'sampled' })
  for (let i = 0; i < 5; i++) await p.send({ topic, value: `b${i}` })
  t.equal(reports.length, 1, 'exactly one report')
  t.equal(String(reports[0].record?.value), 'sampled')
  t.equal(reports[0].offset, m.offset)
  t.equal(reports[0].error, undefined)

  // With every-N sampling the requested one comes on top, and the count goes on.
  const q = kafka.producer({ deliveryReportSampling: 4, lingerMs: 0 })
  t.teardown(() => q.close())
  const got: string[] = []
  q.on('delivery', (r) => got.push(String(r.record?.value)))
  for (let i = 1; i <= 3; i++) await q.send({ topic, value: `c${i}` })
  q.requestDeliveryReport()
  await q.send({ topic, value: 'c-sampled' })
  for (let i = 4; i <= 5; i++) await q.send({ topic, value: `c${i}` })
  t.same(got, ['c-sampled', 'c4'])
})

t.test('queueLength: records not yet acknowledged (output_queue_length)', async (t) => {
  const topic = uniqueTopic('seed-queue')
  await createTopic(kafka, topic, 2)
  const p = kafka.producer({ lingerMs: 60_000, batchSize: 1_000_000 })
  t.teardown(() => p.close())
  t.equal(p.queueLength(), 0)
  const sends = Array.from({ length: 10 }, (_, i) => p.send({ topic, key: String(i), value: 'x' }))
  await waitFor('buffered', async () => p.queueLength() === 10)
  t.equal(p.stats().queueLength, 10)
  await p.flush()
  await Promise.all(sends)
  t.equal(p.queueLength(), 0)
  t.match(p.stats().name, /^kafkats-test#producer-\d+$/)
  t.equal(p.stats().clientId, 'kafkats-test')
})

t.test('partitionFor with a named partitioner; wait:false gives -1 while the topic has no partitions', async (t) => {
  const topic = uniqueTopic('seed-pfor')
  const p = kafka.producer({ allowAutoTopicCreation: false })
  t.teardown(() => p.close())
  t.equal(await p.partitionFor(topic, 'k', { partitioner: 'consistent', wait: false }), -1, 'no such topic yet')
  await t.rejects(p.partitionFor(topic, 'k', { partitioner: 'nope' as 'consistent', wait: false }), ConfigError)
  await createTopic(kafka, topic, 6)
  await kafka.refreshMetadata([topic])
  const c = await p.partitionFor(topic, 'k', { partitioner: 'consistent', wait: false })
  t.ok(c >= 0 && c < 6)
  t.equal(await p.partitionFor(topic, 'k', { partitioner: 'consistent' }), c, 'same answer waiting')
  t.equal(await p.partitionFor(topic, 'k', { partitioner: 'murmur2' }), await p.partitionFor(topic, 'k'), 'murmur2 = the default partitioner for a key')
})

const kcat = spawnSync('kcat', ['-V']).status === 0

t.test('partitionFor(…, { partitioner: "consistent" }) agrees with librdkafka (kcat) for 1,000 keys', { skip: kcat ? false : 'kcat is not installed (apt-get install kcat)' }, async (t) => {
  const topic = uniqueTopic('seed-kcat')
  await createTopic(kafka, topic, 7)
  const keys = Array.from({ length: 1000 }, (_, i) => `key-${i}-${(i * 7919).toString(36)}`)
  const input = keys.map((k, i) => `${k}\t${i}`).join('\n') + '\n'
  const res = spawnSync('kcat', ['-P', '-b', bootstrap(), '-t', topic, '-K', '\t', '-X', 'partitioner=consistent'], { input, timeout: 60_000 })
  t.equal(res.status, 0, `kcat -P: ${String(res.stderr)}`)
  const p = kafka.producer()
  t.teardown(() => p.close())
  const expected = new Map<string, number>()
  for (const k of keys) expected.set(k, await p.partitionFor(topic, k, { partitioner: 'consistent' }))
  const c = kafka.consumer({ assignments: Array.from({ length: 7 }, (_, partition) => ({ topic, partition, offset: 'earliest' as const })), exitAtEnd: true })
  t.teardown(() => c.stop())
  const where = new Map<string, number>()
  for await (const b of c) for (const r of b.records) where.set(String(r.key), r.partition)
  t.equal(where.size, 1000, 'every record read back')
  const wrong = keys.filter((k) => where.get(k) !== expected.get(k))
  t.same(wrong, [], 'every key where kafkats says')
  t.ok(new Set(where.values()).size === 7, 'the keys spread over every partition')
})

t.test('fire-and-forget sends with onDeliveryError to a missing topic (handle_failed_send)', async (t) => {
  const topic = uniqueTopic('seed-missing')
  const failed: [string, KafkaError][] = []
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => void process.off('unhandledRejection', onUnhandled))
  const p = kafka.producer({ allowAutoTopicCreation: false, requestTimeoutMs: 1500, deliveryTimeoutMs: 2000, onDeliveryError: (record, error) => failed.push([String(record.value), error]) })
  t.teardown(() => p.close())
  for (let i = 0; i < 20; i++) void p.send({ topic, value: `v${i}` })
  await waitFor('every failure reported', async () => failed.length === 20, 20_000, 50)
  t.same(failed.map(([v]) => v), Array.from({ length: 20 }, (_, i) => `v${i}`), 'each record once, in order')
  t.ok(failed.every(([, e]) => e.code === 'DELIVERY_TIMEOUT'), 'delivery timeouts')
  t.match(failed[0][1].message, /UNKNOWN_TOPIC_OR_PARTITION|waiting for the topic/)
  await new Promise((r) => setTimeout(r, 100))
  t.same(unhandled, [], 'no unhandled rejection')
  t.equal(p.queueLength(), 0)
  // The producer (and the client) still work.
  const ok = uniqueTopic('seed-after')
  await createTopic(kafka, ok, 1)
  t.equal((await p.send({ topic: ok, value: 'fine' })).offset, 0n)
})
