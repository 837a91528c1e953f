// Compressed batches reuse the buffer their records were encoded into before compression
// (issue 17, produce-1k: fresh 1 MiB buffers per batch cost page faults and GCs). A reused buffer
// still holds the previous batch's bytes: every batch must decode to its own records.
import t from 'tap'
import { Accumulator } from '../../../src/producer/accumulator.js'
import { BatchBufferPool } from '../../../src/producer/batch-buffer-pool.js'
import { GroupDelivery } from '../../../src/producer/delivery-target.js'
import { ProducerBatch } from '../../../src/producer/producer-batch.js'
import type { CompressionCodec } from '../../../src/protocol/compression/codec.js'
import { decodeRecordBatches } from '../../../src/protocol/records/index.js'
import { RecordBatchBuilder } from '../../../src/protocol/records/record-batch-builder.js'

t.test('take: pooled buffers for batches of at least half the pool size, the capacity otherwise', async (t) => {
  const pool = new BatchBufferPool(1000, 2)
  t.equal(pool.take(400), 400, 'small: allocated by the builder')
  t.equal(pool.take(1001), 1001, 'larger than the pool size: allocated by the builder')
  const a = pool.take(500)
  t.ok(Buffer.isBuffer(a) && a.length === 1000, 'half the size or more: a buffer of the pool size')
  pool.give(a as Buffer)
  t.equal(pool.freeCount, 1)
  t.equal(pool.take(900), a, 'given back, taken again')
  pool.give(Buffer.alloc(999))
  t.equal(pool.freeCount, 0, 'a buffer of another size (one the writer grew) is not kept')
  for (let i = 0; i < 3; i++) pool.give(Buffer.alloc(1000))
  t.equal(pool.freeCount, 2, 'at most maxFree kept')
})

t.test('builder: the staging buffer is handed out once, after the codec is done, for compressed batches only', async (t) => {
  const plain = new RecordBatchBuilder({ timestamp: 1 }, 256)
  plain.append({ key: null, value: Buffer.from('v') })
  plain.finishSync()
  t.equal(plain.takeStagingBuffer(), null, 'uncompressed: the batch is a view on it')
  const staging = Buffer.alloc(4096)
  const gzip = new RecordBatchBuilder({ timestamp: 1, compression: 'gzip' }, staging)
  gzip.append({ key: null, value: Buffer.from('v') })
  t.equal(gzip.takeStagingBuffer(), null, 'not before finish')
  gzip.finishSync()
  t.equal(gzip.takeStagingBuffer(), staging, 'after finish: the buffer it was given')
  t.equal(gzip.takeStagingBuffer(), null, 'once')
})

const codecs: CompressionCodec[] = ['gzip', 'snappy', 'lz4', 'zstd']
for (const codec of codecs) {
  t.test(`${codec}: batches encoded into reused buffers each decode to their own records`, async (t) => {
    const batchSize = 4096
    const acc = new Accumulator({ lingerMs: 0, batchSize, maxBatchBytes: 2 ** 30, maxBatchSize: 2 ** 30, maxRequestSize: 2 ** 30, deliveryTimeoutMs: 60_000, compression: codec, maxInFlightPerPartition: 5, idempotent: false, bufferMemory: 1 << 20 })
    const target = new GroupDelivery(400)
    target.promise.catch(() => {})
    const seen = new Set<Buffer>()
    const batches = (): ProducerBatch[] => [...acc.queue('t', 0).batches]
    for (let i = 0; i < 400; i++) {
      // Values of different lengths and contents, so a stale byte from an earlier batch shows.
      const value = Buffer.alloc(20 + (i % 13) * 7, String.fromCharCode(97 + (i % 26)))
      acc.append('t', 0, { key: Buffer.from(`k${i}`), value, headers: null, timestamp: 1_000 + i }, value.length + 10, target, i, null, 1_000)
      const open = acc.queue('t', 0).open
      if (open !== null) seen.add((open as unknown as { builder: { writer: { buf: Buffer } } }).builder.writer.buf)
      // zstd finishes asynchronously and gives its buffer back then: let it, now and then.
      if (i % 50 === 49) await Promise.all(batches().map((b) => b.finishing))
    }
    const all: ProducerBatch[] = []
    for (let round = 0; round < 100 && acc.unsentRecords > 0; round++) {
      const drained = acc.drain(2_000, true, () => 1, () => 1000, null)
      await Promise.all(batches().map((b) => b.finishing))
      for (const r of drained.requests) {
        for (const b of r.batches) {
          all.push(b)
          acc.settle(b)
        }
      }
    }
    t.equal(acc.unsentRecords, 0, 'every batch drained')
    t.ok(all.length > 5, `${all.length} batches`)
    t.ok(seen.size < all.length, `${seen.size} buffers for ${all.length} batches: reused`)
    let next = 0
    for (const b of all) {
      t.equal(b.finishError, null)
      const [decoded] = await decodeRecordBatches(b.encoded!, { topic: 't', partition: 0 })
      for (const r of decoded.records) {
        const i = next++
        if (r.key?.toString() !== `k${i}` || r.value?.toString() !== String.fromCharCode(97 + (i % 26)).repeat(20 + (i % 13) * 7)) {
          t.fail(`record ${i} decoded wrong`)
          return
        }
      }
    }
    t.equal(next, 400, 'every record, in order')
  })
}
