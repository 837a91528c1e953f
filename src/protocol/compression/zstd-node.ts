/**
 * Synchronous zstd decompression with `node:zlib` (`zstdDecompressSync`, Node 22.15+), so a
 * fetch loop decodes zstd batches without going through the thread pool and an await per batch.
 *
 * Node's decompressor stops after the first frame, while a batch may hold several (the Java
 * client's and the library's decoders read them all), so the frames are found first by walking
 * their block headers (RFC 8878, "Frames" and "Blocks": no decompression needed) and each is
 * decompressed on its own; skippable frames are skipped.
 */
import zlib from 'node:zlib'
import { decompressError, tooLargeError } from './codec.js'

type ZstdDecompressSync = (data: Uint8Array, options?: { maxOutputLength?: number }) => Buffer

const nodeZstd = (zlib as unknown as { zstdDecompressSync?: ZstdDecompressSync }).zstdDecompressSync

/** True when this Node has `zlib.zstdDecompressSync` (22.15+). */
export const hasNodeZstd = typeof nodeZstd === 'function'

const ZSTD_MAGIC = 0xfd2fb528
const SKIPPABLE_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50

/** The end of the zstd (or skippable) frame that starts at `at`; throws on a malformed one. */
export function zstdFrameEnd(data: Buffer, at: number): number {
  if (data.length - at < 8) throw decompressError('zstd', `truncated frame at byte ${at}`)
  const magic = data.readUInt32LE(at)
  if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
    const end = at + 8 + data.readUInt32LE(at + 4)
    if (end > data.length) throw decompressError('zstd', `truncated skippable frame at byte ${at}`)
    return end
  }
  if (magic !== ZSTD_MAGIC) throw decompressError('zstd', `not a zstd frame at byte ${at}`)
  const fhd = data[at + 4]
  const fcsFlag = fhd >> 6
  const singleSegment = (fhd >> 5) & 1
  const checksum = (fhd >> 2) & 1
  const dictIdFlag = fhd & 3
  const fcsSize = fcsFlag === 0 ? singleSegment : 1 << fcsFlag
  let p = at + 5 + (singleSegment ? 0 : 1) + (dictIdFlag === 3 ? 4 : dictIdFlag) + fcsSize
  for (;;) {
    if (p + 3 > data.length) throw decompressError('zstd', `truncated block header at byte ${p}`)
    const header = data[p] | (data[p + 1] << 8) | (data[p + 2] << 16)
    const last = header & 1
    const type = (header >> 1) & 3
    if (type === 3) throw decompressError('zstd', `reserved block type at byte ${p}`)
    p += 3 + (type === 1 ? 1 : header >>> 3)
    if (p > data.length) throw decompressError('zstd', `truncated block at byte ${p}`)
    if (last) break
  }
  p += checksum * 4
  if (p > data.length) throw decompressError('zstd', 'truncated frame checksum')
  return p
}

function one(frame: Buffer, maxBytes: number): Buffer {
  try {
    return (nodeZstd as ZstdDecompressSync)(frame, { maxOutputLength: Math.max(1, maxBytes) })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLargeError('zstd', maxBytes + 1, maxBytes)
    throw decompressError('zstd', err instanceof Error ? err.message : String(err), err)
  }
}

/**
 * Decompresses every frame of `data` with `node:zlib`. Only call when {@link hasNodeZstd}.
 * @throws KafkaProtocolError on corrupt input or output over `maxBytes`.
 */
export function zstdDecompressNode(data: Uint8Array, maxBytes: number): Buffer {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const first = zstdFrameEnd(buf, 0)
  if (first === buf.length && buf.readUInt32LE(0) === ZSTD_MAGIC) return one(buf, maxBytes)
  const parts: Buffer[] = []
  let total = 0
  for (let at = 0, end = first; ; ) {
    if (buf.readUInt32LE(at) === ZSTD_MAGIC) {
      const out = one(buf.subarray(at, end), maxBytes - total)
      total += out.length
      parts.push(out)
    }
    at = end
    if (at >= buf.length) break
    end = zstdFrameEnd(buf, at)
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, total)
}
