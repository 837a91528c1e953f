/**
 * Compression codecs of Kafka record batches and their ids in the batch attributes
 * (protocol guide, "Record Batch": attributes bits 0-2; zstd since KIP-110).
 */
import { KafkaProtocolError } from '../../errors.js'

/** A record batch compression codec. */
export type CompressionCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

/** The id of each codec in bits 0-2 of the record batch (or legacy message) attributes. */
export const COMPRESSION_CODEC_IDS: Readonly<Record<CompressionCodec, number>> = Object.freeze({
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
})

const CODECS_BY_ID: readonly CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** Mask of the compression codec bits in the attributes. */
export const COMPRESSION_CODEC_MASK = 0x07

/**
 * The codec for an attribute id (0-4).
 * @throws KafkaProtocolError for an unknown id (5-7).
 */
export function compressionCodecFromId(id: number): CompressionCodec {
  const codec = CODECS_BY_ID[id]
  if (codec === undefined) throw new KafkaProtocolError(`unknown compression codec id ${id}`)
  return codec
}

/**
 * Upper bound, in bytes, on what one decompression may produce unless the caller gives
 * another: it stops a small compressed payload from allocating without bound (a zip bomb).
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 128 * 1024 * 1024

/** Options of a decompression. */
export interface DecompressOptions {
  /** Largest output accepted, in bytes; default {@link DEFAULT_MAX_DECOMPRESSED_BYTES}. */
  maxBytes?: number
}

/** Options of a compression. */
export interface CompressOptions {
  /** Codec-specific level (gzip 0-9, zstd 1-22); lz4 and snappy ignore it. */
  level?: number
}

/** The error every codec throws for input it cannot decompress. */
export function decompressError(codec: CompressionCodec, detail: string, cause?: unknown): KafkaProtocolError {
  return new KafkaProtocolError(`${codec} decompression failed: ${detail}`, -1, '', cause)
}

/** The error every codec throws when its output would exceed the size guard. */
export function tooLargeError(codec: CompressionCodec, size: number, maxBytes: number): KafkaProtocolError {
  return new KafkaProtocolError(`${codec} decompressed size ${size} exceeds the limit of ${maxBytes} bytes`)
}
