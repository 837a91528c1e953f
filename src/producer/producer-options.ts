/**
 * Producer options, named after the Java producer's configs (camelCase), validated with zod into
 * a {@link ConfigError} naming the bad field. docs/producer.md lists every option.
 */
import { z } from 'zod'
import { ConfigError, type KafkaError } from '../errors.js'
import { configErrorFrom } from '../options.js'
import type { CompressionCodec } from '../protocol/compression/codec.js'
import type { PartitionerFunction, PartitionerName } from './partitioners/index.js'
import type { ProducerRecord } from './producer-record.js'

/** Acknowledgements: 0 none, 1 the leader, 'all' (or -1) every in-sync replica. */
export type Acks = 0 | 1 | -1 | 'all'

/** Options of `kafka.producer(options)`. */
export interface ProducerOptions {
  /** Acknowledgements the leader waits for before answering (Java acks). Default 'all'. */
  acks?: Acks
  /**
   * Idempotent delivery (Java enable.idempotence; KIP-98): a producer id and per-partition
   * sequence numbers let the broker drop duplicates of retried batches. Default true when
   * `acks` is 'all' or unset, false otherwise. Requires acks 'all' and at most 5 requests in flight.
   */
  idempotent?: boolean
  /** Codec of record batches (Java compression.type). Default 'none'. */
  compression?: CompressionCodec
  /** Codec level (gzip 0-9, zstd 1-22, others ignored); default the codec's own. */
  compressionLevel?: number
  /** How long a partition's batch waits for more records before it is sent, in ms (Java linger.ms). Default 5. */
  lingerMs?: number
  /** Largest batch of one partition in bytes, uncompressed (Java batch.size); a full batch is sent at once. A larger single record gets a batch of its own. Default 16384. */
  batchSize?: number
  /** Buffered unsent bytes over all partitions that trigger an immediate send, in bytes. Default 1048576. */
  maxBatchBytes?: number
  /** Buffered unsent records over all partitions that trigger an immediate send. Default 10000. */
  maxBatchSize?: number
  /** Largest Produce request in bytes (Java max.request.size); a larger record is rejected by `send`. Default 1048576. */
  maxRequestSize?: number
  /** Bytes of records buffered and not yet acknowledged before `send` waits (Java buffer.memory). Default 33554432. */
  bufferMemory?: number
  /**
   * Upper bound in ms on how long a record may wait (for buffer memory, metadata, a leader,
   * linger) and be retried before its promise rejects with DeliveryTimeoutError (Java
   * delivery.timeout.ms). Must be at least lingerMs + requestTimeoutMs. Default 120000.
   */
  deliveryTimeoutMs?: number
  /** Timeout of one Produce request in ms, also sent as the broker's acks timeout (Java request.timeout.ms). Default the client's requestTimeoutMs (30000). */
  requestTimeoutMs?: number
  /** Produce requests in flight per broker (Java max.in.flight.requests.per.connection). Default the client's (5); at most 5 when idempotent. */
  maxInFlightRequestsPerConnection?: number
  /**
   * Backoff before a batch, InitProducerId or a metadata lookup is retried, in ms, doubling up to
   * `retryBackoffMaxMs` with ±20% jitter (Java retry.backoff.ms, KIP-580). Default the client's
   * `retryBackoffMs` (100).
   */
  retryBackoffMs?: number
  /** Largest retry backoff in ms (Java retry.backoff.max.ms). Default the client's `retryBackoffMaxMs` (1000), or `retryBackoffMs` when that is larger. */
  retryBackoffMaxMs?: number
  /** Which partition records without an explicit one go to. Default 'default' (Java's: murmur2 of the key, sticky without key). */
  partitioner?: PartitionerName | PartitionerFunction
  /** Let a Metadata request create a topic that does not exist (Java allow.auto.create.topics). Default true. */
  allowAutoTopicCreation?: boolean
  /** Called once for each record that fails, besides its promise rejecting. */
  onDeliveryError?: (record: ProducerRecord, error: KafkaError) => void
  /** Emit the `delivery` event for every Nth report only. Default 1 (every report). */
  deliveryReportSampling?: number
  /** Emit `stats` every this many ms; 0 turns it off. Default 0. */
  statisticsIntervalMs?: number
  /**
   * Makes the producer transactional (Java transactional.id; KIP-98, docs/transactions.md): call
   * `initTransactions()` once, then send inside `beginTransaction()` … `commitTransaction()` /
   * `abortTransaction()`. Idempotence is implied: `idempotent: false`, or `acks` other than
   * 'all'/-1, with a transactionalId is a ConfigError. A newer producer with the same id fences
   * this one (ProducerFencedError).
   */
  transactionalId?: string
  /**
   * How long the transaction coordinator lets a transaction stay open before it aborts it, in ms
   * (Java transaction.timeout.ms); must not exceed the broker's transaction.max.timeout.ms
   * (default 900000). Default 60000. Only with `transactionalId`.
   */
  transactionTimeoutMs?: number
}

export interface ResolvedProducerOptions {
  acks: -1 | 0 | 1
  idempotent: boolean
  compression: CompressionCodec
  compressionLevel: number | undefined
  lingerMs: number
  batchSize: number
  maxBatchBytes: number
  maxBatchSize: number
  maxRequestSize: number
  bufferMemory: number
  deliveryTimeoutMs: number
  requestTimeoutMs: number
  maxInFlight: number
  retryBackoffMs: number
  retryBackoffMaxMs: number
  partitioner: PartitionerName | PartitionerFunction
  allowAutoTopicCreation: boolean
  onDeliveryError: ((record: ProducerRecord, error: KafkaError) => void) | null
  deliveryReportSampling: number
  statisticsIntervalMs: number
  /** Null for a producer that is not transactional. */
  transactionalId: string | null
  transactionTimeoutMs: number
}

const positiveInt = z.number().int().positive()
const nonNegativeInt = z.number().int().min(0)

const schema = z.strictObject({
  acks: z.union([z.literal(0), z.literal(1), z.literal(-1), z.literal('all')]).optional(),
  idempotent: z.boolean().optional(),
  compression: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'),
  compressionLevel: z.number().int().optional(),
  lingerMs: nonNegativeInt.default(5),
  batchSize: positiveInt.default(16_384),
  maxBatchBytes: positiveInt.default(1_048_576),
  maxBatchSize: positiveInt.default(10_000),
  maxRequestSize: positiveInt.min(1024).default(1_048_576),
  bufferMemory: positiveInt.default(33_554_432),
  deliveryTimeoutMs: positiveInt.optional(),
  requestTimeoutMs: positiveInt.optional(),
  maxInFlightRequestsPerConnection: positiveInt.optional(),
  retryBackoffMs: positiveInt.optional(),
  retryBackoffMaxMs: positiveInt.optional(),
  partitioner: z
    .union([z.enum(['default', 'murmur2', 'consistent', 'random', 'roundRobin']), z.custom<PartitionerFunction>((v) => typeof v === 'function', 'must be a partitioner name or a function')])
    .default('default'),
  allowAutoTopicCreation: z.boolean().default(true),
  onDeliveryError: z.custom<(record: ProducerRecord, error: KafkaError) => void>((v) => typeof v === 'function', 'must be a function').optional(),
  deliveryReportSampling: positiveInt.default(1),
  statisticsIntervalMs: nonNegativeInt.default(0),
  transactionalId: z.string().min(1).optional(),
  transactionTimeoutMs: positiveInt.default(60_000),
})

/** What producer options default to from the `Kafka` instance's options. */
export interface ProducerOptionDefaults {
  requestTimeoutMs: number
  maxInFlightRequestsPerConnection: number
  retryBackoffMs: number
  retryBackoffMaxMs: number
}

/**
 * Validates producer options against the client's defaults.
 * @throws ConfigError naming the bad field, or for a combination Java rejects too
 *   (idempotence with acks 0/1 or more than 5 requests in flight; a transactionalId with
 *   idempotent false or acks 0/1; deliveryTimeoutMs below
 *   lingerMs + requestTimeoutMs; a given retryBackoffMaxMs below retryBackoffMs).
 */
export function resolveProducerOptions(options: ProducerOptions, client: ProducerOptionDefaults): ResolvedProducerOptions {
  const parsed = schema.safeParse(options ?? {})
  if (!parsed.success) throw configErrorFrom('producer options', parsed.error)
  const o = parsed.data
  const acks = o.acks === undefined || o.acks === 'all' ? -1 : o.acks
  if (o.transactionalId !== undefined) {
    if (o.idempotent === false) throw new ConfigError(`invalid producer options: idempotent: a transactional producer (transactionalId ${JSON.stringify(o.transactionalId)}) is idempotent; remove idempotent: false`)
    if (acks !== -1) throw new ConfigError(`invalid producer options: acks: a transactional producer (transactionalId ${JSON.stringify(o.transactionalId)}) requires acks 'all', got acks ${String(o.acks)}`)
  }
  if (o.idempotent === true && acks !== -1) {
    throw new ConfigError(`invalid producer options: idempotent: requires acks 'all', got acks ${String(o.acks)} (set idempotent: false to use acks 0 or 1)`)
  }
  const idempotent = o.idempotent ?? acks === -1
  const maxInFlight = o.maxInFlightRequestsPerConnection ?? Math.min(client.maxInFlightRequestsPerConnection, idempotent ? 5 : Number.MAX_SAFE_INTEGER)
  if (idempotent && maxInFlight > 5) {
    throw new ConfigError(`invalid producer options: maxInFlightRequestsPerConnection: at most 5 with idempotence, got ${maxInFlight}`)
  }
  const requestTimeoutMs = o.requestTimeoutMs ?? client.requestTimeoutMs
  const deliveryTimeoutMs = o.deliveryTimeoutMs ?? Math.max(120_000, o.lingerMs + requestTimeoutMs)
  if (deliveryTimeoutMs < o.lingerMs + requestTimeoutMs) {
    throw new ConfigError(`invalid producer options: deliveryTimeoutMs: must be at least lingerMs + requestTimeoutMs (${o.lingerMs + requestTimeoutMs}), got ${deliveryTimeoutMs}`)
  }
  const retryBackoffMs = o.retryBackoffMs ?? client.retryBackoffMs
  // A larger retryBackoffMs than the inherited maximum means a constant backoff (as Java's ExponentialBackoff).
  const retryBackoffMaxMs = o.retryBackoffMaxMs ?? Math.max(client.retryBackoffMaxMs, retryBackoffMs)
  if (retryBackoffMaxMs < retryBackoffMs) {
    throw new ConfigError(`invalid producer options: retryBackoffMaxMs: must be at least retryBackoffMs (${retryBackoffMs}), got ${retryBackoffMaxMs}`)
  }
  return {
    acks,
    idempotent,
    compression: o.compression,
    compressionLevel: o.compressionLevel,
    lingerMs: o.lingerMs,
    batchSize: o.batchSize,
    maxBatchBytes: o.maxBatchBytes,
    maxBatchSize: o.maxBatchSize,
    maxRequestSize: o.maxRequestSize,
    bufferMemory: o.bufferMemory,
    deliveryTimeoutMs,
    requestTimeoutMs,
    maxInFlight,
    retryBackoffMs,
    retryBackoffMaxMs,
    partitioner: o.partitioner,
    allowAutoTopicCreation: o.allowAutoTopicCreation,
    onDeliveryError: o.onDeliveryError ?? null,
    deliveryReportSampling: o.deliveryReportSampling,
    statisticsIntervalMs: o.statisticsIntervalMs,
    transactionalId: o.transactionalId ?? null,
    transactionTimeoutMs: o.transactionTimeoutMs,
  }
}
