/**
 * Where a decoder is working (topic, partition, base offset), and the one place that turns any
 * failure while decoding a batch into a {@link KafkaError} naming it.
 */
import { CorruptRecordError, KafkaError, KafkaProtocolError } from '../../errors.js'
import type { RecordHeader } from './record.js'

/** Options of record batch decoding. */
export interface DecodeRecordBatchesOptions {
  /** Topic the bytes were fetched from (named in errors). */
  topic: string
  /** Partition the bytes were fetched from (named in errors). */
  partition: number
  /** Verify each batch's CRC-32C (legacy messages: CRC-32); default true. */
  checkCrc?: boolean
  /** Size guard of each decompression in bytes; default 128 MiB. */
  maxDecompressedBytes?: number
}

/** Headers of every record that has none (frozen, shared). */
export const EMPTY_HEADERS: readonly RecordHeader[] = Object.freeze([])

/** `err` as a KafkaError naming the batch: protocol errors get a field path, anything else is wrapped. */
export function inBatch(err: unknown, opts: DecodeRecordBatchesOptions, baseOffset: bigint, at: number): KafkaError {
  const where = `RecordBatch[${opts.topic}-${opts.partition}@${baseOffset}]`
  if (err instanceof KafkaProtocolError) return err.withPathPrefix(where)
  if (err instanceof KafkaError) return err
  const detail = err instanceof Error ? err.message : String(err)
  return new KafkaProtocolError(`malformed record batch: ${detail}`, at, where, err)
}

/** The error for a checksum that does not match. */
export function crcMismatch(
  what: string,
  expected: number,
  actual: number,
  opts: DecodeRecordBatchesOptions,
  baseOffset: bigint,
): CorruptRecordError {
  return new CorruptRecordError(
    `${what} checksum mismatch: stored 0x${expected.toString(16).padStart(8, '0')}, computed 0x${actual.toString(16).padStart(8, '0')}`,
    opts.topic,
    opts.partition,
    baseOffset,
  )
}
