/**
 * The batching producer (docs/producer.md): `send` appends each record straight into its
 * partition's record batch; the {@link Sender} ships batches per leader when linger passes,
 * a batch fills, the buffered totals pass their limits, or on `flush`. Idempotent by default
 * (KIP-98). Memory is bounded by `bufferMemory` (`send` waits), time by `deliveryTimeoutMs`.
 *
 * Every record takes one admission path ({@link Producer.pass}): it waits for its topic's
 * metadata (per topic, in send order; {@link ProducerMetadata} is the one place metadata is
 * refreshed), then for buffer memory (one FIFO), then is appended. A record that can go at once
 * allocates nothing on the way.
 */
import { EventEmitter } from 'node:events'
import type { ClientContext } from '../client-context.js'
import { ClosedError, ConfigError, KafkaError } from '../errors.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { RECORD_BATCH_OVERHEAD } from '../protocol/records/batch-layout.js'
import { recordPayloadSize } from '../protocol/records/record-batch-builder.js'
import type { ProduceRecord, RecordHeader } from '../protocol/records/record.js'
import type { TopicMetadata } from '../pool/cluster.js'
import { Accumulator } from './accumulator.js'
import { type DeliveryTarget, GroupDelivery, ObservedDelivery, SingleDelivery } from './delivery-target.js'
import { producerSendChannel, type ProducerSendContext } from '../diagnostics.js'
import { createPartitioner, type Partitioner, type PartitionerName } from './partitioners/index.js'
import { DeliveryTimeoutError, RecordTooLargeError } from './producer-errors.js'
import type { ProducerBatch } from './producer-batch.js'
import { ProducerMetadata } from './producer-metadata.js'
import { type ProducerOptions, type ResolvedProducerOptions, resolveProducerOptions } from './producer-options.js'
import { type DeliveryReport, estimateRecordSize, type ProducerRecord, type RecordMetadata, toBytes, toRecordHeaders } from './producer-record.js'
import { type ProducerStats, StatsCollector } from './producer-stats.js'
import { Sender, type SenderHost } from './sender.js'
import { TransactionManager, type TransactionOffset } from './transaction-manager.js'
import { ProducerFencedError, TransactionAbortableError, TransactionStateError } from './transaction-errors.js'
import type { ConsumerGroupMetadata } from '../consumer/group-metadata.js'
import { WaitingQueue } from './waiting-queue.js'

export type { Acks, ProducerOptions } from './producer-options.js'
export type { DeliveryReport, ProducerHeaders, ProducerRecord, RecordMetadata } from './producer-record.js'
export type { BrokerProduceStats, ProducerStats } from './producer-stats.js'
export { DeliveryTimeoutError, RecordTooLargeError } from './producer-errors.js'
export { ProducerFencedError, TransactionAbortableError, TransactionStateError } from './transaction-errors.js'
export type { TransactionOffset } from './transaction-manager.js'
export type { ConsumerGroupMetadata } from '../consumer/group-metadata.js'

/** What the callback of `producer.transaction(fn)` gets: the producer's sending methods, inside the transaction. */
export interface Transaction {
  send(record: ProducerRecord): Promise<RecordMetadata>
  sendBatch(records: readonly ProducerRecord[]): Promise<RecordMetadata[]>
  sendOffsetsToTransaction(offsets: readonly TransactionOffset[], groupMetadata: ConsumerGroupMetadata): Promise<void>
}

/**
 * A record between `send` and its batch: waiting for its topic's metadata, then for buffer
 * memory. `send` fills one reused instance; only a record that has to wait gets its own copy.
 */
interface Waiting {
  topic: string
  partition: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[] | null
  timestamp: number
  size: number
  /** `recordPayloadSize` of key, value and headers (record-batch-builder.ts): computed once, used by the batch. */
  payload: number
  /** When `send` took it (ms); the new batch's creation time if it opens one without waiting. */
  at: number
  target: DeliveryTarget
  index: number
  original: ProducerRecord | null
  /** `send` time + deliveryTimeoutMs; Infinity on the reused instance (the batch's own deadline applies). */
  deadline: number
  /** Order of entry into waiting, for `flush`. */
  seq: number
}

/** The records of one topic waiting for metadata, in send order. */
interface TopicWait {
  records: Waiting[]
  /** Why the last metadata round did not let them in, the cause when they expire. */
  lastError: KafkaError | null
}

/** One `flush()` call: what was pending when it was called. */
interface FlushWait {
  /** Batches not yet settled that hold records given to `send` before the call. */
  batches: Set<ProducerBatch>
  /** Waiting records with `seq` up to this one were given to `send` before the call. */
  mark: number
  /** How many of those are still waiting (not yet in a batch, not failed). */
  waiting: number
  done: () => void
}

export interface ProducerEvents {
  /** One record's outcome (every `deliveryReportSampling`-th report). */
  delivery: [report: DeliveryReport]
  /** Counters, every `statisticsIntervalMs`. */
  stats: [stats: ProducerStats]
}

const NO_TARGET: DeliveryTarget = { delivered() {}, failed() {} }

/** Options of {@link Producer.partitionFor}. */
export interface PartitionForOptions {
  /**
   * Answer for this built-in partitioner instead of the producer's own (KafkaTcl's
   * `info consistent_partition`). Stateful ones (`default` and `murmur2` for a null key,
   * `roundRobin`, `random`) use a separate instance: their answer is not where the producer's
   * next record goes.
   */
  partitioner?: PartitionerName
  /**
   * false: answer at once from the cached metadata, -1 while the topic has no partitions known
   * (not created yet, or its metadata not here yet; a look-up is started). Default true: wait
   * for the metadata.
   */
  wait?: boolean
}

/**
 * A producer; safe to share between many concurrent callers. Events: `delivery`
 * ({@link DeliveryReport}), `stats` ({@link ProducerStats}).
 */
export class Producer extends EventEmitter<ProducerEvents> {
  /** The validated options. */
  readonly options: ResolvedProducerOptions
  private readonly context: ClientContext
  private readonly accumulator: Accumulator
  private readonly sender: Sender
  private readonly metadata: ProducerMetadata
  private readonly partitioner: Partitioner
  private readonly statsCollector: StatsCollector
  /** This producer's name, `<clientId>#producer-<n>` (logs and stats). */
  readonly name: string
  /** Partitioners named by `partitionFor(…, { partitioner })`, made on first use. */
  private readonly namedPartitioners = new Map<PartitionerName, Partitioner>()
  /** `requestDeliveryReport()`: the next report is emitted whatever the sampling. */
  private reportNext = false
  /** Records waiting for their topic's metadata, per topic. */
  private readonly topicWaits = new Map<string, TopicWait>()
  /** Records whose topic's metadata is here, waiting for buffer memory, in send order. */
  private readonly memoryWaits = new WaitingQueue<Waiting>()
  /** Records in `topicWaits` and `memoryWaits`. */
  private waitingCount = 0
  private waitSeq = 0
  /** The record being admitted; copied only when it has to wait. */
  private readonly incoming: Waiting = { topic: '', partition: -1, key: null, value: null, headers: null, timestamp: 0, size: 0, payload: 0, at: 0, target: NO_TARGET, index: 0, original: null, deadline: Infinity, seq: 0 }
  private readonly available = new WeakMap<TopicMetadata, number[]>()
  private lastMeta: TopicMetadata | null = null
  private lastAvailable: number[] = []
  private readonly scratch: ProduceRecord = { key: null, value: null, headers: null, timestamp: 0 }
  private readonly flushes: FlushWait[] = []
  private closing: Promise<void> | null = null
  private closed = false
  /** `close()` finished: nothing runs any more. */
  private stopped = false
  private fatalError: KafkaError | null = null
  private reportCount = 0
  private metadataCheckedAt = Date.now()
  private lastKeyString: string | null = null
  private lastKeyBytes: Buffer | null = null
  private readonly housekeeping: NodeJS.Timeout
  private readonly statsTimer: NodeJS.Timeout | null
  private readonly host: SenderHost
  /** Set for a producer with a `transactionalId`. */
  private readonly txn: TransactionManager | null

  /** Use `kafka.producer(options)`. @throws ConfigError on invalid options. */
  constructor(context: ClientContext, options: ProducerOptions = {}) {
    super()
    this.context = context
    this.name = context.name
    this.statsCollector = new StatsCollector(context.name, context.options.clientId)
    this.options = resolveProducerOptions(options, context.options)
    const o = this.options
    this.partitioner = createPartitioner(o.partitioner)
    this.accumulator = new Accumulator({
      lingerMs: o.lingerMs,
      batchSize: o.batchSize,
      maxBatchBytes: o.maxBatchBytes,
      maxBatchSize: o.maxBatchSize,
      maxRequestSize: o.maxRequestSize,
      deliveryTimeoutMs: o.deliveryTimeoutMs,
      compression: o.compression,
      compressionLevel: o.compressionLevel,
      maxInFlightPerPartition: o.maxInFlight,
      idempotent: o.idempotent,
      transactional: o.transactionalId !== null,
      bufferMemory: o.bufferMemory,
    })
    const self = this
    this.host = {
      settled: (batch) => this.onSettled(batch),
      get reporting(): boolean {
        return self.options.onDeliveryError !== null || self.listenerCount('delivery') > 0
      },
      report: (r) => this.report(r),
      fatal: (e) => this.onFatal(e),
      split: (batch, pieces) => this.onSplit(batch, pieces),
      failed: (e) => this.txn?.recordFailed(e),
    }
    this.metadata = new ProducerMetadata(context.cluster, { retryBackoffMs: o.retryBackoffMs, retryBackoffMaxMs: o.retryBackoffMaxMs }, o.allowAutoTopicCreation, context.log, (topics, error) => this.onMetadata(topics, error))
    this.sender = new Sender(context.cluster, this.accumulator, this.metadata, o, this.statsCollector, this.host, context.log)
    if (o.transactionalId !== null) {
      this.txn = new TransactionManager(context.cluster, this.sender.ids!, o.transactionalId, o.requestTimeoutMs, {
        flush: () => this.flush(),
        failUnsent: (e) => {
          this.failAllWaiting(e)
          this.sender.failUnsent(e)
          this.checkFlushes()
        },
        resetSequences: () => this.accumulator.resetSequences(),
        wake: () => this.sender.wake(),
        fatal: (e) => {
          this.onFatal(e)
          this.sender.fatal(e)
        },
      }, context.log)
      this.sender.txn = this.txn
    } else {
      this.txn = null
    }
    this.housekeeping = setInterval(() => this.expireWaiting(), Math.max(50, Math.min(1000, Math.floor(o.deliveryTimeoutMs / 10))))
    this.housekeeping.unref()
    if (o.statisticsIntervalMs > 0) {
      this.statsTimer = setInterval(() => this.emit('stats', this.stats()), o.statisticsIntervalMs)
      this.statsTimer.unref()
    } else {
      this.statsTimer = null
    }
    context.track(this)
  }

  /**
   * Sends one record. Resolves once the broker acknowledged it (with acks 0: once written),
   * with where it was written. With `onDeliveryError` set, a failure that nobody awaits is not an
   * unhandled rejection (fire and forget): the hook is its handler.
   * @throws (rejects) ConfigError for a malformed record (a missing `value` included: a tombstone
   *   needs an explicit `null`), RecordTooLargeError for a record over `maxRequestSize` or
   *   `bufferMemory`, ResponseError with the partition's error (topic and partition in the
   *   message) for a non-retriable broker error, DeliveryTimeoutError when not acknowledged within
   *   `deliveryTimeoutMs`, ClosedError after `close()` or `kafka.disconnectAll()`.
   */
  send(record: ProducerRecord): Promise<RecordMetadata> {
    const target = new SingleDelivery(this.options.onDeliveryError !== null)
    this.admit(record, target, 0, Date.now(), this.host.reporting)
    return target.promise
  }

  /**
   * Sends records in order; resolves with each record's metadata in input order once all are
   * acknowledged, or rejects with the first failure (the other records are still sent, and each
   * is still reported to `onDeliveryError` and `delivery` listeners). Records without a
   * `timestamp` get the time of the call. One promise for the whole call, none per record: the
   * records of a call share one delivery target, and a batch keeps one entry per run of them.
   * Errors as {@link Producer.send}.
   */
  sendBatch(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    if (!Array.isArray(records)) return Promise.reject(new ConfigError('sendBatch expects an array of records'))
    const target = new GroupDelivery(records.length, this.options.onDeliveryError !== null)
    const now = Date.now()
    const reporting = this.host.reporting
    for (let i = 0; i < records.length; i++) this.admit(records[i], target, i, now, reporting)
    return target.promise
  }

  /**
   * Sends every buffered record now (ignoring linger) and resolves once every record given to
   * `send` before this call is acknowledged or failed (Java's flush). Records sent while it runs
   * are not held back: they go out at once too, and the flush does not wait for them (unless they
   * share a batch with earlier records). Never rejects: failures reach the records' own promises.
   */
  flush(): Promise<void> {
    if (this.pendingCount() === 0) return Promise.resolve()
    const batches = new Set<ProducerBatch>()
    for (const q of this.accumulator.allQueues()) {
      for (const b of q.inFlight) batches.add(b)
      for (const b of q.splitting) batches.add(b)
      for (const b of q.batches) batches.add(b)
    }
    let done!: () => void
    const promise = new Promise<void>((resolve) => {
      done = resolve
    })
    this.flushes.push({ batches, mark: this.waitSeq, waiting: this.waitingCount, done })
    this.sender.force = true
    this.sender.wake()
    this.checkFlushes()
    return promise
  }

  /**
   * Registers the transactional id with its transaction coordinator (InitProducerId, KIP-98):
   * gets the producer id and epoch, fences every older producer with the same `transactionalId`
   * (their next send or commit fails with ProducerFencedError), and has the coordinator finish a
   * transaction such a producer left open. Call once, before the first `beginTransaction()`.
   * Retries CONCURRENT_TRANSACTIONS and coordinator errors (COORDINATOR_LOAD_IN_PROGRESS,
   * COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR) within the client's `defaultApiTimeoutMs`.
   * @throws (rejects) TransactionStateError without `transactionalId` or when called twice;
   *   ProducerFencedError, or a ResponseError TRANSACTIONAL_ID_AUTHORIZATION_FAILED (fatal: the
   *   producer is unusable); the last retriable error when out of time (the call may be repeated).
   */
  async initTransactions(): Promise<void> {
    await this.transactions('initTransactions').initTransactions()
  }

  /**
   * Opens a transaction: records sent from now on, and offsets given to
   * `sendOffsetsToTransaction`, are committed or aborted together. Synchronous; nothing is sent.
   * @throws TransactionStateError before `initTransactions()`, inside an open transaction, or
   *   without `transactionalId`; the fatal error of a fenced producer; TransactionAbortableError
   *   while a failed transaction waits for `abortTransaction()`.
   */
  beginTransaction(): void {
    this.transactions('beginTransaction').beginTransaction()
  }

  /**
   * Adds a consumer group's offsets to the open transaction (consume-transform-produce, KIP-98,
   * KIP-447): they become the group's committed offsets when the transaction commits, never when
   * it aborts. `offsets` are the next offsets to read (last processed + 1); `groupMetadata` is
   * `consumer.groupMetadata()`, so the group coordinator rejects offsets of a member that was
   * fenced by a rebalance. Transactions v1: AddOffsetsToTxn, then TxnOffsetCommit; v2 (KIP-890):
   * TxnOffsetCommit v5 only.
   * @throws (rejects) ConfigError for malformed arguments; TransactionStateError outside a
   *   transaction; TransactionAbortableError when it failed (e.g. the member was fenced:
   *   ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID; GROUP_AUTHORIZATION_FAILED): call abortTransaction();
   *   ProducerFencedError and other fatal errors.
   */
  async sendOffsetsToTransaction(offsets: readonly TransactionOffset[], groupMetadata: ConsumerGroupMetadata): Promise<void> {
    await this.transactions('sendOffsetsToTransaction').sendOffsetsToTransaction(offsets, groupMetadata)
  }

  /**
   * Commits the open transaction: sends every buffered record and waits for all of them (flush),
   * then EndTxn commit. Once it resolves, read_committed consumers see the transaction's records
   * and the group sees its offsets.
   * @throws (rejects) TransactionStateError outside a transaction or while another commit/abort
   *   runs; TransactionAbortableError when a record or offsets of the transaction failed (call
   *   abortTransaction()); ProducerFencedError and other fatal errors; the last retriable error
   *   (e.g. a RequestTimeoutError) when the coordinator did not answer in time: the outcome is
   *   unknown, call commitTransaction() again (or abortTransaction()).
   */
  async commitTransaction(): Promise<void> {
    await this.transactions('commitTransaction').commitTransaction()
  }

  /**
   * Aborts the open transaction: records not yet sent reject with TransactionAbortableError,
   * records in flight are waited for, then EndTxn abort; read_committed consumers never see the
   * transaction's records. The producer is ready for `beginTransaction()` afterwards. Also the
   * way out of a TransactionAbortableError.
   * @throws (rejects) TransactionStateError outside a transaction; ProducerFencedError and other
   *   fatal errors; the last retriable error when out of time (call it again).
   */
  async abortTransaction(): Promise<void> {
    await this.transactions('abortTransaction').abortTransaction()
  }

  /**
   * Runs `fn` in a transaction: `beginTransaction()`, `fn(tx)`, `commitTransaction()`. When `fn`
   * throws (or rejects), or the commit fails with a TransactionAbortableError, the transaction is
   * aborted and the error is rethrown. Resolves with what `fn` resolved with.
   * @throws what `fn` threw; the errors of beginTransaction and commitTransaction.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.beginTransaction()
    const tx: Transaction = {
      send: (record) => this.send(record),
      sendBatch: (records) => this.sendBatch(records),
      sendOffsetsToTransaction: (offsets, groupMetadata) => this.sendOffsetsToTransaction(offsets, groupMetadata),
    }
    let result: T
    try {
      result = await fn(tx)
    } catch (err) {
      await this.abortQuietly()
      throw err
    }
    try {
      await this.commitTransaction()
    } catch (err) {
      if (err instanceof TransactionAbortableError) await this.abortQuietly()
      throw err
    }
    return result
  }

  /** Aborts for `transaction()`, logging a failure (the caller's error is the one that matters). */
  private async abortQuietly(): Promise<void> {
    try {
      await this.abortTransaction()
    } catch (err) {
      if (!(err instanceof ProducerFencedError)) this.context.log.warn({ error: (err as Error).message }, 'producer: abortTransaction() after a failed transaction failed')
    }
  }

  /** The transaction manager; TransactionStateError for a producer without `transactionalId`. */
  private transactions(method: string): TransactionManager {
    if (this.txn === null) throw new TransactionStateError(`${method}() needs a transactional producer: create it with kafka.producer({ transactionalId })`, 'not-transactional')
    if (this.closed && method !== 'abortTransaction') throw new ClosedError('the producer is closed')
    return this.txn
  }

  /**
   * Flushes, then stops; later `send` calls reject with ClosedError. Does not close the shared
   * connections. A transactional producer first waits for a commit or abort that is running, then
   * aborts a transaction still open (as the Java client's close does: nothing is committed; its
   * unsent records reject with TransactionAbortableError, an abort that fails is logged).
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing
    this.closed = true
    this.closing = (async () => {
      if (this.txn !== null) await this.txn.closeTransaction()
      while (this.pendingCount() > 0) await this.flush()
      this.stopped = true
      this.sender.stop()
      this.metadata.stop()
      clearInterval(this.housekeeping)
      if (this.statsTimer !== null) clearInterval(this.statsTimer)
      this.context.untrack(this)
    })()
    return this.closing
  }

  /**
   * The partition the configured partitioner (or `options.partitioner`) picks for `key` on
   * `topic` (fetching, and with allowAutoTopicCreation creating, the topic's metadata). For the
   * default partitioner and a null key this is the current sticky partition. With
   * `wait: false`: -1 while the topic has no partitions known.
   * @throws ClosedError after `close()` or `kafka.disconnectAll()`; ConfigError for a bad topic,
   *   key or partitioner name, or from a user partitioner; a non-retriable metadata error (e.g. a ResponseError
   *   TOPIC_AUTHORIZATION_FAILED) at once; the last retriable one (e.g. UNKNOWN_TOPIC_OR_PARTITION)
   *   when no usable metadata came within `deliveryTimeoutMs`.
   */
  async partitionFor(topic: string, key: Buffer | string | null, options: PartitionForOptions = {}): Promise<number> {
    if (typeof topic !== 'string' || topic.length === 0) throw new ConfigError('topic must be a non-empty string')
    const keyBytes = toBytes(key, 'key')
    const partitioner = options.partitioner === undefined ? this.partitioner : this.namedPartitioner(options.partitioner)
    if (options.wait === false) {
      if (this.closed || this.context.cluster.isClosed) throw new ClosedError(this.closed ? 'the producer is closed' : 'the client is closed (kafka.disconnectAll())')
      const meta = this.context.cluster.topic(topic)
      if (meta !== undefined && meta.errorCode === ErrorCode.NONE && meta.partitions.length > 0) {
        return partitioner.partition(topic, keyBytes, null, meta.partitions.length, this.availablePartitions(meta))
      }
      this.metadata.request(topic)
      return -1
    }
    const deadline = Date.now() + this.options.deliveryTimeoutMs
    let lastError: KafkaError | null = null
    for (;;) {
      if (this.closed || this.context.cluster.isClosed) throw new ClosedError(this.closed ? 'the producer is closed' : 'the client is closed (kafka.disconnectAll())')
      const meta = this.context.cluster.topic(topic)
      if (meta !== undefined && meta.errorCode === ErrorCode.NONE && meta.partitions.length > 0) {
        return partitioner.partition(topic, keyBytes, null, meta.partitions.length, this.availablePartitions(meta))
      }
      if (meta !== undefined && meta.errorCode !== ErrorCode.NONE) {
        const err = responseError(meta.errorCode, null, `topic ${topic}`)
        if (!err.retriable) throw err
        lastError = err
      }
      const left = deadline - Date.now()
      if (left <= 0) throw lastError ?? responseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, `topic ${topic}`)
      this.metadata.request(topic)
      const err = await this.metadata.nextRound(left)
      if (err !== null && !err.retriable) throw err
      if (err !== null) lastError = err
    }
  }

  private namedPartitioner(name: PartitionerName): Partitioner {
    if (name === this.options.partitioner) return this.partitioner
    let p = this.namedPartitioners.get(name)
    if (p === undefined) {
      if (typeof name !== 'string') throw new ConfigError('partitionFor: options.partitioner must be a partitioner name')
      p = createPartitioner(name)
      this.namedPartitioners.set(name, p)
    }
    return p
  }

  /**
   * Records given to `send` and not yet acknowledged or failed: waiting for metadata or memory,
   * buffered, or in flight (KafkaTcl's `output_queue_length`, librdkafka's `rd_kafka_outq_len`).
   */
  queueLength(): number {
    return this.pendingCount()
  }

  /**
   * The next delivery report is emitted as a `delivery` event whatever `deliveryReportSampling`
   * says (KafkaTcl's `delivery_report sample`), e.g. to read an offset now and then with
   * sampling 0 (no other reports). Needs a `delivery` listener when that delivery settles.
   */
  requestDeliveryReport(): void {
    this.reportNext = true
  }

  /** A snapshot of the producer's counters (docs/producer.md, "Statistics"). */
  stats(): ProducerStats {
    return this.statsCollector.snapshot(this.pendingCount(), this.accumulator.bufferedBytes)
  }

  /** Publishes `start` and `end` of `kafkats:producer:send` for one record (only while subscribed). */
  private publishSend(topic: string, partition: number, key: Buffer | null, value: Buffer | null, headers: RecordHeader[] | null, timestamp: number): ProducerSendContext {
    const context: ProducerSendContext = {
      clientId: this.context.options.clientId,
      producer: this.name,
      topic,
      partition,
      key,
      value,
      headers: headers ?? [],
      timestamp,
      transactionalId: this.options.transactionalId,
      offset: -1n,
    }
    producerSendChannel.start.publish(context)
    producerSendChannel.end.publish(context)
    return context
  }

  /** Records given to `send` and not yet settled: waiting, buffered or in flight. */
  private pendingCount(): number {
    return this.accumulator.bufferedRecords + this.waitingCount
  }

  /** Checks a record and converts it to bytes, then lets it in through {@link Producer.pass}. */
  /**
   * @param now the time of the `send`/`sendBatch` call, ms: the default timestamp
   * @param reporting whether to keep the record for reports (`host.reporting`, read once per call)
   */
  private admit(record: ProducerRecord, target: DeliveryTarget, index: number, now: number, reporting: boolean): void {
    if (this.closed || this.context.cluster.isClosed) {
      this.rejectEarly(record, target, index, new ClosedError(this.closed ? 'the producer is closed' : 'the client is closed (kafka.disconnectAll())'))
      return
    }
    if (this.fatalError !== null) {
      this.rejectEarly(record, target, index, this.fatalError)
      return
    }
    if (this.txn !== null) {
      const err = this.txn.sendError()
      if (err !== null) {
        this.rejectEarly(record, target, index, err)
        return
      }
    }
    let key: Buffer | null
    let value: Buffer | null
    let headers: RecordHeader[] | null
    let partition = -1
    let timestamp: number
    try {
      if (record === null || typeof record !== 'object') throw new ConfigError('a record must be an object')
      if (typeof record.topic !== 'string' || record.topic.length === 0) throw new ConfigError('record topic must be a non-empty string')
      if (record.partition !== undefined && record.partition !== null) {
        if (!Number.isInteger(record.partition) || record.partition < 0) throw new ConfigError(`record partition must be a non-negative integer, got ${String(record.partition)}`)
        partition = record.partition
      }
      if (record.timestamp !== undefined && record.timestamp !== null) {
        if (!Number.isSafeInteger(record.timestamp)) throw new ConfigError(`record timestamp must be an integer number of ms, got ${String(record.timestamp)}`)
        timestamp = record.timestamp
      } else {
        timestamp = now
      }
      const k = record.key
      if (typeof k === 'string' && k === this.lastKeyString) key = this.lastKeyBytes
      else {
        key = toBytes(k, 'key')
        // Many records share a key: keep the last string's bytes (never handed out, never mutated).
        if (typeof k === 'string') {
          this.lastKeyString = k
          this.lastKeyBytes = key
        }
      }
      // Only an explicit null is a tombstone: a forgotten value must not delete a key on a compacted topic.
      if (record.value === undefined) throw new ConfigError(`record value is missing (topic ${record.topic}): give a Buffer or a string, or null for a tombstone`)
      value = toBytes(record.value, 'value')
      headers = toRecordHeaders(record.headers)
    } catch (err) {
      this.rejectEarly(record, target, index, err instanceof KafkaError ? err : new ConfigError(String(err)))
      return
    }
    if (producerSendChannel.hasSubscribers) {
      // Traced (kafkats:producer:send): subscribers see the record and may add headers (traceparent).
      const traced = this.publishSend(record.topic, partition, key, value, headers, timestamp)
      headers = traced.headers.length === 0 ? null : traced.headers
      target = new ObservedDelivery(target, traced)
    }
    const size = estimateRecordSize(key, value, headers)
    const o = this.options
    if (size + RECORD_BATCH_OVERHEAD > o.maxRequestSize || size > o.bufferMemory) {
      const limit = size + RECORD_BATCH_OVERHEAD > o.maxRequestSize ? `maxRequestSize (${o.maxRequestSize} bytes)` : `bufferMemory (${o.bufferMemory} bytes)`
      this.rejectEarly(record, target, index, new RecordTooLargeError(`record of about ${size} bytes for topic ${record.topic} is larger than ${limit}`, record.topic, size))
      return
    }
    const w = this.incoming
    w.topic = record.topic
    w.partition = partition
    w.key = key
    w.value = value
    w.headers = headers
    w.timestamp = timestamp
    w.size = size
    w.payload = recordPayloadSize(key, value, headers)
    w.at = now
    w.target = target
    w.index = index
    w.original = reporting ? record : null
    this.pass(w)
  }

  /**
   * The one admission path, for a new record and for a record done waiting alike: it waits for
   * its topic's metadata (behind the records of its topic already waiting), then for buffer
   * memory (behind every record already waiting for memory), then is appended. A record never
   * overtakes an earlier one of its topic, so each partition keeps its send order.
   */
  private pass(w: Waiting): void {
    if (this.topicWaits.size > 0) {
      const tw = this.topicWaits.get(w.topic)
      if (tw !== undefined) {
        tw.records.push(this.keep(w))
        return
      }
    }
    const meta = this.context.cluster.topic(w.topic)
    if (meta === undefined || !usable(meta, w.partition)) {
      this.waitForTopic(w.topic, [this.keep(w)])
      return
    }
    if (this.memoryWaits.length > 0 || this.accumulator.bufferedBytes + w.size > this.options.bufferMemory) {
      this.memoryWaits.push(this.keep(w))
      return
    }
    this.append(w, meta)
  }

  /** The record to park: `w` itself, or a copy of the reused `incoming` one, given its deadline. */
  private keep(w: Waiting): Waiting {
    if (w !== this.incoming) return w
    this.waitingCount++
    return {
      topic: w.topic,
      partition: w.partition,
      key: w.key,
      value: w.value,
      headers: w.headers,
      timestamp: w.timestamp,
      size: w.size,
      payload: w.payload,
      at: w.at,
      target: w.target,
      index: w.index,
      original: w.original,
      // Counted from the send call, so the records of one sendBatch call expire together.
      deadline: w.at + this.options.deliveryTimeoutMs,
      seq: ++this.waitSeq,
    }
  }

  /** Parks records (in send order, ahead of any of their topic already waiting) until their topic's metadata comes. */
  private waitForTopic(topic: string, records: Waiting[]): void {
    const tw = this.topicWaits.get(topic)
    if (tw !== undefined) {
      tw.records.unshift(...records)
      return
    }
    this.topicWaits.set(topic, { records, lastError: null })
    this.metadata.request(topic)
  }

  /** A parked record left waiting: into `batch`, or failed (null). */
  private leave(w: Waiting, batch: ProducerBatch | null): void {
    this.waitingCount--
    for (const f of this.flushes) {
      if (w.seq > f.mark) continue
      f.waiting--
      if (batch !== null) f.batches.add(batch)
    }
  }

  private availablePartitions(meta: TopicMetadata): number[] {
    // The records of a call mostly share a topic: the last answer first, before the WeakMap.
    if (meta === this.lastMeta) return this.lastAvailable
    let list = this.available.get(meta)
    if (list === undefined) {
      list = []
      for (const p of meta.partitions) if (p !== undefined && p.leader >= 0) list.push(p.partition)
      this.available.set(meta, list)
    }
    this.lastMeta = meta
    this.lastAvailable = list
    return list
  }

  /** The hot path's end: partition the record (unless it names one) and append it to its batch. */
  private append(w: Waiting, meta: TopicMetadata): void {
    const topic = w.topic
    const key = w.key
    const value = w.value
    const target = w.target
    const index = w.index
    const acc = this.accumulator
    const s = this.scratch
    s.key = key
    s.value = value
    s.headers = w.headers
    s.timestamp = w.timestamp
    let partition = w.partition
    if (partition < 0) {
      try {
        const count = meta.partitions.length
        const available = this.availablePartitions(meta)
        partition = this.partitioner.partition(topic, key, value, count, available)
        // KIP-480: an unkeyed record that would open a new batch moves the sticky partition on.
        if (key === null && this.partitioner.onNewBatch !== undefined && acc.wouldStartBatch(topic, partition, s, w.payload)) {
          this.partitioner.onNewBatch(topic, partition, count, available)
          partition = this.partitioner.partition(topic, key, value, count, available)
        }
      } catch (err) {
        if (w !== this.incoming) this.leave(w, null)
        this.failWaiting(w, err instanceof KafkaError ? err : new ConfigError(`partitioner failed: ${String(err)}`, err))
        return
      }
    }
    let ready: boolean
    try {
      ready = acc.append(topic, partition, s, w.size, target, index, w.original, w === this.incoming ? w.at : Date.now(), w.deadline, w.payload)
    } catch (err) {
      if (w !== this.incoming) this.leave(w, null)
      this.failWaiting(w, err instanceof KafkaError ? err : new ConfigError(String(err)))
      return
    }
    const batch = acc.lastAppended!
    if (w !== this.incoming) this.leave(w, batch)
    if (ready || batch.count === 1) this.sender.wake()
  }

  /** A metadata round ended: lets in the records of its topics that can go in now. */
  private onMetadata(topics: readonly string[], error: KafkaError | null): void {
    this.sender.metadataUpdated(topics, error)
    for (const topic of topics) {
      const tw = this.topicWaits.get(topic)
      if (tw === undefined) continue
      const meta = this.context.cluster.topic(topic)
      let err = error
      if (err === null && meta !== undefined && meta.errorCode !== ErrorCode.NONE) err = responseError(meta.errorCode, null, `topic ${topic}`)
      if (err !== null && !err.retriable) {
        this.topicWaits.delete(topic)
        for (const w of tw.records) {
          this.leave(w, null)
          this.failWaiting(w, err)
        }
        continue
      }
      if (err === null && (meta === undefined || meta.partitions.length === 0)) err = responseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, `topic ${topic}`)
      if (err !== null) {
        tw.lastError = err
        this.metadata.request(topic)
        continue
      }
      // In order, through the same path: a record for a partition the topic does not have (yet)
      // parks again, with the rest of its topic behind it.
      this.topicWaits.delete(topic)
      for (const w of tw.records) this.pass(w)
      const again = this.topicWaits.get(topic)
      if (again !== undefined) {
        const p = again.records[0].partition
        again.lastError = responseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `the topic has ${meta!.partitions.length} partition(s), a record asks for partition ${p}`, `topic ${topic}`)
      }
    }
    this.checkFlushes()
  }

  /** Rejects a record `send` refused before buffering it; hooks and reports see it too. */
  private rejectEarly(record: ProducerRecord, target: DeliveryTarget, index: number, err: KafkaError): void {
    const valid = record !== null && typeof record === 'object'
    this.failWaiting({ topic: valid ? String(record.topic) : '', partition: valid && typeof record.partition === 'number' ? record.partition : -1, key: null, value: null, headers: null, timestamp: -1, size: 0, payload: 0, at: 0, target, index, original: valid && this.host.reporting ? record : null, deadline: 0, seq: 0 }, err)
  }

  /** Fails a record that never reached a batch: its promise, `onDeliveryError`, the `delivery` event. */
  private failWaiting(w: Waiting, err: KafkaError): void {
    const { topic, partition, original } = w
    this.statsCollector.errors++
    w.target.failed(w.index, err)
    if (this.txn !== null) this.txn.recordFailed(err)
    if (original !== null) {
      const hook = this.options.onDeliveryError
      if (hook !== null) {
        try {
          hook(original, err)
        } catch (hookErr) {
          this.context.log.warn({ error: (hookErr as Error).message }, 'producer: onDeliveryError threw')
        }
      }
      this.report({ topic, partition, offset: -1n, timestamp: -1, record: original, error: err })
    }
  }

  /** Periodic: fails records that waited past their delivery timeout, and batches queued too long. */
  private expireWaiting(): void {
    const now = Date.now()
    const d = this.options.deliveryTimeoutMs
    for (const [topic, tw] of [...this.topicWaits]) {
      const expired = tw.records.filter((w) => w.deadline <= now)
      if (expired.length === 0) continue
      tw.records = tw.records.filter((w) => w.deadline > now)
      if (tw.records.length === 0) this.topicWaits.delete(topic)
      const cause = tw.lastError
      for (const w of expired) {
        this.leave(w, null)
        const where = w.partition >= 0 ? `topic ${topic} partition ${w.partition}` : `topic ${topic}`
        this.failWaiting(w, new DeliveryTimeoutError(`record for ${where} expired after ${d} ms (deliveryTimeoutMs) waiting for the topic's metadata${cause !== null ? `: ${cause.message}` : ''}`, topic, w.partition, cause ?? undefined))
      }
    }
    if (this.memoryWaits.length > 0 && this.memoryWaits.peek()!.deadline <= now) {
      const expired: Waiting[] = []
      this.memoryWaits.filter((w) => {
        if (w.deadline > now) return true
        expired.push(w)
        return false
      })
      for (const w of expired) {
        this.leave(w, null)
        this.failWaiting(w, new DeliveryTimeoutError(`record for topic ${w.topic} expired after ${d} ms (deliveryTimeoutMs) waiting for buffer memory (bufferMemory ${this.options.bufferMemory} bytes)`, w.topic, w.partition))
      }
      this.pumpMemory()
    }
    this.sender.expire(now)
    this.checkFlushes()
    // Metadata older than metadataMaxAgeMs is refreshed (new partitions, moved leaders) while idle too.
    if (now - this.metadataCheckedAt >= 5_000) {
      this.metadataCheckedAt = now
      this.metadata.refreshIfOld(this.accumulator.topics())
    }
  }

  /** Appends the records waiting for memory, in order, while memory allows. */
  private pumpMemory(): void {
    const q = this.memoryWaits
    while (q.length > 0) {
      const w = q.peek()!
      const meta = this.context.cluster.topic(w.topic)
      if (meta === undefined || !usable(meta, w.partition)) {
        // Its topic's metadata went (the topic was deleted?): the topic's records wait for it again, in order.
        const topic = w.topic
        const moved: Waiting[] = []
        q.filter((x) => {
          if (x.topic !== topic) return true
          moved.push(x)
          return false
        })
        this.waitForTopic(topic, moved)
        continue
      }
      if (this.accumulator.bufferedBytes + w.size > this.options.bufferMemory) break
      q.shift()
      this.append(w, meta)
    }
  }

  /** A batch was acknowledged or failed: its memory is free, and a flush may be done. */
  private onSettled(batch: ProducerBatch): void {
    if (this.flushes.length > 0) for (const f of this.flushes) f.batches.delete(batch)
    if (this.memoryWaits.length > 0) this.pumpMemory()
    if (this.flushes.length > 0) this.checkFlushes()
  }

  /** A batch was split: a flush waiting for it waits for its pieces. */
  private onSplit(batch: ProducerBatch, pieces: readonly ProducerBatch[]): void {
    for (const f of this.flushes) {
      if (!f.batches.delete(batch)) continue
      for (const p of pieces) f.batches.add(p)
    }
  }

  /** Resolves every flush whose records all settled; the sender goes back to linger when none is left. */
  private checkFlushes(): void {
    if (this.flushes.length === 0) return
    for (let i = 0; i < this.flushes.length; ) {
      const f = this.flushes[i]
      if (f.waiting > 0 || f.batches.size > 0) {
        i++
        continue
      }
      this.flushes.splice(i, 1)
      f.done()
    }
    if (this.flushes.length === 0) this.sender.force = false
  }

  private onFatal(err: KafkaError): void {
    this.fatalError = err
    this.context.reportError(err, { client: this.name })
    this.failAllWaiting(err)
  }

  /** Rejects every record waiting for metadata or memory with `err`. */
  private failAllWaiting(err: KafkaError): void {
    const waiting: Waiting[] = []
    for (const tw of this.topicWaits.values()) waiting.push(...tw.records)
    this.topicWaits.clear()
    waiting.push(...this.memoryWaits.drain())
    for (const w of waiting) {
      this.leave(w, null)
      this.failWaiting(w, err)
    }
    this.checkFlushes()
  }

  private report(r: DeliveryReport): void {
    if (this.listenerCount('delivery') === 0) return
    if (this.reportNext) {
      this.reportNext = false
      this.emit('delivery', r)
      return
    }
    const every = this.options.deliveryReportSampling
    if (every === 0 || ++this.reportCount % every !== 0) return
    this.emit('delivery', r)
  }
}

/** Whether `meta` lets a record for `partition` (-1: any) in now. */
function usable(meta: TopicMetadata, partition: number): boolean {
  return meta.errorCode === ErrorCode.NONE && meta.partitions.length > 0 && partition < meta.partitions.length
}
