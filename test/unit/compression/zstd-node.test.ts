// zstd through node:zlib (Node 22.15+): frames are found by walking block headers, so batches of
// several frames and skippable frames decode like the library does them. The frame walk is
// checked on every Node (frames made by @mongodb-js/zstd); the decompression only where Node has
// zlib.zstdDecompressSync (the node matrix runs this file on 22 and 24).
import t from 'tap'
import { compress as libCompress, decompress as libDecompress } from '@mongodb-js/zstd'
import { KafkaProtocolError } from '../../../src/errors.js'
import { hasNodeZstd, zstdDecompressNode, zstdFrameEnd } from '../../../src/protocol/compression/zstd-node.js'
import { decompressSync } from '../../../src/protocol/compression/index.js'

const text = Buffer.from('kafkats '.repeat(20_000))
const small = Buffer.from('a short value')

function skippable(payload: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32LE(0x184d2a53, 0)
  head.writeUInt32LE(payload.length, 4)
  return Buffer.concat([head, payload])
}

t.test('the frame walk finds each frame end', async (t) => {
  const a = await libCompress(text, 3)
  const b = await libCompress(small, 19)
  const s = skippable(Buffer.from('skip me'))
  const all = Buffer.concat([a, s, b])
  t.equal(zstdFrameEnd(all, 0), a.length, 'first frame')
  t.equal(zstdFrameEnd(all, a.length), a.length + s.length, 'skippable frame')
  t.equal(zstdFrameEnd(all, a.length + s.length), all.length, 'last frame')
  t.throws(() => zstdFrameEnd(a.subarray(0, a.length - 2), 0), KafkaProtocolError, 'a truncated frame is refused')
  t.throws(() => zstdFrameEnd(Buffer.from('definitely not zstd'), 0), KafkaProtocolError, 'a non-zstd frame is refused')
  t.same(await libDecompress(all), Buffer.concat([text, small]), 'the library reads every frame (the behaviour matched)')
})

t.test('node:zlib decompression of one frame, several frames, skippable frames', { skip: hasNodeZstd ? false : `Node ${process.version} has no zlib.zstdDecompressSync` }, async (t) => {
  const a = await libCompress(text, 3)
  const b = await libCompress(small, 19)
  t.same(zstdDecompressNode(a, 1 << 20), text, 'one frame')
  t.same(zstdDecompressNode(Buffer.concat([a, skippable(Buffer.from('x')), b]), 1 << 20), Buffer.concat([text, small]), 'several frames')
  t.same(decompressSync('zstd', a), text, 'decompressSync takes zstd on this Node')
  t.throws(() => zstdDecompressNode(a, 1000), /exceeds the limit of 1000 bytes/, 'the size guard holds')
  t.throws(() => zstdDecompressNode(Buffer.concat([a, b]), text.length + 3), /exceeds the limit/, 'the size guard counts every frame')
  const corrupt = Buffer.from(a)
  corrupt[corrupt.length - 5] ^= 0xff
  t.throws(() => zstdDecompressNode(corrupt, 1 << 20), KafkaProtocolError, 'corrupt input is a KafkaProtocolError')
})
