/**
 * The batching producer (docs/producer.md): `send` appends each record straight into its
 * partition's record batch; the {@link Sender} ships batches per leader when linger passes,
 * a batch fills, the buffered totals pass their limits, or on `flush`. Idempotent by default
 * (KIP-98). Memory is bounded by `bufferMemory` (`send` waits), time by `deliveryTimeoutMs`.
 */
import { EventEmitter } from 'node:events'
import type { ClientContext } from '../client-context.js'
import { ClosedError, ConfigError, KafkaError } from '../errors.js'
import { responseError } from '../protocol/error-codes.js'
import { RECORD_BATCH_OVERHEAD } from '../protocol/records/batch-layout.js'
import type { ProduceRecord, RecordHeader } from '../protocol/records/record.js'
import type { TopicMetadata } from '../pool/cluster.js'
import { sleep } from '../pool/retry.js'
import { Accumulator } from './accumulator.js'
import { type DeliveryTarget, GroupDelivery, SingleDelivery } from './delivery-target.js'
import { createPartitioner, type Partitioner } from './partitioners/index.js'
import { DeliveryTimeoutError, RecordTooLargeError } from './producer-errors.js'
import { type ProducerOptions, type ResolvedProducerOptions, resolveProducerOptions } from './producer-options.js'
import { type DeliveryReport, estimateRecordSize, type ProducerRecord, type RecordMetadata, toBytes, toRecordHeaders } from './producer-record.js'
import { type ProducerStats, StatsCollector } from './producer-stats.js'
import { Sender, type SenderHost } from './sender.js'
import { WaitingQueue } from './waiting-queue.js'

export type { Acks, ProducerOptions } from './producer-options.js'
export type { DeliveryReport, ProducerHeaders, ProducerRecord, RecordMetadata } from './producer-record.js'
export type { BrokerProduceStats, ProducerStats } from './producer-stats.js'
export { DeliveryTimeoutError, RecordTooLargeError } from './producer-errors.js'

/** A record between `send` and its batch: waiting for topic metadata, buffer memory, or a flush to end. */
interface Waiting {
  topic: string
  partition: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[] | null
  timestamp: number
  size: number
  target: DeliveryTarget
  index: number
  original: ProducerRecord | null
  deadline: number
}

const enum Admit {
  Appended,
  NeedsTopic,
  NeedsMemory,
}

export interface ProducerEvents {
  /** One record's outcome (every `deliveryReportSampling`-th report). */
  delivery: [report: DeliveryReport]
  /** Counters, every `statisticsIntervalMs`. */
  stats: [stats: ProducerStats]
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
  private readonly partitioner: Partitioner
  private readonly statsCollector = new StatsCollector()
  /** Records waiting for their topic's metadata, per topic, in send order. */
  private readonly topicWaiters = new Map<string, Waiting[]>()
  /** Records waiting for buffer memory, in send order. */
  private readonly memoryWaiters = new WaitingQueue<Waiting>()
  /** Records sent while a flush runs: they go in once it ends. */
  private held: Waiting[] = []
  private readonly available = new WeakMap<TopicMetadata, number[]>()
  private readonly scratch: ProduceRecord = { key: null, value: null, headers: null, timestamp: 0 }
  private flushing: Promise<void> | null = null
  private flushDone: (() => void) | null = null
  private closing: Promise<void> | null = null
  private closed = false
  private fatalError: KafkaError | null = null
  private reportCount = 0
  private metadataCheckedAt = Date.now()
  private lastKeyString: string | null = null
  private lastKeyBytes: Buffer | null = null
  private readonly housekeeping: NodeJS.Timeout
  private readonly statsTimer: NodeJS.Timeout | null
  private readonly host: SenderHost

  /** Use `kafka.producer(options)`. @throws ConfigError on invalid options. */
  constructor(context: ClientContext, options: ProducerOptions = {}) {
    super()
    this.context = context
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
    })
    const self = this
    this.host = {
      settled: () => this.onSettled(),
      get reporting(): boolean {
        return self.options.onDeliveryError !== null || self.listenerCount('delivery') > 0
      },
      report: (r) => this.report(r),
      fatal: (e) => this.onFatal(e),
    }
    this.sender = new Sender(context.cluster, this.accumulator, o, this.statsCollector, this.host, context.log)
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
   * with where it was written.
   * @throws (rejects) ConfigError for a malformed record, RecordTooLargeError for a record over
   *   `maxRequestSize` or `bufferMemory`, ResponseError with the partition's error (topic and
   *   partition in the message) for a non-retriable broker error, DeliveryTimeoutError when not
   *   acknowledged within `deliveryTimeoutMs`, ClosedError after `close()`.
   */
  send(record: ProducerRecord): Promise<RecordMetadata> {
    const target = new SingleDelivery()
    this.admit(record, target, 0)
    return target.promise
  }

  /**
   * Sends records in order; resolves with each record's metadata in input order once all are
   * acknowledged, or rejects with the first failure (the other records are still sent).
   * Errors as {@link Producer.send}.
   */
  sendBatch(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    if (!Array.isArray(records)) return Promise.reject(new ConfigError('sendBatch expects an array of records'))
    const target = new GroupDelivery(records.length)
    for (let i = 0; i < records.length; i++) this.admit(records[i], target, i)
    return target.promise
  }

  /**
   * Sends every buffered record now (ignoring linger) and resolves once all records given to
   * `send` before this call are acknowledged or failed. `send` calls made meanwhile wait for it.
   * Never rejects: failures reach the records' own promises.
   */
  flush(): Promise<void> {
    if (this.flushing !== null) return this.flushing
    if (this.pendingCount() === 0) return Promise.resolve()
    this.flushing = new Promise<void>((resolve) => {
      this.flushDone = resolve
    })
    this.sender.force = true
    this.sender.wake()
    return this.flushing
  }

  /** Flushes, then stops; later `send` calls reject with ClosedError. Does not close the shared connections. */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing
    this.closed = true
    this.closing = (async () => {
      while (this.pendingCount() > 0 || this.held.length > 0) await this.flush()
      this.sender.stop()
      clearInterval(this.housekeeping)
      if (this.statsTimer !== null) clearInterval(this.statsTimer)
      this.context.untrack(this)
    })()
    return this.closing
  }

  /**
   * The partition the configured partitioner picks for `key` on `topic` (fetching, and with
   * allowAutoTopicCreation creating, the topic's metadata). For the default partitioner and a
   * null key this is the current sticky partition.
   * @throws ResponseError when the topic's metadata has an error; ConfigError from a user partitioner.
   */
  async partitionFor(topic: string, key: Buffer | string | null): Promise<number> {
    const meta = await this.topicMetadata(topic, Date.now() + this.options.deliveryTimeoutMs)
    return this.partitioner.partition(topic, toBytes(key, 'key'), null, meta.partitions.length, this.availablePartitions(meta))
  }

  /** A snapshot of the producer's counters (docs/producer.md, "Statistics"). */
  stats(): ProducerStats {
    return this.statsCollector.snapshot(this.pendingCount() + this.held.length, this.accumulator.bufferedBytes)
  }

  /** Records admitted and not yet settled (not counting those held by a flush). */
  private pendingCount(): number {
    let n = this.accumulator.bufferedRecords + this.memoryWaiters.length
    for (const list of this.topicWaiters.values()) n += list.length
    return n
  }

  private admit(record: ProducerRecord, target: DeliveryTarget, index: number): void {
    if (this.closed) {
      this.rejectEarly(record, target, index, new ClosedError('the producer is closed'))
      return
    }
    if (this.fatalError !== null) {
      this.rejectEarly(record, target, index, this.fatalError)
      return
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
        timestamp = Date.now()
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
      value = toBytes(record.value, 'value')
      headers = toRecordHeaders(record.headers)
    } catch (err) {
      this.rejectEarly(record, target, index, err instanceof KafkaError ? err : new ConfigError(String(err)))
      return
    }
    const size = estimateRecordSize(key, value, headers)
    const o = this.options
    if (size + RECORD_BATCH_OVERHEAD > o.maxRequestSize || size > o.bufferMemory) {
      const limit = size + RECORD_BATCH_OVERHEAD > o.maxRequestSize ? `maxRequestSize (${o.maxRequestSize} bytes)` : `bufferMemory (${o.bufferMemory} bytes)`
      this.rejectEarly(record, target, index, new RecordTooLargeError(`record of about ${size} bytes for topic ${record.topic} is larger than ${limit}`, record.topic, size))
      return
    }
    const original = this.host.reporting ? record : null
    if (this.flushing !== null || this.memoryWaiters.length > 0 || this.topicWaiters.has(record.topic)) {
      this.wait({ topic: record.topic, partition, key, value, headers, timestamp, size, target, index, original, deadline: Date.now() + o.deliveryTimeoutMs })
      return
    }
    const r = this.tryAppend(record.topic, partition, key, value, headers, timestamp, size, target, index, original)
    if (r !== Admit.Appended) {
      this.wait({ topic: record.topic, partition, key, value, headers, timestamp, size, target, index, original, deadline: Date.now() + o.deliveryTimeoutMs }, r)
    }
  }

  /** Parks a record: behind a flush, behind its topic's metadata, or behind buffer memory. */
  private wait(w: Waiting, reason?: Admit): void {
    if (this.flushing !== null && reason === undefined) {
      this.held.push(w)
      return
    }
    const waiters = this.topicWaiters.get(w.topic)
    if (waiters !== undefined) {
      waiters.push(w)
    } else if (reason === Admit.NeedsTopic) {
      this.topicWaiters.set(w.topic, [w])
      void this.awaitTopic(w.topic)
    } else if (reason === undefined && this.memoryWaiters.length === 0) {
      // Nothing ahead of it any more: try now.
      const r = this.tryAppend(w.topic, w.partition, w.key, w.value, w.headers, w.timestamp, w.size, w.target, w.index, w.original)
      if (r !== Admit.Appended) this.wait(w, r)
    } else {
      this.memoryWaiters.push(w)
    }
  }

  private availablePartitions(meta: TopicMetadata): number[] {
    let list = this.available.get(meta)
    if (list === undefined) {
      list = []
      for (const p of meta.partitions) if (p !== undefined && p.leader >= 0) list.push(p.partition)
      this.available.set(meta, list)
    }
    return list
  }

  /** The hot path: partition the record and append it to its batch, if metadata and memory allow. */
  private tryAppend(topic: string, partition: number, key: Buffer | null, value: Buffer | null, headers: RecordHeader[] | null, timestamp: number, size: number, target: DeliveryTarget, index: number, original: ProducerRecord | null): Admit {
    const meta = this.context.cluster.topic(topic)
    if (meta === undefined || meta.errorCode !== 0 || meta.partitions.length === 0) return Admit.NeedsTopic
    const count = meta.partitions.length
    if (partition >= count) return Admit.NeedsTopic
    const acc = this.accumulator
    if (acc.bufferedBytes + size > this.options.bufferMemory) return Admit.NeedsMemory
    const s = this.scratch
    s.key = key
    s.value = value
    s.headers = headers
    s.timestamp = timestamp
    if (partition < 0) {
      try {
        const available = this.availablePartitions(meta)
        partition = this.partitioner.partition(topic, key, value, count, available)
        // KIP-480: an unkeyed record that would open a new batch moves the sticky partition on.
        if (key === null && this.partitioner.onNewBatch !== undefined && acc.wouldStartBatch(topic, partition, s)) {
          this.partitioner.onNewBatch(topic, partition, count, available)
          partition = this.partitioner.partition(topic, key, value, count, available)
        }
      } catch (err) {
        target.failed(index, err instanceof KafkaError ? err : new ConfigError(`partitioner failed: ${String(err)}`, err))
        return Admit.Appended
      }
    }
    const started = acc.wouldStartBatch(topic, partition)
    let ready: boolean
    try {
      ready = acc.append(topic, partition, s, size, target, index, original, Date.now())
    } catch (err) {
      target.failed(index, err instanceof KafkaError ? err : new ConfigError(String(err)))
      return Admit.Appended
    }
    if (ready || started) this.sender.wake()
    return Admit.Appended
  }

  /** Fetches a topic's metadata (creating it when allowed) until its waiting records can go in or expire. */
  private async awaitTopic(topic: string): Promise<void> {
    let attempt = 0
    let lastError: unknown = null
    while (this.topicWaiters.has(topic)) {
      let meta: TopicMetadata | undefined
      try {
        meta = (await this.context.cluster.metadata([topic], { force: true, allowAutoTopicCreation: this.options.allowAutoTopicCreation })).get(topic)
      } catch (err) {
        lastError = err
        if (err instanceof KafkaError && !err.retriable) {
          this.failTopicWaiters(topic, err)
          return
        }
      }
      if (meta !== undefined && meta.errorCode !== 0) {
        const err = responseError(meta.errorCode, null, `topic ${topic}`)
        lastError = err
        if (!err.retriable) {
          this.failTopicWaiters(topic, err)
          return
        }
      }
      if (meta !== undefined && meta.errorCode === 0 && meta.partitions.length > 0) {
        const list = this.topicWaiters.get(topic) ?? []
        this.topicWaiters.delete(topic)
        for (const w of list) {
          if (this.memoryWaiters.length > 0) {
            this.memoryWaiters.push(w)
            continue
          }
          const r = this.tryAppend(w.topic, w.partition, w.key, w.value, w.headers, w.timestamp, w.size, w.target, w.index, w.original)
          if (r === Admit.NeedsMemory) this.memoryWaiters.push(w)
          else if (r === Admit.NeedsTopic) {
            // An explicit partition the metadata does not have (yet).
            lastError = new KafkaError(`topic ${topic} has ${meta.partitions.length} partition(s), record asks for partition ${w.partition}`, { code: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true })
            const again = this.topicWaiters.get(topic)
            if (again === undefined) this.topicWaiters.set(topic, [w])
            else again.push(w)
          }
        }
        this.checkFlush()
        if (!this.topicWaiters.has(topic)) return
      }
      this.expireTopicWaiters(topic, Date.now(), lastError)
      if (!this.topicWaiters.has(topic)) {
        this.checkFlush()
        return
      }
      await sleep(this.sender.backoff(++attempt))
    }
  }

  /** Metadata of a topic, retried (for partitionFor) until `deadline`. */
  private async topicMetadata(topic: string, deadline: number): Promise<TopicMetadata> {
    for (let attempt = 1; ; attempt++) {
      const meta = (await this.context.cluster.metadata([topic], { allowAutoTopicCreation: this.options.allowAutoTopicCreation, force: attempt > 1 })).get(topic)
      if (meta !== undefined && meta.errorCode === 0 && meta.partitions.length > 0) return meta
      const err = meta !== undefined && meta.errorCode !== 0 ? responseError(meta.errorCode, null, `topic ${topic}`) : responseError(3, null, `topic ${topic}`)
      if (!err.retriable || Date.now() >= deadline) throw err
      await sleep(this.sender.backoff(attempt))
    }
  }

  private failTopicWaiters(topic: string, err: KafkaError): void {
    const list = this.topicWaiters.get(topic) ?? []
    this.topicWaiters.delete(topic)
    for (const w of list) this.failWaiting(w, err)
    this.checkFlush()
  }

  private expireTopicWaiters(topic: string, now: number, cause: unknown): void {
    const list = this.topicWaiters.get(topic)
    if (list === undefined) return
    const keep = list.filter((w) => {
      if (w.deadline > now) return true
      this.failWaiting(w, new DeliveryTimeoutError(`record for topic ${topic} expired after ${this.options.deliveryTimeoutMs} ms waiting for the topic's metadata${cause instanceof Error ? `: ${cause.message}` : ''}`, topic, w.partition, cause ?? undefined))
      return false
    })
    if (keep.length === 0) this.topicWaiters.delete(topic)
    else this.topicWaiters.set(topic, keep)
  }

  /** Rejects a record `send` refused before buffering it; hooks and reports see it too. */
  private rejectEarly(record: ProducerRecord, target: DeliveryTarget, index: number, err: KafkaError): void {
    const valid = record !== null && typeof record === 'object'
    this.failWaiting({ topic: valid ? String(record.topic) : '', partition: valid && typeof record.partition === 'number' ? record.partition : -1, key: null, value: null, headers: null, timestamp: -1, size: 0, target, index, original: valid && this.host.reporting ? record : null, deadline: 0 }, err)
  }

  private failWaiting(w: Waiting, err: KafkaError): void {
    this.statsCollector.errors++
    w.target.failed(w.index, err)
    if (w.original !== null) {
      const hook = this.options.onDeliveryError
      if (hook !== null) {
        try {
          hook(w.original, err)
        } catch (hookErr) {
          this.context.log.warn({ error: (hookErr as Error).message }, 'producer: onDeliveryError threw')
        }
      }
      this.report({ topic: w.topic, partition: w.partition, offset: -1n, timestamp: -1, record: w.original, error: err })
    }
  }

  /** Periodic: fails records that waited past their delivery timeout, and batches queued too long. */
  private expireWaiting(): void {
    const now = Date.now()
    if (this.memoryWaiters.length > 0 && this.memoryWaiters.peek()!.deadline <= now) {
      this.memoryWaiters.filter((w) => {
        if (w.deadline > now) return true
        this.failWaiting(w, new DeliveryTimeoutError(`record for topic ${w.topic} expired after ${this.options.deliveryTimeoutMs} ms waiting for buffer memory (bufferMemory ${this.options.bufferMemory} bytes)`, w.topic, w.partition))
        return false
      })
      this.pumpMemory()
    }
    this.sender.expire(now)
    this.checkFlush()
    // Metadata older than metadataMaxAgeMs is refreshed (new partitions, moved leaders) while idle too.
    if (now - this.metadataCheckedAt >= 5_000) {
      this.metadataCheckedAt = now
      const topics = this.accumulator.topics()
      if (topics.length > 0) this.context.cluster.metadata(topics).catch(() => {})
    }
  }

  /** Appends memory waiters in order while memory allows. */
  private pumpMemory(): void {
    while (this.memoryWaiters.length > 0) {
      const w = this.memoryWaiters.peek()!
      if (this.topicWaiters.has(w.topic)) {
        this.memoryWaiters.shift()
        this.topicWaiters.get(w.topic)!.push(w)
        continue
      }
      const r = this.tryAppend(w.topic, w.partition, w.key, w.value, w.headers, w.timestamp, w.size, w.target, w.index, w.original)
      if (r === Admit.NeedsMemory) break
      this.memoryWaiters.shift()
      if (r === Admit.NeedsTopic) {
        this.topicWaiters.set(w.topic, [w])
        void this.awaitTopic(w.topic)
      }
    }
  }

  private onSettled(): void {
    if (this.memoryWaiters.length > 0) this.pumpMemory()
    this.checkFlush()
  }

  /** Ends a flush once everything admitted before it settled, then lets held records in. */
  private checkFlush(): void {
    if (this.flushing === null || this.pendingCount() > 0) return
    const done = this.flushDone
    this.flushing = null
    this.flushDone = null
    this.sender.force = false
    const held = this.held
    this.held = []
    for (const w of held) {
      if (this.closed && this.closing === null) {
        w.target.failed(w.index, new ClosedError('the producer is closed'))
        continue
      }
      this.wait(w)
    }
    done?.()
  }

  private onFatal(err: KafkaError): void {
    this.fatalError = err
    for (const topic of [...this.topicWaiters.keys()]) this.failTopicWaiters(topic, err)
    const waiting = [...this.memoryWaiters.drain(), ...this.held]
    this.held = []
    for (const w of waiting) this.failWaiting(w, err)
    this.checkFlush()
  }

  private report(r: DeliveryReport): void {
    if (this.listenerCount('delivery') === 0) return
    if (++this.reportCount % this.options.deliveryReportSampling !== 0) return
    this.emit('delivery', r)
  }
}
