import t from 'tap'
import { ConfigError, KafkaProtocolError } from '../../../src/errors.js'
import type { CompressionCodec } from '../../../src/protocol/compression/index.js'
import {
  ControlRecordType,
  decodeRecordBatches,
  decodeRecordBatchesSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  type ProduceRecord,
  RecordBatchBuilder,
  setBatchProducerState,
} from '../../../src/protocol/records/index.js'
import { referenceCrc32c } from '../../fixtures/records/reference-crc.js'

const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']
const where = { topic: 'orders', partition: 3 }

t.test('reference CRC-32C check value', async (t) => {
  t.equal(referenceCrc32c(Buffer.from('123456789')), 0xe3069283)
})

t.test('hand-checked record batch with headers', async (t) => {
  const ts = 1700000000000 // 0x0000018B_CFE56800
  // prettier-ignore
  const record = Buffer.from([
    0x2a, //              length 21 (zig-zag 42)
    0x00, //              attributes
    0x00, //              timestamp delta 0
    0x00, //              offset delta 0
    0x02, 0x6b, //        key length 1, 'k'
    0x0a, 0x68, 0x65, 0x6c, 0x6c, 0x6f, // value length 5, 'hello'
    0x04, //              2 headers
    0x04, 0x68, 0x31, 0x02, 0x76, // 'h1' = 'v'
    0x04, 0x68, 0x32, 0x01, //      'h2' = null
  ])
  // prettier-ignore
  const header = Buffer.from([
    0, 0, 0, 0, 0, 0, 0, 0, //          base offset 0
    0, 0, 0, 0x47, //                   batch length 71 = 61 - 12 + 22
    0xff, 0xff, 0xff, 0xff, //          partition leader epoch -1
    0x02, //                            magic
    0, 0, 0, 0, //                      crc, filled below
    0x00, 0x00, //                      attributes: no compression, create time
    0, 0, 0, 0, //                      last offset delta 0
    0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, // base timestamp
    0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, // max timestamp
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // producer id -1
    0xff, 0xff, //                      producer epoch -1
    0xff, 0xff, 0xff, 0xff, //          base sequence -1
    0, 0, 0, 1, //                      1 record
  ])
  const expected = Buffer.concat([header, record])
  expected.writeUInt32BE(referenceCrc32c(expected.subarray(21)), 17)

  const encoded = encodeRecordBatchSync(
    [
      {
        key: Buffer.from('k'),
        value: Buffer.from('hello'),
        headers: [
          { key: 'h1', value: Buffer.from('v') },
          { key: 'h2', value: null },
        ],
        timestamp: ts,
      },
    ],
    { timestamp: 1 },
  )
  t.equal(encoded.toString('hex'), expected.toString('hex'))
  t.equal(encoded.readInt32BE(8), encoded.length - 12, 'batch length')
  t.equal(encoded[16], 2, 'magic')
  t.equal(encoded.readInt16BE(21), 0, 'attributes')

  const [batch] = decodeRecordBatchesSync(expected, where)
  t.equal(batch.baseOffset, 0n)
  t.equal(batch.lastOffset, 0n)
  t.equal(batch.records.length, 1)
  const r = batch.records[0]
  t.equal(r.offset, 0n)
  t.equal(r.timestamp, ts)
  t.equal(r.key?.toString(), 'k')
  t.equal(r.value?.toString(), 'hello')
  t.same(r.headers, [
    { key: 'h1', value: Buffer.from('v') },
    { key: 'h2', value: null },
  ])
  t.equal(r.value?.buffer, expected.buffer, 'uncompressed values are views on the fetched buffer')
})

const records: ProduceRecord[] = [
  { key: Buffer.from('key-1'), value: Buffer.from('value-1'), timestamp: 1_700_000_000_000 },
  { key: null, value: Buffer.from('no key'), timestamp: 1_700_000_000_500 },
  { key: Buffer.from('tombstone'), value: null, timestamp: 1_699_999_999_000 },
  { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: 1_700_000_000_100 },
  {
    key: Buffer.from('h'),
    value: Buffer.alloc(300, 0x41),
    headers: [
      { key: 'trace', value: Buffer.from('abc') },
      { key: 'null', value: null },
      { key: 'ünïcödé', value: Buffer.alloc(0) },
      { key: 'trace', value: Buffer.from('dup') },
    ],
    timestamp: 1_700_000_000_200,
  },
  { key: null, value: null }, // batch timestamp
]

t.test('round trip with every codec', async (t) => {
  for (const compression of CODECS) {
    const encoded = await encodeRecordBatch(records, {
      compression,
      baseOffset: 1000n,
      producerId: 123456789012n,
      producerEpoch: 7,
      baseSequence: 42,
      transactional: true,
      partitionLeaderEpoch: 9,
      timestamp: 1_700_000_000_300,
    })
    t.equal(encoded.readInt16BE(21) & 7, { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 }[compression], `${compression} attribute`)
    t.equal(encoded.readInt16BE(21) & 0x10, 0x10, 'transactional bit')
    const batches = await decodeRecordBatches(encoded, where)
    t.equal(batches.length, 1)
    const b = batches[0]
    t.match(b, {
      magic: 2,
      baseOffset: 1000n,
      lastOffset: 1005n,
      partitionLeaderEpoch: 9,
      compression,
      timestampType: 'create-time',
      baseTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_500,
      producerId: 123456789012n,
      producerEpoch: 7,
      baseSequence: 42,
      isTransactional: true,
      isControl: false,
      sizeInBytes: encoded.length,
    })
    t.same(b.controlRecords, [])
    t.equal(b.records.length, records.length)
    b.records.forEach((r, i) => {
      const src = records[i]
      t.equal(r.offset, 1000n + BigInt(i))
      t.equal(r.timestamp, src.timestamp ?? 1_700_000_000_300)
      t.same(r.key, src.key === null ? null : Buffer.from(src.key))
      t.same(r.value, src.value === null ? null : Buffer.from(src.value))
      t.same(r.headers, src.headers ?? [])
    })
    if (compression !== 'zstd') t.same(decodeRecordBatchesSync(encoded, where), batches, `${compression} sync decode`)
  }
})

t.test('sync encoding matches async encoding', async (t) => {
  for (const compression of ['none', 'gzip', 'snappy', 'lz4'] as const) {
    const opts = { compression, timestamp: 5 }
    t.same(encodeRecordBatchSync(records, opts), await encodeRecordBatch(records, opts), compression)
  }
  t.throws(() => encodeRecordBatchSync(records, { compression: 'zstd' }), ConfigError)
})

t.test('timestamps: negative and large deltas, log append time', async (t) => {
  const recs: ProduceRecord[] = [
    { key: null, value: Buffer.from('a'), timestamp: 5_000_000_000_000 },
    { key: null, value: Buffer.from('b'), timestamp: 1_000 }, // delta far below -2^31
    { key: null, value: Buffer.from('c'), timestamp: 8_000_000_000_000 }, // delta far above 2^31
  ]
  const [b] = decodeRecordBatchesSync(encodeRecordBatchSync(recs), where)
  t.same(
    b.records.map((r) => r.timestamp),
    [5_000_000_000_000, 1_000, 8_000_000_000_000],
  )
  t.equal(b.maxTimestamp, 8_000_000_000_000)

  const logAppend = encodeRecordBatchSync(recs, { timestampType: 'log-append-time', timestamp: 1234 })
  t.equal(logAppend.readInt16BE(21) & 0x08, 0x08, 'timestamp type bit')
  const [la] = decodeRecordBatchesSync(logAppend, where)
  t.equal(la.timestampType, 'log-append-time')
  t.same(
    la.records.map((r) => r.timestamp),
    [1234, 1234, 1234],
    'every record takes the max timestamp',
  )
  t.throws(() => encodeRecordBatchSync([{ key: null, value: null, timestamp: 1.5 }]), ConfigError)
  t.throws(() => encodeRecordBatchSync([{ key: null, value: null }, { key: null, value: null, timestamp: NaN }]), ConfigError)

  const [d] = decodeRecordBatchesSync(
    encodeRecordBatchSync(
      [
        { key: null, value: null, timestamp: 10 },
        { key: null, value: null },
      ],
      { timestamp: 20 },
    ),
    where,
  )
  t.equal(d.maxTimestamp, 20, 'a record on the batch timestamp counts toward the max timestamp')
  t.same(
    d.records.map((r) => r.timestamp),
    [10, 20],
  )
})

t.test('offsets above 2^53 stay exact', async (t) => {
  const base = 2n ** 62n - 1n
  const [b] = decodeRecordBatchesSync(encodeRecordBatchSync(records.slice(0, 3), { baseOffset: base }), where)
  t.same(
    b.records.map((r) => r.offset),
    [base, base + 1n, base + 2n],
  )
})

t.test('control batch: commit and abort markers kept apart from records', async (t) => {
  const marker = (type: number, epoch: number): ProduceRecord => {
    const key = Buffer.alloc(4)
    key.writeInt16BE(0, 0)
    key.writeInt16BE(type, 2)
    const value = Buffer.alloc(6)
    value.writeInt16BE(0, 0)
    value.writeInt32BE(epoch, 2)
    return { key, value, timestamp: 99 }
  }
  const commit = encodeRecordBatchSync([marker(ControlRecordType.COMMIT, 4)], {
    control: true,
    transactional: true,
    baseOffset: 50n,
    producerId: 77n,
    producerEpoch: 2,
  })
  const abort = encodeRecordBatchSync([marker(ControlRecordType.ABORT, 5)], { control: true, transactional: true, baseOffset: 51n })
  t.equal(commit.readInt16BE(21) & 0x30, 0x30, 'control and transactional bits')
  const [c, a] = decodeRecordBatchesSync(Buffer.concat([commit, abort]), where)
  t.equal(c.isControl, true)
  t.same(c.records, [])
  t.same(c.controlRecords, [{ offset: 50n, timestamp: 99, version: 0, type: 1, coordinatorEpoch: 4 }])
  t.equal(c.producerId, 77n)
  t.same(a.controlRecords, [{ offset: 51n, timestamp: 99, version: 0, type: 0, coordinatorEpoch: 5 }])

  const bad = encodeRecordBatchSync([{ key: Buffer.from([0]), value: null }], { control: true })
  t.throws(() => decodeRecordBatchesSync(bad, where), KafkaProtocolError, 'control record key too short')
})

t.test('builder: size accounting, single use, empty batch', async (t) => {
  const builder = new RecordBatchBuilder({ timestamp: 1_000 }, 16)
  t.equal(builder.sizeInBytes, 61, 'header only')
  for (const r of records) {
    const before = builder.sizeInBytes
    const predicted = builder.recordSizeInBytes(r)
    builder.append(r)
    t.equal(builder.sizeInBytes - before, predicted, 'recordSizeInBytes predicts the growth')
  }
  t.equal(builder.count, records.length)
  const size = builder.sizeInBytes
  const out = builder.finishSync()
  t.equal(out.length, size, 'uncompressed batch is exactly sizeInBytes')
  t.throws(() => builder.append(records[0]), ConfigError)
  t.throws(() => builder.finishSync(), ConfigError)
  t.throws(() => new RecordBatchBuilder().finishSync(), ConfigError, 'empty batch')
  await t.rejects(encodeRecordBatch([]), ConfigError)
})

t.test('setBatchProducerState restamps producer id, epoch, sequence and CRC', async (t) => {
  for (const compression of ['none', 'lz4'] as const) {
    const batch = encodeRecordBatchSync(records, { compression })
    setBatchProducerState(batch, 9000n, 3, 1234)
    t.equal(batch.readUInt32BE(17), referenceCrc32c(batch.subarray(21)), 'CRC recomputed')
    const [b] = decodeRecordBatchesSync(batch, where)
    t.match(b, { producerId: 9000n, producerEpoch: 3, baseSequence: 1234 })
    t.equal(b.records.length, records.length)
  }
  t.throws(() => setBatchProducerState(Buffer.alloc(10), 1n, 1, 1), KafkaProtocolError)
})
