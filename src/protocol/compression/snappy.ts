/**
 * snappy (codec 2) through the `snappy` package. Kafka's Java client writes snappy in the
 * xerial framing (`0x82 SNAPPY 0x00`, version and compat int32s, then int32-length-prefixed
 * raw blocks), other clients write one raw block: decompression takes both.
 */
import type * as Snappy from 'snappy'
import { decompressError, tooLargeError } from './codec.js'
import { NativeCodecModule } from './native-codec.js'

/** `snappy`, loaded on first use (native-codec.ts). */
const snappy = new NativeCodecModule<typeof Snappy>('snappy', 'snappy')

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_SIZE = 16

/**
 * Compresses `data` as one raw snappy block (what librdkafka and franz-go write; Java reads it).
 * @throws CodecUnavailableError when `snappy` cannot be loaded.
 */
export function snappyCompress(data: Uint8Array): Buffer {
  return snappy.get().compressSync(data)
}

/** True when `data` starts with the xerial snappy framing header. */
export function isXerialSnappy(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_SIZE) return false
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false
  return true
}

/** The uncompressed length a raw snappy block declares in its uvarint preamble, or -1 if malformed. */
function rawBlockLength(data: Uint8Array, start: number, end: number): number {
  let result = 0
  let shift = 0
  for (let i = start; i < end && shift <= 28; i++) {
    const b = data[i]
    result += (b & 0x7f) * 2 ** shift
    if ((b & 0x80) === 0) return result
    shift += 7
  }
  return -1
}

function uncompressBlock(block: Uint8Array): Buffer {
  const lib = snappy.get()
  let out: string | Buffer
  try {
    out = lib.uncompressSync(block, { asBuffer: true })
  } catch (err) {
    throw decompressError('snappy', err instanceof Error ? err.message : String(err), err)
  }
  return typeof out === 'string' ? Buffer.from(out, 'utf8') : out
}

/**
 * Decompresses a raw snappy block or a xerial-framed stream.
 * @throws KafkaProtocolError on corrupt input or output over `maxBytes`.
 * @throws CodecUnavailableError when `snappy` cannot be loaded.
 */
export function snappyDecompress(data: Uint8Array, maxBytes: number): Buffer {
  if (isXerialSnappy(data)) return xerialDecompress(data, maxBytes)
  const size = rawBlockLength(data, 0, data.length)
  if (size < 0) throw decompressError('snappy', 'bad length preamble')
  if (size > maxBytes) throw tooLargeError('snappy', size, maxBytes)
  return uncompressBlock(data)
}

function xerialDecompress(data: Uint8Array, maxBytes: number): Buffer {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  // First pass: bounds and declared sizes, so nothing is allocated before the whole stream is checked.
  let total = 0
  let blocks = 0
  for (let off = XERIAL_HEADER_SIZE; off < view.length; ) {
    if (off + 4 > view.length) throw decompressError('snappy', `truncated xerial block length at byte ${off}`)
    const len = view.readInt32BE(off)
    if (len < 0 || off + 4 + len > view.length) {
      throw decompressError('snappy', `xerial block length ${len} at byte ${off} exceeds the input`)
    }
    const size = rawBlockLength(view, off + 4, off + 4 + len)
    if (size < 0) throw decompressError('snappy', `bad length preamble in xerial block at byte ${off}`)
    total += size
    if (total > maxBytes) throw tooLargeError('snappy', total, maxBytes)
    blocks++
    off += 4 + len
  }
  if (blocks === 1) return uncompressBlock(view.subarray(XERIAL_HEADER_SIZE + 4))
  const out = Buffer.allocUnsafe(total)
  let written = 0
  for (let off = XERIAL_HEADER_SIZE; off < view.length; ) {
    const len = view.readInt32BE(off)
    const block = uncompressBlock(view.subarray(off + 4, off + 4 + len))
    if (written + block.length > total) throw decompressError('snappy', 'xerial block larger than it declared')
    block.copy(out, written)
    written += block.length
    off += 4 + len
  }
  return out
}

/** Wraps raw snappy blocks of `data` in the xerial framing the Java client writes (blocks of 32 KiB). */
export function xerialSnappyCompress(data: Uint8Array, blockSize = 32 * 1024): Buffer {
  const parts: Buffer[] = [XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]
  for (let off = 0; off < data.length; off += blockSize) {
    const block = snappy.get().compressSync(data.subarray(off, Math.min(off + blockSize, data.length)))
    const len = Buffer.allocUnsafe(4)
    len.writeInt32BE(block.length, 0)
    parts.push(len, block)
  }
  return Buffer.concat(parts)
}
