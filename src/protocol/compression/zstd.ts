/**
 * zstd (codec 4, KIP-110) through `@mongodb-js/zstd`, whose functions are asynchronous
 * (they run on libuv's thread pool). Frames with or without the content size decode.
 */
import type * as Zstd from '@mongodb-js/zstd'
import { decompressError, tooLargeError } from './codec.js'
import { NativeCodecModule } from './native-codec.js'

const ZSTD_MAGIC = 0xfd2fb528

/** `@mongodb-js/zstd`, loaded on first use (native-codec.ts). */
const zstd = new NativeCodecModule<typeof Zstd>('zstd', '@mongodb-js/zstd')

/**
 * Compresses `data` as one zstd frame (level default 3, as the Java client).
 * @throws CodecUnavailableError (rejects) when `@mongodb-js/zstd` cannot be loaded.
 */
export async function zstdCompress(data: Uint8Array, level = 3): Promise<Buffer> {
  return zstd.get().compress(Buffer.from(data.buffer, data.byteOffset, data.byteLength), level)
}

/**
 * The content size a zstd frame header declares, -1 when absent, or throws when `data` is
 * not a zstd frame (RFC 8878, "Frame Header").
 */
export function zstdDeclaredSize(data: Uint8Array): number {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (view.length < 5 || view.readUInt32LE(0) !== ZSTD_MAGIC) throw decompressError('zstd', 'not a zstd frame')
  const fhd = view[4]
  const fcsFlag = fhd >> 6
  const singleSegment = (fhd >> 5) & 1
  const dictIdFlag = fhd & 3
  if (fcsFlag === 0 && singleSegment === 0) return -1
  const fcsSize = fcsFlag === 0 ? 1 : 1 << fcsFlag
  const at = 5 + (singleSegment ? 0 : 1) + (dictIdFlag === 3 ? 4 : dictIdFlag)
  if (at + fcsSize > view.length) throw decompressError('zstd', 'truncated frame header')
  switch (fcsSize) {
    case 1:
      return view[at]
    case 2:
      return view.readUInt16LE(at) + 256
    case 4:
      return view.readUInt32LE(at)
    default:
      return view.readUInt32LE(at) + view.readUInt32LE(at + 4) * 4294967296
  }
}

/**
 * Decompresses zstd frame(s). A declared content size over `maxBytes` is refused before
 * decompressing; frames without one are checked after (the library offers no output cap).
 * @throws KafkaProtocolError on corrupt input or output over `maxBytes`.
 * @throws CodecUnavailableError (rejects) when `@mongodb-js/zstd` cannot be loaded.
 */
export async function zstdDecompress(data: Uint8Array, maxBytes: number): Promise<Buffer> {
  const declared = zstdDeclaredSize(data)
  if (declared > maxBytes) throw tooLargeError('zstd', declared, maxBytes)
  const lib = zstd.get()
  let out: Buffer
  try {
    out = await lib.decompress(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  } catch (err) {
    throw decompressError('zstd', err instanceof Error ? err.message : String(err), err)
  }
  if (out.length > maxBytes) throw tooLargeError('zstd', out.length, maxBytes)
  return out
}
