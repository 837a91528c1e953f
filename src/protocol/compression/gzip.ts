/**
 * gzip (codec 1) through fflate. Decompression streams so it accepts concatenated gzip
 * members and never sizes its output from the (untrusted) ISIZE trailer.
 */
import { Gunzip, gzipSync } from 'fflate'
import { decompressError, tooLargeError } from './codec.js'

/** gzip-compresses `data` (level 0-9, default 6 as the Java client's Deflater). */
export function gzipCompress(data: Uint8Array, level = 6): Buffer {
  const out = gzipSync(data, { level: level as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 })
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength)
}

const GZIP_MIN_SIZE = 20

class SizeGuard extends Error {}

/**
 * Decompresses one or more concatenated gzip members.
 * @throws KafkaProtocolError on corrupt input or output over `maxBytes`.
 */
export function gzipDecompress(data: Uint8Array, maxBytes: number): Buffer {
  // Smallest member: 10-byte header, 2-byte empty deflate block, 8-byte trailer.
  if (data.length < GZIP_MIN_SIZE) throw decompressError('gzip', `${data.length} bytes is shorter than any gzip member`)
  const chunks: Uint8Array[] = []
  let size = 0
  const gunzip = new Gunzip()
  gunzip.ondata = (chunk) => {
    size += chunk.length
    if (size > maxBytes) throw new SizeGuard()
    chunks.push(chunk)
  }
  try {
    gunzip.push(data, true)
  } catch (err) {
    if (err instanceof SizeGuard) throw tooLargeError('gzip', size, maxBytes)
    throw decompressError('gzip', err instanceof Error ? err.message : String(err), err)
  }
  if (chunks.length === 1) {
    const c = chunks[0]
    return Buffer.from(c.buffer, c.byteOffset, c.byteLength)
  }
  return Buffer.concat(chunks, size)
}
