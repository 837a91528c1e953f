/**
 * lz4 (codec 3) in the LZ4 frame format through `lz4-napi`. Kafka < 0.10 computed the frame
 * header checksum over the magic number too (fixed by KIP-57 with magic 1); such frames, found
 * in legacy magic 0 messages, are recognised and their checksum corrected before decoding.
 */
import type * as Lz4 from 'lz4-napi'
import { decompressError, tooLargeError } from './codec.js'
import { NativeCodecModule } from './native-codec.js'
import { xxhash32 } from './xxhash32.js'

const LZ4_FRAME_MAGIC = 0x184d2204

/** `lz4-napi`, loaded on first use (native-codec.ts). */
const lz4 = new NativeCodecModule<typeof Lz4>('lz4', 'lz4-napi')

/**
 * Compresses `data` as one LZ4 frame (independent 64 KiB blocks, no checksums but the header's).
 * @throws CodecUnavailableError when `lz4-napi` cannot be loaded.
 */
export function lz4Compress(data: Uint8Array): Buffer {
  return lz4.get().compressFrameSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
}

/**
 * Decompresses one LZ4 frame. When the frame header declares its content size, a size over
 * `maxBytes` is refused before anything is decompressed; otherwise the output is checked after.
 * @throws KafkaProtocolError on corrupt input or output over `maxBytes`.
 * @throws CodecUnavailableError when `lz4-napi` cannot be loaded.
 */
export function lz4Decompress(data: Uint8Array, maxBytes: number): Buffer {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (view.length < 7 || view.readUInt32LE(0) !== LZ4_FRAME_MAGIC) throw decompressError('lz4', 'not an LZ4 frame')
  const flg = view[4]
  if ((flg & 0x08) !== 0) {
    if (view.length < 14) throw decompressError('lz4', 'truncated frame header')
    const declared = view.readUInt32LE(6) + view.readUInt32LE(10) * 4294967296
    if (declared > maxBytes) throw tooLargeError('lz4', declared, maxBytes)
  }
  const lib = lz4.get()
  let out: Buffer
  try {
    out = lib.decompressFrameSync(withStandardHeaderChecksum(view))
  } catch (err) {
    throw decompressError('lz4', err instanceof Error ? err.message : String(err), err)
  }
  if (out.length > maxBytes) throw tooLargeError('lz4', out.length, maxBytes)
  return out
}

/**
 * `frame` itself when its header checksum is standard (xxh32 of the descriptor, second byte),
 * a copy with it corrected when it is the pre-KIP-57 one (xxh32 from the magic number on).
 */
export function withStandardHeaderChecksum(frame: Buffer): Buffer {
  const flg = frame[4]
  const descriptorEnd = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0)
  if (frame.length <= descriptorEnd) return frame
  const stored = frame[descriptorEnd]
  const standard = (xxhash32(frame.subarray(4, descriptorEnd)) >>> 8) & 0xff
  if (stored === standard) return frame
  if (stored !== ((xxhash32(frame.subarray(0, descriptorEnd)) >>> 8) & 0xff)) return frame
  const fixed = Buffer.from(frame)
  fixed[descriptorEnd] = standard
  return fixed
}
