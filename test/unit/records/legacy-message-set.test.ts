import { gzipSync } from 'fflate'
import lz4 from 'lz4-napi'
import t from 'tap'
import { CorruptRecordError, KafkaProtocolError } from '../../../src/errors.js'
import { decodeRecordBatches, decodeRecordBatchesSync, encodeRecordBatchSync } from '../../../src/protocol/records/index.js'
import { xxhash32 } from '../../../src/protocol/compression/xxhash32.js'
import { legacyMessage } from '../../fixtures/records/legacy-messages.js'

const where = { topic: 'legacy', partition: 0 }

t.test('hand-assembled magic 0 message: exact bytes and decoding', async (t) => {
  const m = legacyMessage({ offset: 5n, magic: 0, key: null, value: Buffer.from('abc') })
  // offset, size 17, crc, magic 0, attributes 0, key -1, value 'abc'
  t.equal(m.subarray(0, 12).toString('hex'), '0000000000000005' + '00000011')
  t.equal(m.subarray(16).toString('hex'), '0000' + 'ffffffff' + '00000003616263')
  const [b] = decodeRecordBatchesSync(m, where)
  t.match(b, { magic: 0, baseOffset: 5n, lastOffset: 5n, compression: 'none', timestampType: 'create-time', producerId: -1n })
  t.equal(b.records.length, 1)
  t.same(b.records[0], { topic: 'legacy', partition: 0, offset: 5n, timestamp: -1, key: null, value: Buffer.from('abc'), headers: [], leaderEpoch: -1 })
})

t.test('magic 1 messages carry timestamps and the timestamp type', async (t) => {
  const m = legacyMessage({ offset: 9n, magic: 1, timestamp: 1_600_000_000_000, key: Buffer.from('k'), value: null })
  const [b] = decodeRecordBatchesSync(m, where)
  t.match(b, { magic: 1, baseTimestamp: 1_600_000_000_000, timestampType: 'create-time' })
  t.same(b.records[0], { topic: 'legacy', partition: 0, offset: 9n, timestamp: 1_600_000_000_000, key: Buffer.from('k'), value: null, headers: [], leaderEpoch: -1 })
})

t.test('gzip-wrapped magic 1: relative inner offsets, wrapper holds the last absolute offset', async (t) => {
  const inner = Buffer.concat([
    legacyMessage({ offset: 0n, magic: 1, timestamp: 1000, key: null, value: Buffer.from('one') }),
    legacyMessage({ offset: 1n, magic: 1, timestamp: 1001, key: Buffer.from('k2'), value: Buffer.from('two') }),
    legacyMessage({ offset: 2n, magic: 1, timestamp: 1002, key: null, value: Buffer.from('three') }),
  ])
  const wrapper = legacyMessage({ offset: 102n, magic: 1, attributes: 1, timestamp: 1002, key: null, value: Buffer.from(gzipSync(inner)) })
  const [b] = decodeRecordBatchesSync(wrapper, where)
  t.match(b, { magic: 1, compression: 'gzip', baseOffset: 100n, lastOffset: 102n, sizeInBytes: wrapper.length })
  t.same(
    b.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString()]),
    [
      [100n, 1000, null, 'one'],
      [101n, 1001, 'k2', 'two'],
      [102n, 1002, null, 'three'],
    ],
  )

  const logAppend = legacyMessage({ offset: 102n, magic: 1, attributes: 1 | 0x08, timestamp: 5555, key: null, value: Buffer.from(gzipSync(inner)) })
  const [la] = decodeRecordBatchesSync(logAppend, where)
  t.equal(la.timestampType, 'log-append-time')
  t.same(
    la.records.map((r) => r.timestamp),
    [5555, 5555, 5555],
    'log append time: the wrapper timestamp for every inner message',
  )
})

t.test('gzip-wrapped magic 0: inner offsets are absolute', async (t) => {
  const inner = Buffer.concat([
    legacyMessage({ offset: 20n, magic: 0, key: null, value: Buffer.from('a') }),
    legacyMessage({ offset: 21n, magic: 0, key: null, value: Buffer.from('b') }),
  ])
  const wrapper = legacyMessage({ offset: 21n, magic: 0, attributes: 1, key: null, value: Buffer.from(gzipSync(inner)) })
  const [b] = decodeRecordBatchesSync(wrapper, where)
  t.same(
    b.records.map((r) => [r.offset, r.value?.toString()]),
    [
      [20n, 'a'],
      [21n, 'b'],
    ],
  )
})

t.test('lz4-wrapped magic 0 from Kafka 0.8/0.9, with the pre-KIP-57 frame header checksum', async (t) => {
  const inner = Buffer.concat([
    legacyMessage({ offset: 30n, magic: 0, key: null, value: Buffer.from('x') }),
    legacyMessage({ offset: 31n, magic: 0, key: Buffer.from('y'), value: Buffer.from('z') }),
  ])
  const frame = lz4.compressFrameSync(inner)
  frame[6] = (xxhash32(frame.subarray(0, 6)) >>> 8) & 0xff
  const wrapper = legacyMessage({ offset: 31n, magic: 0, attributes: 3, key: null, value: frame })
  const [b] = decodeRecordBatchesSync(wrapper, where)
  t.equal(b.compression, 'lz4')
  t.same(
    b.records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString()]),
    [
      [30n, null, 'x'],
      [31n, 'y', 'z'],
    ],
  )
})

t.test('one fetch mixing magic 0, 1 and 2, with a truncated tail', async (t) => {
  const v0 = legacyMessage({ offset: 0n, magic: 0, key: null, value: Buffer.from('v0') })
  const v1 = legacyMessage({ offset: 1n, magic: 1, timestamp: 7, key: null, value: Buffer.from('v1') })
  const v2 = encodeRecordBatchSync([{ key: null, value: Buffer.from('v2'), timestamp: 8 }], { baseOffset: 2n })
  const tail = legacyMessage({ offset: 3n, magic: 1, timestamp: 9, key: null, value: Buffer.from('cut off') })
  const fetched = Buffer.concat([v0, v1, v2, tail.subarray(0, tail.length - 4)])
  const batches = await decodeRecordBatches(fetched, where)
  t.same(
    batches.map((b) => [b.magic, b.records[0].offset, b.records[0].value?.toString()]),
    [
      [0, 0n, 'v0'],
      [1, 1n, 'v1'],
      [2, 2n, 'v2'],
    ],
  )
})

t.test('legacy errors', async (t) => {
  const m = legacyMessage({ offset: 4n, magic: 1, timestamp: 1, key: null, value: Buffer.from('payload') })
  const corrupt = Buffer.from(m)
  corrupt[corrupt.length - 1] ^= 1
  const err = t.throws(() => decodeRecordBatchesSync(corrupt, where)) as CorruptRecordError
  t.type(err, CorruptRecordError)
  t.equal(err.baseOffset, 4n)
  t.equal(decodeRecordBatchesSync(corrupt, { ...where, checkCrc: false }).length, 1)

  const empty = legacyMessage({ offset: 0n, magic: 1, attributes: 1, timestamp: 1, key: null, value: Buffer.from(gzipSync(Buffer.alloc(0))) })
  t.throws(() => decodeRecordBatchesSync(empty, where), KafkaProtocolError, 'wrapper with no inner messages')
  const noValue = legacyMessage({ offset: 0n, magic: 1, attributes: 1, timestamp: 1, key: null, value: null })
  t.throws(() => decodeRecordBatchesSync(noValue, where), KafkaProtocolError, 'wrapper without a value')
  const mixed = legacyMessage({
    offset: 0n,
    magic: 1,
    attributes: 1,
    timestamp: 1,
    key: null,
    value: Buffer.from(gzipSync(legacyMessage({ offset: 0n, magic: 0, key: null, value: null }))),
  })
  t.throws(() => decodeRecordBatchesSync(mixed, where), KafkaProtocolError, 'inner magic differs')
  const truncatedInner = legacyMessage({
    offset: 0n,
    magic: 1,
    attributes: 1,
    timestamp: 1,
    key: null,
    value: Buffer.from(gzipSync(m.subarray(0, m.length - 2))),
  })
  t.throws(() => decodeRecordBatchesSync(truncatedInner, where), KafkaProtocolError, 'truncated inner message')
  const badSize = Buffer.from(m)
  badSize.writeInt32BE(10, 8)
  t.throws(() => decodeRecordBatchesSync(badSize, where), KafkaProtocolError, 'message size below the minimum')
})
