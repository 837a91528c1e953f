/**
 * Record batch compression: `compress` / `decompress` dispatch on the {@link CompressionCodec}.
 * The `*Sync` variants cover every codec but zstd compression (asynchronous only) and zstd
 * decompression below Node 22.15.
 */
import { ConfigError } from '../../errors.js'
import {
  type CompressionCodec,
  type CompressOptions,
  type DecompressOptions,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
} from './codec.js'
import { gzipCompress, gzipDecompress } from './gzip.js'
import { lz4Compress, lz4Decompress } from './lz4.js'
import { snappyCompress, snappyDecompress } from './snappy.js'
import { zstdCompress, zstdDecompress } from './zstd.js'
import { hasNodeZstd, zstdDecompressNode } from './zstd-node.js'

export {
  type CompressionCodec,
  type CompressOptions,
  type DecompressOptions,
  COMPRESSION_CODEC_IDS,
  COMPRESSION_CODEC_MASK,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  compressionCodecFromId,
} from './codec.js'

/**
 * True when the codec can decompress synchronously: every codec, but zstd only where Node has
 * `zlib.zstdDecompressSync` (22.15+). Compression of zstd is always asynchronous.
 */
export function hasSyncDecompression(codec: CompressionCodec): boolean {
  return codec !== 'zstd' || hasNodeZstd
}

/**
 * Compresses `data` with `codec` ('none' returns `data` as a Buffer view, no copy).
 * @throws ConfigError for 'zstd', which has no synchronous implementation; use {@link compress}.
 */
export function compressSync(codec: CompressionCodec, data: Uint8Array, options?: CompressOptions): Buffer {
  switch (codec) {
    case 'none':
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    case 'gzip':
      return gzipCompress(data, options?.level)
    case 'snappy':
      return snappyCompress(data)
    case 'lz4':
      return lz4Compress(data)
    case 'zstd':
      throw new ConfigError('zstd compression is asynchronous only: use compress()')
    default:
      throw new ConfigError(`unknown compression codec ${String(codec)}`)
  }
}

/** Compresses `data` with `codec` ('none' returns `data` as a Buffer view, no copy). */
export async function compress(codec: CompressionCodec, data: Uint8Array, options?: CompressOptions): Promise<Buffer> {
  if (codec === 'zstd') return zstdCompress(data, options?.level)
  return compressSync(codec, data, options)
}

/**
 * Decompresses `data` ('none' returns it as a Buffer view). Snappy accepts raw blocks and the
 * Java client's xerial framing; gzip accepts concatenated members.
 * @throws KafkaProtocolError on corrupt input or output over `options.maxBytes`
 *   (default {@link DEFAULT_MAX_DECOMPRESSED_BYTES}).
 * @throws ConfigError for 'zstd'; use {@link decompress}.
 */
export function decompressSync(codec: CompressionCodec, data: Uint8Array, options?: DecompressOptions): Buffer {
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES
  switch (codec) {
    case 'none':
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    case 'gzip':
      return gzipDecompress(data, maxBytes)
    case 'snappy':
      return snappyDecompress(data, maxBytes)
    case 'lz4':
      return lz4Decompress(data, maxBytes)
    case 'zstd':
      if (hasNodeZstd) return zstdDecompressNode(data, maxBytes)
      throw new ConfigError('zstd decompression is asynchronous only on this Node (below 22.15): use decompress()')
    default:
      throw new ConfigError(`unknown compression codec ${String(codec)}`)
  }
}

/** Asynchronous {@link decompressSync} that also handles zstd. Same errors. */
export async function decompress(codec: CompressionCodec, data: Uint8Array, options?: DecompressOptions): Promise<Buffer> {
  if (codec === 'zstd' && !hasNodeZstd) return zstdDecompress(data, options?.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES)
  return decompressSync(codec, data, options)
}
