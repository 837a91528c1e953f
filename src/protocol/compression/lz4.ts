/**
 * lz4 (codec 3) in the LZ4 frame format through `lz4-napi`. Record batches (magic 2) use the
 * standard frame with a correct header checksum (KIP-57); legacy magic 0 messages from
 * Kafka < 0.10 carried a wrong one and are not supported here.
 */
import lz4 from 'lz4-napi'
import { decompressError, tooLargeError } from './codec.js'

const LZ4_FRAME_MAGIC = 0x184d2204

/** Compresses `data` as one LZ4 frame (independent 64 KiB blocks, no checksums but the header's). */
export function lz4Compress(data: Uint8Array): Buffer {
  return lz4.compressFrameSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
}

/**
 * Decompresses one LZ4 frame. When the frame header declares its content size, a size over
 * `maxBytes` is refused before anything is decompressed; otherwise the output is checked after.
 * @throws KafkaProtocolError on corrupt input or output over `maxBytes`.
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
  let out: Buffer
  try {
    out = lz4.decompressFrameSync(view)
  } catch (err) {
    throw decompressError('lz4', err instanceof Error ? err.message : String(err), err)
  }
  if (out.length > maxBytes) throw tooLargeError('lz4', out.length, maxBytes)
  return out
}
