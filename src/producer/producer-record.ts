/**
 * What a caller hands to `producer.send` and what it gets back, and the one place where user
 * keys, values and headers become the bytes a record batch holds.
 */
import { ConfigError, type KafkaError } from '../errors.js'
import type { RecordHeader } from '../protocol/records/record.js'

/** A header value as callers give it: bytes, or a string sent as UTF-8. */
export type HeaderValue = Buffer | string | null

/** Headers as callers give them: an object (one value per key) or an ordered list (keys may repeat). */
export type ProducerHeaders = Record<string, Buffer | string> | ReadonlyArray<{ key: string; value: HeaderValue }>

/** One record to produce. */
export interface ProducerRecord {
  /** Topic name. */
  topic: string
  /** Record key; a string is sent as UTF-8. `null`/absent: no key (the partitioner spreads such records). */
  key?: Buffer | string | null
  /** Record value; a string is sent as UTF-8. `null` is a tombstone on compacted topics. */
  value: Buffer | string | null
  /** Record headers (KIP-82). */
  headers?: ProducerHeaders
  /** Explicit partition; skips the partitioner. */
  partition?: number
  /** Create time in ms since the epoch; default the time of `send`. */
  timestamp?: number
}

/** Where a record was written. */
export interface RecordMetadata {
  topic: string
  partition: number
  /** Offset of the record; -1n with acks 0 (the broker does not answer) or for a duplicate the broker no longer caches. */
  offset: bigint
  /** The record's create time, or the broker's append time on topics with `message.timestamp.type=LogAppendTime`, in ms. */
  timestamp: number
}

/** The `delivery` event's payload: one record's outcome. */
export interface DeliveryReport {
  topic: string
  partition: number
  /** As {@link RecordMetadata.offset}; -1n on failure. */
  offset: bigint
  /** As {@link RecordMetadata.timestamp}; -1 on failure. */
  timestamp: number
  /** The record as given to `send`, kept only while someone listens for `delivery` or `onDeliveryError` is set. */
  record: ProducerRecord | null
  /** Why the record failed; absent on success. */
  error?: KafkaError
}

const EMPTY = Buffer.alloc(0)

/** A key or value as bytes. @throws ConfigError for other types. */
export function toBytes(v: Buffer | string | null | undefined, what: string): Buffer | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'string') return v.length === 0 ? EMPTY : Buffer.from(v, 'utf8')
  if (v instanceof Uint8Array) return v as Buffer
  throw new ConfigError(`record ${what} must be a Buffer, a string or null, got ${typeof v}`)
}

/** Headers in wire form; `null` when there are none. @throws ConfigError on a malformed header. */
export function toRecordHeaders(headers: ProducerHeaders | undefined | null): RecordHeader[] | null {
  if (headers === undefined || headers === null) return null
  const out: RecordHeader[] = []
  if (Array.isArray(headers)) {
    for (const h of headers as ReadonlyArray<{ key: string; value: HeaderValue }>) {
      if (h === null || typeof h !== 'object' || typeof h.key !== 'string') throw new ConfigError('each header must be { key: string, value: Buffer | string | null }')
      out.push({ key: h.key, value: toBytes(h.value, `header ${JSON.stringify(h.key)}`) })
    }
  } else if (typeof headers === 'object') {
    for (const key of Object.keys(headers)) {
      out.push({ key, value: toBytes((headers as Record<string, Buffer | string>)[key], `header ${JSON.stringify(key)}`) })
    }
  } else {
    throw new ConfigError('record headers must be an object or an array of { key, value }')
  }
  return out.length === 0 ? null : out
}

/**
 * Bytes a record is charged against `bufferMemory` and checked against `maxRequestSize`: its
 * encoded size in a batch, rounded up (varints at their widest) so the charge never undercounts.
 */
export function estimateRecordSize(key: Uint8Array | null, value: Uint8Array | null, headers: readonly RecordHeader[] | null): number {
  let size = 21 + (key === null ? 0 : key.length + 5) + (value === null ? 0 : value.length + 5)
  if (headers !== null) {
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i]
      size += 10 + Buffer.byteLength(h.key, 'utf8') + (h.value === null ? 0 : h.value.length)
    }
  }
  return size
}
