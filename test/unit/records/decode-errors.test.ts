import fc from 'fast-check'
import t from 'tap'
import { CorruptRecordError, KafkaError, KafkaProtocolError } from '../../../src/errors.js'
import {
  decodeRecordBatches,
  decodeRecordBatchesSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  type ProduceRecord,
} from '../../../src/protocol/records/index.js'
import { referenceCrc32c } from '../../fixtures/records/reference-crc.js'

const where = { topic: 'payments', partition: 7 }

function recs(n: number, from = 0): ProduceRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    key: Buffer.from(`k${from + i}`),
    value: Buffer.from(`value ${from + i}`),
    headers: i % 2 === 0 ? [{ key: 'i', value: Buffer.from(String(i)) }] : null,
    timestamp: 1_000 + i,
  }))
}

/** Re-seals the CRC-32C after a test edits a batch. */
function reseal(batch: Buffer): Buffer {
  batch.writeUInt32BE(referenceCrc32c(batch.subarray(21)), 17)
  return batch
}

t.test('several batches; a truncated last batch is skipped silently', async (t) => {
  const a = encodeRecordBatchSync(recs(3), { baseOffset: 0n })
  const b = encodeRecordBatchSync(recs(2, 3), { baseOffset: 3n, compression: 'gzip' })
  const c = encodeRecordBatchSync(recs(4, 5), { baseOffset: 5n })
  const whole = Buffer.concat([a, b, c])
  t.same(
    decodeRecordBatchesSync(whole, where).map((x) => x.records.length),
    [3, 2, 4],
  )
  for (const cut of [1, 11, 12, 16, 17, 40, 61, c.length - 1]) {
    const batches = decodeRecordBatchesSync(whole.subarray(0, a.length + b.length + cut), where)
    t.same(
      batches.map((x) => x.baseOffset),
      [0n, 3n],
      `last batch cut to ${cut} bytes`,
    )
  }
  t.same(decodeRecordBatchesSync(a.subarray(0, 30), where), [], 'only a partial first batch')
  t.same(decodeRecordBatchesSync(Buffer.alloc(0), where), [])
  t.same(decodeRecordBatchesSync(null, where), [])
  t.same(await decodeRecordBatches(null, where), [])
})

t.test('CRC mismatch throws CorruptRecordError naming topic, partition and base offset', async (t) => {
  const good = encodeRecordBatchSync(recs(1), { baseOffset: 0n })
  const bad = encodeRecordBatchSync(recs(3), { baseOffset: 41n })
  bad[bad.length - 1] ^= 0xff // inside the last header value: structure intact
  const both = Buffer.concat([good, bad])
  const err = t.throws(() => decodeRecordBatchesSync(both, where)) as CorruptRecordError
  t.type(err, CorruptRecordError)
  t.equal(err.topic, 'payments')
  t.equal(err.partition, 7)
  t.equal(err.baseOffset, 41n)
  t.match(err.message, /topic payments, partition 7, base offset 41/)
  await t.rejects(decodeRecordBatches(both, where), CorruptRecordError)
  t.equal(decodeRecordBatchesSync(both, { ...where, checkCrc: false }).length, 2, 'checkCrc: false skips it')
})

t.test('malformed headers and records throw KafkaProtocolError', async (t) => {
  const base = encodeRecordBatchSync(recs(3))
  const cases: Array<[string, (b: Buffer) => void]> = [
    ['batch length below the header', (b) => b.writeInt32BE(20, 8)],
    ['negative batch length', (b) => b.writeInt32BE(-5, 8)],
    ['unknown magic', (b) => (b[16] = 3)],
    ['unknown codec id', (b) => b.writeInt16BE(6, 21)],
    ['record count over the bytes left', (b) => b.writeInt32BE(1_000_000_000, 57)],
    ['negative record count', (b) => b.writeInt32BE(-1, 57)],
    ['record count one short', (b) => b.writeInt32BE(2, 57)],
    ['record count one too many', (b) => b.writeInt32BE(4, 57)],
    ['record length over the batch', (b) => (b[61] = 0x7e)],
    ['record length varint too long', (b) => b.fill(0xff, 61, 67)],
    ['record key length over the record', (b) => (b[65] = 0x7e)],
  ]
  for (const [name, edit] of cases) {
    const b = Buffer.from(base)
    edit(b)
    reseal(b)
    const err = t.throws(() => decodeRecordBatchesSync(b, where), name)
    t.type(err, KafkaProtocolError, name)
    t.match((err as Error).message, /RecordBatch\[payments-7@0\]/, `${name}: names the batch`)
  }
})

t.test('a compressed payload that does not decompress', async (t) => {
  const b = encodeRecordBatchSync(recs(5), { compression: 'snappy' })
  b.fill(0xee, 70, 80)
  reseal(b)
  t.throws(() => decodeRecordBatchesSync(b, where), KafkaProtocolError)
  const z = await encodeRecordBatch(recs(50), { compression: 'zstd' })
  z.fill(0x00, 61, 70)
  reseal(z)
  await t.rejects(decodeRecordBatches(z, where), KafkaProtocolError)
})

t.test('decompressed size guard applies per batch', async (t) => {
  const big = [{ key: null, value: Buffer.alloc(2_000_000), timestamp: 1 }]
  const b = encodeRecordBatchSync(big, { compression: 'lz4' })
  t.ok(b.length < 20_000)
  t.throws(() => decodeRecordBatchesSync(b, { ...where, maxDecompressedBytes: 1_000_000 }), KafkaProtocolError)
  t.equal(decodeRecordBatchesSync(b, where)[0].records[0].value?.length, 2_000_000)
})

function onlyKafkaErrors(decode: () => unknown): boolean {
  try {
    decode()
    return true
  } catch (err) {
    if (err instanceof KafkaError) return true
    throw err
  }
}

t.test('fuzz: truncated, mutated and random input only ever throws KafkaError', async (t) => {
  const samples = [
    encodeRecordBatchSync(recs(4)),
    encodeRecordBatchSync(recs(4), { compression: 'gzip' }),
    encodeRecordBatchSync(recs(4), { compression: 'lz4' }),
    encodeRecordBatchSync(recs(4), { compression: 'snappy' }),
    encodeRecordBatchSync(recs(2), { control: true }),
  ]
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: samples.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(),
      fc.boolean(),
      (which, edits, cut, seal) => {
        const b = Buffer.from(samples[which])
        for (const [at, v] of edits) b[at % b.length] = v
        if (seal) reseal(b)
        const input = b.subarray(0, b.length - (cut % 8))
        return onlyKafkaErrors(() => decodeRecordBatchesSync(input, { ...where, checkCrc: seal }))
      },
    ),
    { numRuns: 2000 },
  )
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) =>
      onlyKafkaErrors(() => decodeRecordBatchesSync(Buffer.from(bytes), { ...where, checkCrc: false })),
    ),
    { numRuns: 1000 },
  )
  // Structured garbage: a plausible header over random records.
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 120 }), fc.integer({ min: -2, max: 50 }), (body, count) => {
      const head = Buffer.from(encodeRecordBatchSync(recs(1)).subarray(0, 61))
      const b = Buffer.concat([head, Buffer.from(body)])
      b.writeInt32BE(b.length - 12, 8)
      b.writeInt32BE(count, 57)
      return onlyKafkaErrors(() => decodeRecordBatchesSync(reseal(b), where))
    }),
    { numRuns: 2000 },
  )
  t.pass('no non-Kafka error')
})

t.test('an empty batch left by compaction still reports its offsets and producer state', async (t) => {
  const full = encodeRecordBatchSync(recs(6), { baseOffset: 100n, producerId: 5n, producerEpoch: 1, baseSequence: 0 })
  const empty = Buffer.from(full.subarray(0, 61))
  empty.writeInt32BE(61 - 12, 8)
  empty.writeInt32BE(0, 57)
  reseal(empty)
  const next = encodeRecordBatchSync(recs(1), { baseOffset: 106n })
  const batches = decodeRecordBatchesSync(Buffer.concat([empty, next]), where)
  t.match(batches[0], { baseOffset: 100n, lastOffset: 105n, producerId: 5n, records: [], controlRecords: [] })
  t.equal(batches[0].records.length, 0)
  t.equal(batches[1].records[0].offset, 106n)
})
