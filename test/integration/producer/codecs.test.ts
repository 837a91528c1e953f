// 100,000 keyed records per codec, produced and read back byte-exact with raw Fetch requests.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import type { CompressionCodec } from '../../../src/protocol/compression/codec.js'
import type { ProducerRecord, RecordMetadata } from '../../../src/producer/producer.js'
import { fetchPartition } from './fetch-partition.js'
import { createTopic } from './topics.js'

t.setTimeout(180_000)

const COUNT = 100_000
const PARTITIONS = 4
const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

function recordAt(topic: string, i: number, base: number): ProducerRecord {
  // Values of varying length and content, some null; binary header values.
  const value = i % 997 === 0 ? null : Buffer.from(`value-${i}-${'x'.repeat(i % 50)}`)
  return {
    topic,
    key: `key-${i}`,
    value,
    headers: i % 3 === 0 ? [{ key: 'n', value: String(i) }, { key: 'bin', value: Buffer.from([i & 255, (i >> 8) & 255]) }] : undefined,
    timestamp: base + i,
  }
}

function sameHeaders(got: ReadonlyArray<{ key: string; value: Buffer | null }>, want: ReadonlyArray<{ key: string; value: Buffer | string }>): boolean {
  if (got.length !== want.length) return false
  for (let i = 0; i < got.length; i++) {
    const w = want[i].value
    if (got[i].key !== want[i].key || got[i].value === null || !got[i].value!.equals(typeof w === 'string' ? Buffer.from(w) : w)) return false
  }
  return true
}

for (const codec of CODECS) {
  t.test(`${codec}: ${COUNT} records round-trip`, async (t) => {
    const kafka = newKafka()
    t.teardown(() => kafka.disconnectAll())
    const topic = uniqueTopic(`producer-codec-${codec}`)
    await createTopic(kafka, topic, PARTITIONS)
    const producer = kafka.producer({ compression: codec, lingerMs: 5, batchSize: 64 * 1024 })
    const base = Date.now() - 2 * COUNT
    const metas: RecordMetadata[] = []
    const chunk = 10_000
    const pending: Array<Promise<RecordMetadata[]>> = []
    for (let start = 0; start < COUNT; start += chunk) {
      const records: ProducerRecord[] = []
      for (let i = start; i < Math.min(COUNT, start + chunk); i++) records.push(recordAt(topic, i, base))
      pending.push(producer.sendBatch(records))
    }
    for (const m of await Promise.all(pending)) metas.push(...m)
    await producer.close()
    t.equal(metas.length, COUNT)

    const byPartition: number[][] = Array.from({ length: PARTITIONS }, () => [])
    for (let i = 0; i < COUNT; i++) byPartition[metas[i].partition].push(i)
    let mismatches = 0
    for (let p = 0; p < PARTITIONS; p++) {
      const fetched = await fetchPartition(kafka.cluster, topic, p)
      t.equal(fetched.length, byPartition[p].length, `partition ${p}: every record once`)
      for (let j = 0; j < fetched.length && mismatches < 5; j++) {
        const i = byPartition[p][j]
        const want = recordAt(topic, i, base)
        const got = fetched[j]
        const ok =
          got.offset === metas[i].offset &&
          got.key?.toString() === want.key &&
          (want.value === null ? got.value === null : got.value !== null && got.value.equals(want.value as Buffer)) &&
          got.timestamp === want.timestamp &&
          metas[i].timestamp === want.timestamp &&
          sameHeaders(got.headers, (want.headers as Array<{ key: string; value: Buffer | string }> | undefined) ?? [])
        if (!ok) {
          mismatches++
          t.fail(`partition ${p} offset ${got.offset}: record ${i} differs`, { got: { key: got.key?.toString(), value: got.value?.toString(), ts: got.timestamp, headers: got.headers }, want })
        }
      }
    }
    t.equal(mismatches, 0, 'keys, values, headers, timestamps and offsets byte-exact, in send order')
  })
}
