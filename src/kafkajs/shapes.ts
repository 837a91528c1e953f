/**
 * KafkaJS 2.2's data shapes (kafkajs/types/index.d.ts) and the conversions between them and
 * kafkats's: offsets and timestamps as decimal strings, headers as objects, records as
 * KafkaJS's KafkaMessage, per-partition produce results as RecordMetadata.
 */
import type { ConsumerRecord } from '../consumer/consumer-record.js'
import { ConfigError } from '../errors.js'
import type { RecordMetadata as KafkatsRecordMetadata } from '../producer/producer-record.js'
import type { ProducerRecord as KafkatsProducerRecord } from '../producer/producer-record.js'
import type { RecordHeader } from '../protocol/records/record.js'
import type { CompressionCodec } from '../protocol/compression/index.js'

/** Message headers: one value per key, or an array of values for a repeated key. */
export interface IHeaders {
  [key: string]: Buffer | string | (Buffer | string)[] | undefined
}

/** A message to produce. `timestamp` is ms since the epoch as a string. */
export interface Message {
  key?: Buffer | string | null
  value: Buffer | string | null
  partition?: number
  headers?: IHeaders
  timestamp?: string
}

/** A partition in KafkaJS's metadata shape. */
export interface PartitionMetadata {
  partitionErrorCode: number
  partitionId: number
  leader: number
  replicas: number[]
  isr: number[]
  offlineReplicas?: number[]
}

/** A consumed message. Offsets and timestamps are decimal strings. */
export interface KafkaMessage {
  key: Buffer | null
  value: Buffer | null
  timestamp: string
  attributes: number
  offset: string
  headers: IHeaders
  size?: never
  magicByte?: number
  isControlRecord?: boolean
}

/** One partition's result of a `send`: KafkaJS's Produce response entry. */
export interface RecordMetadata {
  topicName: string
  partition: number
  errorCode: number
  offset?: string
  timestamp?: string
  baseOffset?: string
  logAppendTime?: string
  logStartOffset?: string
}

export enum CompressionTypes {
  None = 0,
  GZIP = 1,
  Snappy = 2,
  LZ4 = 3,
  ZSTD = 4,
}

/**
 * KafkaJS's codec registry. kafkats carries every codec itself (gzip in JavaScript; snappy,
 * lz4 and zstd through its native dependencies), so registering one is accepted and ignored.
 */
export const CompressionCodecs: Record<number, () => unknown> = {}

/** The kafkats codec of a KafkaJS CompressionTypes value. @throws ConfigError for another value. */
export function codecOf(type: CompressionTypes | undefined): CompressionCodec {
  switch (type ?? CompressionTypes.None) {
    case CompressionTypes.None:
      return 'none'
    case CompressionTypes.GZIP:
      return 'gzip'
    case CompressionTypes.Snappy:
      return 'snappy'
    case CompressionTypes.LZ4:
      return 'lz4'
    case CompressionTypes.ZSTD:
      return 'zstd'
    default:
      throw new ConfigError(`unknown compression type ${String(type)} (use CompressionTypes)`)
  }
}

export interface PartitionOffset {
  partition: number
  offset: string
}

export interface TopicOffsets {
  topic: string
  partitions: PartitionOffset[]
}

export interface Offsets {
  topics: TopicOffsets[]
}

export interface TopicPartition {
  topic: string
  partition: number
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: string
}

export interface TopicPartitionOffsetAndMetadata extends TopicPartitionOffset {
  metadata?: string | null
}

export type SeekEntry = PartitionOffset

/** KafkaJS headers → kafkats's ordered header list (an array value becomes repeated headers). */
export function toKafkatsHeaders(headers: IHeaders | undefined): Array<{ key: string; value: Buffer | string }> | undefined {
  if (headers === undefined || headers === null) return undefined
  const out: Array<{ key: string; value: Buffer | string }> = []
  for (const key of Object.keys(headers)) {
    const v = headers[key]
    if (v === undefined) continue
    if (Array.isArray(v)) for (const x of v) out.push({ key, value: x })
    else out.push({ key, value: v })
  }
  return out
}

/** Decoded headers → KafkaJS's object (a repeated key gets an array, in order); a null value is kept as null. */
export function toKafkaJSHeaders(headers: readonly RecordHeader[]): IHeaders {
  const out: Record<string, Buffer | (Buffer | string)[] | undefined> = {}
  for (const h of headers) {
    const value = h.value === null ? (null as unknown as Buffer) : Buffer.from(h.value)
    const prev = out[h.key]
    if (prev === undefined) out[h.key] = value
    else if (Array.isArray(prev)) prev.push(value)
    else out[h.key] = [prev, value]
  }
  return out
}

/**
 * A KafkaJS message → the kafkats record. @throws ConfigError for a timestamp that is not a
 * decimal integer string (or number).
 */
export function toKafkatsRecord(topic: string, m: Message, partition: number | undefined): KafkatsProducerRecord {
  if (m === null || typeof m !== 'object') throw new ConfigError(`Invalid message: each message of topic ${topic} must be an object`)
  let timestamp: number | undefined
  if (m.timestamp !== undefined && m.timestamp !== null) {
    timestamp = Number(m.timestamp)
    if (!Number.isSafeInteger(timestamp)) throw new ConfigError(`Invalid message timestamp ${JSON.stringify(m.timestamp)}: ms since the epoch as a string`)
  }
  return {
    topic,
    key: m.key ?? null,
    value: m.value === undefined ? null : m.value,
    headers: toKafkatsHeaders(m.headers),
    partition,
    timestamp,
  }
}

/** A kafkats record → KafkaJS's KafkaMessage (key, value and header values copied out of the fetch buffer). */
export function toKafkaMessage(r: ConsumerRecord): KafkaMessage {
  return {
    magicByte: 2,
    attributes: 0,
    timestamp: String(r.timestamp),
    offset: r.offset.toString(),
    key: r.key === null ? null : Buffer.from(r.key),
    value: r.value === null ? null : Buffer.from(r.value),
    headers: toKafkaJSHeaders(r.headers),
    isControlRecord: false,
  }
}

/**
 * Per-record results of one `send` → KafkaJS's per-partition results, one per topic-partition in
 * order of first appearance: `baseOffset` is the lowest offset this call wrote there.
 */
export function toRecordMetadata(results: readonly KafkatsRecordMetadata[]): RecordMetadata[] {
  const byPartition = new Map<string, { topic: string; partition: number; base: bigint }>()
  for (const r of results) {
    const key = `${r.topic}\u0000${r.partition}`
    const cur = byPartition.get(key)
    if (cur === undefined) byPartition.set(key, { topic: r.topic, partition: r.partition, base: r.offset })
    else if (r.offset >= 0n && (cur.base < 0n || r.offset < cur.base)) cur.base = r.offset
  }
  return [...byPartition.values()].map((p) => ({
    topicName: p.topic,
    partition: p.partition,
    errorCode: 0,
    baseOffset: p.base.toString(),
    logAppendTime: '-1',
    logStartOffset: '-1',
  }))
}

/** A decimal offset string (or number) → bigint. @throws ConfigError when it is not an integer. */
export function parseOffset(offset: string | number | bigint, what: string): bigint {
  try {
    if (typeof offset === 'number' && !Number.isSafeInteger(offset)) throw new Error()
    return BigInt(offset)
  } catch {
    throw new ConfigError(`${what}: offset must be an integer (a decimal string), got ${JSON.stringify(String(offset))}`)
  }
}
