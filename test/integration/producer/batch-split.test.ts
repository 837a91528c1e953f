// Batches over the topic's max.message.bytes: the broker rejects them with MESSAGE_TOO_LARGE and
// the producer splits them (Java's splitAndReenqueue) until each is accepted; a record too large
// on its own fails typed, and nothing else is lost, duplicated or reordered.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import type { Kafka } from '../../../src/client.js'
import { RecordTooLargeError } from '../../../src/producer/producer-errors.js'
import type { CompressionCodec } from '../../../src/protocol/compression/codec.js'
import { createTopic } from './topics.js'

t.setTimeout(180_000)

const MAX_MESSAGE_BYTES = 20_000

/** Every value of partition 0, read with a partition consumer up to the end. */
async function readBack(kafka: Kafka, topic: string): Promise<string[]> {
  const reader = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], exitAtEnd: true })
  const values: string[] = []
  for await (const batch of reader) for (const rec of batch.records) values.push(rec.value?.toString() ?? '<null>')
  return values
}

/** A value of about `size` bytes that compresses poorly (so compressed batches are still too large). */
function valueOf(i: number, size: number): string {
  let s = `${i}:`
  let x = i * 2654435761
  while (s.length < size) {
    x = (x * 1103515245 + 12345) >>> 0
    s += x.toString(36)
  }
  return s.slice(0, size)
}

const cases: Array<{ idempotent: boolean; compression: CompressionCodec }> = [
  { idempotent: true, compression: 'none' },
  { idempotent: true, compression: 'zstd' },
  { idempotent: false, compression: 'none' },
  { idempotent: false, compression: 'gzip' },
]

for (const { idempotent, compression } of cases) {
  t.test(`${idempotent ? 'idempotent' : 'not idempotent'}, ${compression}: batches over max.message.bytes are split, every record arrives once, in order`, async (t) => {
    const kafka = newKafka()
    t.teardown(() => kafka.disconnectAll())
    const topic = uniqueTopic(`split-${idempotent ? 'idem' : 'plain'}-${compression}`)
    // In CreateTopics itself: the config is in force when the topic exists.
    await createTopic(kafka, topic, 1, 1, { 'max.message.bytes': String(MAX_MESSAGE_BYTES) })
    const producer = kafka.producer({
      idempotent,
      acks: idempotent ? 'all' : 1,
      compression,
      batchSize: 100_000,
      lingerMs: 60_000,
      // Not idempotent, order across a split needs one request in flight (as for retries).
      ...(idempotent ? {} : { maxInFlightRequestsPerConnection: 1 }),
    })
    // A first acknowledged batch, so the bulk below is pipelined: later batches are in flight when
    // the first is rejected, and the small last one is turned away with OUT_OF_ORDER_SEQUENCE_NUMBER.
    const warm = producer.send({ topic, partition: 0, value: 'warm-up' })
    await producer.flush()
    await warm
    const values: string[] = []
    for (let i = 0; i < 220; i++) values.push(valueOf(i, 900 + (i % 7) * 20))
    const sending = producer.sendBatch(values.map((value) => ({ topic, partition: 0, value })))
    await producer.flush()
    const metas = await sending
    t.equal(metas.length, values.length, 'every record acknowledged')
    t.ok(metas.every((m, i) => i === 0 || m.offset === metas[i - 1].offset + 1n), 'offsets follow send order, no gap')
    const stats = producer.stats()
    t.ok(stats.batchSplits >= 3, `batches were split (${stats.batchSplits} splits, ${stats.batchesSent} batches sent)`)
    t.equal(stats.errors, 0)
    await producer.close()
    const got = await readBack(kafka, topic)
    t.equal(got.length, values.length + 1, 'each record exactly once')
    t.same(got, ['warm-up', ...values], 'in send order')
  })
}

for (const idempotent of [true, false]) {
  t.test(`${idempotent ? 'idempotent' : 'not idempotent'}: a record too large on its own rejects with RecordTooLargeError; the rest of its batch arrives`, async (t) => {
    const kafka = newKafka()
    t.teardown(() => kafka.disconnectAll())
    const topic = uniqueTopic(`split-lone-${idempotent ? 'idem' : 'plain'}`)
    await createTopic(kafka, topic, 1, 1, { 'max.message.bytes': String(MAX_MESSAGE_BYTES) })
    const producer = kafka.producer({ idempotent, acks: idempotent ? 'all' : 1, batchSize: 200_000, lingerMs: 60_000, ...(idempotent ? {} : { maxInFlightRequestsPerConnection: 1 }) })
    const values: string[] = []
    for (let i = 0; i < 60; i++) values.push(i === 30 ? valueOf(i, 30_000) : valueOf(i, 500))
    const settled = Promise.allSettled(values.map((value) => producer.send({ topic, partition: 0, value })))
    await producer.flush()
    const results = await settled
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []))
    t.same(failed, [30], 'only the oversize record failed')
    const err = (results[30] as PromiseRejectedResult).reason as RecordTooLargeError
    t.ok(err instanceof RecordTooLargeError, 'typed')
    t.equal(err.code, 'MESSAGE_TOO_LARGE')
    t.equal(err.topic, topic)
    t.equal(err.partition, 0)
    t.ok(err.size > MAX_MESSAGE_BYTES, `size ${err.size}`)
    t.match(err.message, `${topic}-0`)
    t.ok(producer.stats().batchSplits >= 1)
    await producer.close()
    const got = await readBack(kafka, topic)
    t.same(got, values.filter((_, i) => i !== 30), 'the others exactly once, in order')
  })
}
