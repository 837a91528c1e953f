import { gzipSync } from 'fflate'
import t from 'tap'
import { ConfigError, KafkaProtocolError } from '../../../src/errors.js'
import {
  type CompressionCodec,
  COMPRESSION_CODEC_IDS,
  compress,
  compressionCodecFromId,
  compressSync,
  decompress,
  decompressSync,
} from '../../../src/protocol/compression/index.js'
import { isXerialSnappy, xerialSnappyCompress } from '../../../src/protocol/compression/snappy.js'
import { xxhash32 } from '../../../src/protocol/compression/xxhash32.js'
import { zstdDeclaredSize } from '../../../src/protocol/compression/zstd.js'
import { hasNodeZstd } from '../../../src/protocol/compression/zstd-node.js'

const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

function sample(size: number): Buffer {
  const b = Buffer.alloc(size)
  for (let i = 0; i < size; i++) b[i] = (i * 7 + (i >> 5)) & 0xff
  return b
}

t.test('codec ids match the record batch attributes', async (t) => {
  t.same(COMPRESSION_CODEC_IDS, { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 })
  for (const c of CODECS) t.equal(compressionCodecFromId(COMPRESSION_CODEC_IDS[c]), c)
  t.throws(() => compressionCodecFromId(5), KafkaProtocolError)
})

t.test('every codec round-trips empty, small and large inputs', async (t) => {
  for (const codec of CODECS) {
    for (const size of [0, 1, 100, 200_000]) {
      const data = sample(size)
      const packed = await compress(codec, data)
      const unpacked = await decompress(codec, packed)
      t.ok(unpacked.equals(data), `${codec} ${size} bytes`)
      if (codec !== 'zstd') t.ok(decompressSync(codec, compressSync(codec, data)).equals(data), `${codec} sync ${size} bytes`)
      if (codec !== 'none' && size === 200_000) t.ok(packed.length < size, `${codec} compresses repetitive data`)
    }
  }
})

t.test('zstd compresses asynchronously only; decompresses synchronously where Node has zlib zstd (22.15+)', async (t) => {
  t.throws(() => compressSync('zstd', sample(10)), ConfigError)
  if (hasNodeZstd) t.throws(() => decompressSync('zstd', sample(10)), KafkaProtocolError, 'node:zlib decodes zstd: bytes that are no zstd frame are a protocol error')
  else t.throws(() => decompressSync('zstd', sample(10)), ConfigError)
})

t.test('gzip decompresses concatenated members', async (t) => {
  const a = Buffer.from('first member ')
  const b = Buffer.from('second member')
  const joined = Buffer.concat([gzipSync(a), gzipSync(b)])
  t.equal(decompressSync('gzip', joined).toString(), 'first member second member')
})

t.test('snappy decodes the xerial framing of the Java client', async (t) => {
  // Hand-built: magic, version 1, compat 1, then two raw blocks that are single literals
  // (uvarint length, tag (len-1)<<2, bytes).
  const block1 = Buffer.from([5, 4 << 2, ...Buffer.from('hello')])
  const block2 = Buffer.from([6, 5 << 2, ...Buffer.from(' world')])
  const len = (n: number) => Buffer.from([0, 0, 0, n])
  const stream = Buffer.concat([
    Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]),
    len(block1.length),
    block1,
    len(block2.length),
    block2,
  ])
  t.ok(isXerialSnappy(stream))
  t.equal(decompressSync('snappy', stream).toString(), 'hello world')
  t.equal(decompressSync('snappy', block1).toString(), 'hello', 'a raw block decodes too')

  const data = sample(100_000)
  const framed = xerialSnappyCompress(data)
  t.ok(decompressSync('snappy', framed).equals(data), 'multi-block xerial stream')

  t.throws(() => decompressSync('snappy', stream.subarray(0, stream.length - 3)), KafkaProtocolError, 'truncated block')
  t.throws(() => decompressSync('snappy', stream, { maxBytes: 10 }), KafkaProtocolError, 'declared sizes over the guard')
})

/** A zstd frame with one raw block and no content size: FHD 0, window descriptor, block header. */
function zstdRawFrame(payload: Buffer): Buffer {
  const blockHeader = (payload.length << 3) | 1 // last block, type raw
  return Buffer.concat([
    Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50]),
    Buffer.from([blockHeader & 0xff, (blockHeader >> 8) & 0xff, (blockHeader >> 16) & 0xff]),
    payload,
  ])
}

t.test('zstd decodes a frame without content size', async (t) => {
  const frame = zstdRawFrame(Buffer.from('a zstd frame without the content size field'))
  t.equal(zstdDeclaredSize(frame), -1)
  t.equal((await decompress('zstd', frame)).toString(), 'a zstd frame without the content size field')
  await t.rejects(decompress('zstd', frame, { maxBytes: 10 }), KafkaProtocolError, 'checked after decompressing')
})

t.test('zstd refuses a declared content size over the guard before decompressing', async (t) => {
  // FHD 0x20: single segment, 1-byte content size; then a raw block of 3 bytes.
  const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 3, (3 << 3) | 1, 0, 0, 0x61, 0x62, 0x63])
  t.equal(zstdDeclaredSize(frame), 3)
  t.equal((await decompress('zstd', frame)).toString(), 'abc')
  await t.rejects(decompress('zstd', frame, { maxBytes: 2 }), { message: /exceeds the limit of 2 bytes/ })
})

t.test('decompression size guard on a zip bomb', async (t) => {
  const zeros = Buffer.alloc(4 * 1024 * 1024)
  for (const codec of CODECS) {
    if (codec === 'none') continue
    const bomb = await compress(codec, zeros)
    t.ok(bomb.length < 300_000, `${codec} bomb is small (${bomb.length} bytes)`)
    await t.rejects(decompress(codec, bomb, { maxBytes: 1024 * 1024 }), KafkaProtocolError, codec)
    t.equal((await decompress(codec, bomb, { maxBytes: zeros.length })).length, zeros.length, `${codec} at the limit`)
  }
})

t.test('garbage input throws KafkaProtocolError for every codec', async (t) => {
  const garbage = Buffer.from('definitely not compressed data, no magic here')
  for (const codec of CODECS) {
    if (codec === 'none') continue
    await t.rejects(decompress(codec, garbage), KafkaProtocolError, codec)
    await t.rejects(decompress(codec, Buffer.alloc(0)), KafkaProtocolError, `${codec} empty`)
  }
  const gz = Buffer.from(gzipSync(sample(5000)))
  t.throws(() => decompressSync('gzip', gz.subarray(0, gz.length - 20)), KafkaProtocolError, 'truncated gzip')
})

t.test('xxhash32 known values', async (t) => {
  t.equal(xxhash32(Buffer.alloc(0)), 0x02cc5d05)
  t.equal(xxhash32(Buffer.from('a')), 0x550d7456)
  t.equal(xxhash32(Buffer.from('abc')), 0x32d153ff)
  t.equal(xxhash32(Buffer.from('Nobody inspects the spammish repetition')), 0xe2293b2f)
})

t.test('lz4 frames with the pre-KIP-57 header checksum decode', async (t) => {
  const data = sample(1000)
  const frame = compressSync('lz4', data)
  t.equal(frame[6], (xxhash32(frame.subarray(4, 6)) >>> 8) & 0xff, 'the library writes the standard checksum')
  const legacy = Buffer.from(frame)
  legacy[6] = (xxhash32(frame.subarray(0, 6)) >>> 8) & 0xff // Kafka 0.8/0.9: hashed from the magic number
  t.not(legacy[6], frame[6])
  t.ok(decompressSync('lz4', legacy).equals(data))
  const wrong = Buffer.from(frame)
  wrong[6] = (wrong[6] + 1) & 0xff
  if (wrong[6] === legacy[6]) wrong[6] = (wrong[6] + 1) & 0xff
  t.throws(() => decompressSync('lz4', wrong), KafkaProtocolError, 'any other checksum is still refused')
})
