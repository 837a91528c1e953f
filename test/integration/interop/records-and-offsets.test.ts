// Interop with the Apache Kafka Java client (the broker's own kafka-clients jar, run as
// test/interop/JavaPeer.java) and librdkafka (confluent-kafka-python): what kafkats writes — record batches of every codec with
// headers, null keys and tombstones (Produce v13 by topic id on 4.x), and committed offsets
// with metadata and leader epoch (OffsetCommit v10 by topic id) — is what the Java client
// (and librdkafka) reads, and the other way round. Self round trips cannot catch a field both sides get wrong.
import t from 'tap'
import type { CompressionCodec } from '../../../src/protocol/compression/codec.js'
import type { ConsumerRecord } from '../../../src/consumer/consumer-record.js'
import { bootstrap, newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { peerMissing, runPeer } from './peers.js'

const skip = peerMissing('java')
const java = (...args: string[]): Promise<Record<string, unknown>[]> => runPeer('java', ...args)

// Timestamps in the past but within retention: older ones would be deleted by the broker's
// next retention check (the first runs 30 s after it starts), under the consumer's feet.
const t0 = Date.now() - 3_600_000
const b64 = (b: Buffer | null): string | null => (b === null ? null : b.toString('base64'))
const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())
const admin = kafka.admin()
t.teardown(() => admin.close())

async function newTopic(prefix: string, partitions: number): Promise<string> {
  const topic = uniqueTopic(prefix)
  await admin.createTopics([{ name: topic, partitions, replicationFactor: 1 }])
  return topic
}

for (const kind of ['java', 'librdkafka'] as const) t.test(`kafkats writes, the ${kind} client reads: every codec, headers, null keys, tombstones`, { skip: peerMissing(kind) }, async (t) => {
  const codecs: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']
  const topic = await newTopic('interop-k2j', 3)
  const sent = new Map<string, { key: string | null; value: string | null; headers: [string, string | null][]; timestamp: number }>()
  for (const [c, compression] of codecs.entries()) {
    const producer = kafka.producer({ compression, lingerMs: 5 })
    const sends = []
    for (let i = 0; i < 60; i++) {
      const n = c * 1000 + i
      const key = i % 7 === 0 ? null : Buffer.from(`k${n}-ключ`)
      const value = i % 11 === 0 ? null : i === 5 ? Buffer.alloc(100_000, n % 251) : Buffer.from(`v${n}`.repeat(1 + (i % 5)))
      const headers = [
        { key: 'codec', value: Buffer.from(compression) },
        { key: 'n', value: Buffer.from(String(n)) },
        { key: 'n', value: Buffer.from('repeated') },
        { key: 'empty', value: Buffer.alloc(0) },
        { key: 'null', value: null },
      ]
      const timestamp = t0 + n
      sends.push(
        producer.send({ topic, partition: i % 3, key, value, headers, timestamp }).then((md) => {
          sent.set(`${md.partition}:${md.offset}`, { key: b64(key), value: b64(value), headers: headers.map((h) => [h.key, b64(h.value)]), timestamp })
        }),
      )
    }
    await Promise.all(sends)
    await producer.close()
  }
  const read = await runPeer(kind, 'consume', bootstrap(), topic, String(sent.size))
  t.equal(read.length, sent.size, `the ${kind} consumer read all ${sent.size} records`)
  let same = 0
  for (const r of read) {
    const want = sent.get(`${String(r.partition)}:${String(r.offset)}`)
    if (want === undefined) {
      t.fail(`the ${kind} consumer read a record kafkats did not write: ${JSON.stringify(r)}`)
      continue
    }
    const got = { key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp }
    if (JSON.stringify(got) === JSON.stringify(want)) same++
    else t.same(got, want, `record ${String(r.partition)}:${String(r.offset)}`)
  }
  t.equal(same, sent.size, 'keys, values, headers (order, repeats, empty and null values) and timestamps as written')
})

t.test('the Java client writes, kafkats reads', { skip }, async (t) => {
  const topic = await newTopic('interop-j2k', 3)
  const count = 300
  for (const compression of ['zstd', 'lz4']) {
    await java('produce', bootstrap(), topic, String(count), compression, String(t0))
  }
  const consumer = kafka.consumer({
    assignments: [0, 1, 2].map((partition) => ({ topic, partition, offset: 'earliest' as const })),
  })
  t.teardown(() => consumer.stop())
  const records: ConsumerRecord[] = []
  const end = Date.now() + 60_000
  while (records.length < 2 * count && Date.now() < end) {
    const ev = await consumer.poll(500)
    if (ev.type === 'records') records.push(...ev.records)
  }
  t.equal(records.length, 2 * count)
  let same = 0
  const perPartition = new Map<number, number>()
  for (const r of records) {
    // Records of partition p come in order: the k-th one is the k-th i with i % 3 === p, per run.
    const k = perPartition.get(r.partition) ?? 0
    perPartition.set(r.partition, k + 1)
    const i = ((k % (count / 3)) * 3 + r.partition) % count
    const want = {
      key: i % 7 === 0 ? null : `k${i}`,
      value: i % 11 === 0 ? null : `v${i}`.repeat(1 + (i % 5)),
      headers: [
        ['h', String(i)],
        ['empty', ''],
      ],
      timestamp: t0 + i,
    }
    const got = { key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, headers: r.headers.map((h) => [h.key, h.value?.toString() ?? null]), timestamp: r.timestamp }
    if (JSON.stringify(got) === JSON.stringify(want)) same++
    else t.same(got, want, `record ${r.partition}:${r.offset}`)
  }
  t.equal(same, 2 * count, 'keys, values, headers and timestamps as the Java producer wrote them')
})

t.test('offsets kafkats commits are what the Java client reads, and the other way round', { skip }, async (t) => {
  const topic = await newTopic('interop-offsets', 2)
  const producer = kafka.producer()
  await producer.sendBatch(Array.from({ length: 20 }, (_, i) => ({ topic, partition: i % 2, value: `r${i}` })))
  await producer.close()

  // kafkats commits as a group member (OffsetCommit with generation and member id).
  const group = uniqueTopic('g-interop-k2j')
  const consumer = kafka.consumer({ groupId: group, topics: [topic], resetStrategy: 'earliest' })
  const records: ConsumerRecord[] = []
  const end = Date.now() + 60_000
  while (records.length < 20 && Date.now() < end) {
    const ev = await consumer.poll(500)
    if (ev.type === 'records') records.push(...ev.records)
  }
  t.equal(records.length, 20)
  const epoch = records[0].leaderEpoch
  await consumer.commit([
    { topic, partition: 0, offset: 7n, metadata: 'kafkats-p0' },
    { topic, partition: 1, offset: 10n, metadata: 'kafkats-p1 ✓' },
  ])
  await consumer.stop()
  const javaSees = (await java('offsets', bootstrap(), group)).sort((a, b) => Number(a.partition) - Number(b.partition))
  t.same(
    javaSees,
    [
      { topic, partition: 0, offset: 7, leaderEpoch: epoch, metadata: 'kafkats-p0' },
      { topic, partition: 1, offset: 10, leaderEpoch: epoch, metadata: 'kafkats-p1 ✓' },
    ],
    'the Java Admin reads the offsets, leader epochs and metadata kafkats committed',
  )

  // A group the Java client committed: kafkats reads it, and a kafkats member resumes there.
  const javaGroup = uniqueTopic('g-interop-j2k')
  await java('commit', bootstrap(), javaGroup, topic, '1', '4', 'java-meta')
  const committed = await admin.fetchCommittedOffsets(javaGroup)
  t.match(committed, [{ topic, partition: 1, offset: 4n, metadata: 'java-meta' }], 'kafkats reads what the Java client committed')
  const resumed = kafka.consumer({ groupId: javaGroup, topics: [topic], resetStrategy: 'latest' })
  t.teardown(() => resumed.stop())
  const again: ConsumerRecord[] = []
  const end2 = Date.now() + 60_000
  while (again.length < 6 && Date.now() < end2) {
    const ev = await resumed.poll(500)
    if (ev.type === 'records') again.push(...ev.records)
  }
  t.same(
    again.map((r) => `${r.partition}:${r.offset}`),
    ['1:4', '1:5', '1:6', '1:7', '1:8', '1:9'],
    'a kafkats member of the Java group starts at the committed offset (partition 0 has none: latest)',
  )
})
