/**
 * The sender: drains ready batches from the {@link Accumulator} into one Produce request per
 * leader (the shared produce connections, connection-routing.ts), at most `maxInFlight` requests per broker, and settles every record
 * from the answer. Retriable failures (a moved leader, a timeout, a lost connection) put the
 * batch back with its sequence numbers unchanged so the broker drops duplicates; the idempotent
 * producer's id and epoch come from {@link ProducerIdManager}. Backoff between retries is the
 * one retry policy's (src/pool/retry.ts `backoffMs`, the producer's `retryBackoffMs` and
 * `retryBackoffMaxMs`); every wait is bounded by the batch's `deliveryTimeoutMs`. Leaders it
 * lost are looked up again through {@link ProducerMetadata}.
 */
import { ClosedError, KafkaError } from '../errors.js'
import type { Log } from '../logger.js'
import type { Cluster } from '../pool/cluster.js'
import { backoffMs, type RetryPolicy } from '../pool/retry.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { Produce, type ProduceRequest, type ProduceResponse } from '../protocol/messages/produce.js'
import type { Accumulator, DrainedRequest, PartitionQueue } from './accumulator.js'
import type { ProducerBatch } from './producer-batch.js'
import { splitBatch } from './batch-splitter.js'
import { DeliveryTimeoutError, RecordTooLargeError } from './producer-errors.js'
import { ProducerIdManager } from './producer-id-manager.js'
import type { ProducerMetadata } from './producer-metadata.js'
import type { ResolvedProducerOptions } from './producer-options.js'
import type { DeliveryReport, RecordMetadata } from './producer-record.js'
import type { StatsCollector } from './producer-stats.js'

/** What the sender tells the producer. */
export interface SenderHost {
  /** A batch's records were settled (acknowledged or failed): its buffer memory was released. */
  settled(batch: ProducerBatch): void
  /** Whether per-record reports are wanted (a `delivery` listener or onDeliveryError). */
  readonly reporting: boolean
  report(report: DeliveryReport): void
  /** A fatal error: the producer cannot send any more (e.g. not authorised to get a producer id). */
  fatal(error: KafkaError): void
  /** A batch rejected as too large was split into `pieces`, which now hold its records. */
  split(batch: ProducerBatch, pieces: readonly ProducerBatch[]): void
  /** A batch's records were rejected with `error` (once per batch). */
  failed(error: KafkaError): void
}

/** What the sender needs of a transactional producer's transaction manager (transaction-manager.ts). */
export interface SenderTransaction {
  readonly transactionalId: string
  /** The highest Produce version to use (v11 for transactions v1), undefined for no cap. */
  readonly produceMaxVersion: number | undefined
  /** Set while unsent batches must be rejected (aborting, an abortable or fatal error): with this error. */
  readonly unsentError: KafkaError | null
  /** Whether the partition's batches may be sent now (v1: added to the transaction). */
  admit(q: PartitionQueue): boolean
  /** A partition answered PRODUCER_FENCED or INVALID_PRODUCER_EPOCH: the producer's fatal error. */
  fenced(cause: KafkaError): KafkaError
}

export class Sender {
  /** Send open batches now, ignoring linger (flush). */
  force = false
  private stopped = false
  private scheduled = false
  private wakeTimer: NodeJS.Timeout | null = null
  private wakeAt = Infinity
  private readonly inFlightByNode = new Map<number, number>()
  private inFlightRequests = 0
  /** Topics whose leaders are being looked up again: their batches wait. */
  private readonly staleTopics = new Set<string>()
  private readonly policy: RetryPolicy
  private pidPending = false
  private fatalError: KafkaError | null = null
  readonly ids: ProducerIdManager | null
  /** Set by a transactional producer. */
  txn: SenderTransaction | null = null
  private readonly admit = (q: PartitionQueue): boolean => this.txn!.admit(q)
  private readonly runBound = (): void => {
    this.scheduled = false
    this.run()
  }
  private readonly onWakeTimer = (): void => {
    this.wakeTimer = null
    this.wakeAt = Infinity
    this.run()
  }

  constructor(
    private readonly cluster: Cluster,
    private readonly accumulator: Accumulator,
    private readonly metadata: ProducerMetadata,
    private readonly options: ResolvedProducerOptions,
    private readonly stats: StatsCollector,
    private readonly host: SenderHost,
    private readonly log: Log,
  ) {
    this.policy = { retryBackoffMs: options.retryBackoffMs, retryBackoffMaxMs: options.retryBackoffMaxMs }
    this.ids = options.idempotent
      ? new ProducerIdManager(
          cluster,
          this.policy,
          options.requestTimeoutMs,
          (err, attempt) => {
            if (attempt === 4) log.warn({ error: err.message }, 'producer: InitProducerId keeps failing; retrying')
            else log.debug('producer', { error: err.message, attempt }, 'InitProducerId failed; retrying')
          },
          options.transactionalId === null ? null : { transactionalId: options.transactionalId, transactionTimeoutMs: options.transactionTimeoutMs },
        )
      : null
  }

  /** Produce requests in flight over all brokers. */
  get requestsInFlight(): number {
    return this.inFlightRequests
  }

  /**
   * Runs the sender soon: once the code that appended returns, so records appended together go
   * together. With `lingerMs` 0 that is a microtask (the request leaves before the event loop
   * turns: an I/O phase with a busy socket would otherwise delay it, the latency scenario's
   * p99.9 of 2.5-4 ms from `send` to the request being queued); otherwise the check phase
   * (setImmediate), so the records of every callback of this loop turn share the drain.
   */
  wake(): void {
    if (this.scheduled || this.stopped) return
    this.scheduled = true
    if (this.options.lingerMs === 0) queueMicrotask(this.runBound)
    else setImmediate(this.runBound)
  }

  stop(): void {
    this.stopped = true
    this.ids?.stop()
    if (this.wakeTimer !== null) clearTimeout(this.wakeTimer)
    this.wakeTimer = null
  }

  private arm(at: number): void {
    if (at === Infinity || at >= this.wakeAt || this.stopped) return
    if (this.wakeTimer !== null) clearTimeout(this.wakeTimer)
    this.wakeAt = at
    this.wakeTimer = setTimeout(this.onWakeTimer, Math.max(0, at - Date.now()))
  }

  private readonly leaderOf = (topic: string, partition: number): number => {
    if (this.staleTopics.has(topic)) return -1
    const p = this.cluster.topic(topic)?.partitions[partition]
    return p === undefined ? -1 : p.leader
  }

  private readonly slots = (nodeId: number): number => this.options.maxInFlight - (this.inFlightByNode.get(nodeId) ?? 0)

  /** One pass: expire, get or bump the producer id if needed, drain and dispatch, arm the next wake-up. */
  run(): void {
    if (this.stopped || this.fatalError !== null) return
    const now = Date.now()
    this.expire(now)
    const ids = this.ids
    const txn = this.txn
    if (txn !== null) {
      // Aborting, or the transaction can only be aborted: what is not sent yet never will be.
      const err = txn.unsentError
      if (err !== null) this.failUnsent(err)
      // The transaction manager gets the id (initTransactions) and bumps the epoch (abortTransaction).
      if (ids === null || ids.current === null) return
    } else if (ids !== null) {
      if (ids.current === null || ids.bumpNeeded) {
        // Only with records to send; a bump waits for every request in flight to come back: their answers decide sequences.
        if (this.accumulator.bufferedRecords > 0 && (ids.current === null || this.inFlightRequests === 0)) this.initProducerId(ids.current !== null)
        return
      }
    }
    const drained = this.accumulator.drain(now, this.force, this.leaderOf, this.slots, ids === null ? null : ids.current, txn === null ? null : this.admit)
    for (const b of drained.failed) {
      this.accumulator.settle(b)
      this.fail(b, b.finishError instanceof KafkaError ? b.finishError : new KafkaError(`could not encode the batch for ${b.topic}-${b.partition}: ${String(b.finishError)}`, { code: 'ENCODE_FAILED', cause: b.finishError }))
    }
    for (const r of drained.requests) this.dispatch(r)
    if (drained.missingLeaders.size > 0) {
      for (const t of drained.missingLeaders) this.staleTopics.add(t)
      this.refreshMetadata()
    }
    this.arm(drained.nextWakeAt)
    // Batches still finishing (zstd) wake the sender when done.
    for (const q of this.accumulator.allQueues()) {
      const head = q.batches[0]
      if (head !== undefined && head.finishing !== null && !head.wakeOnFinish) {
        head.wakeOnFinish = true
        void head.finishing.then(() => this.wake())
      }
    }
  }

  /** Rejects every batch not in flight with `err` (an aborted transaction); a batch sent before leaves a sequence hole: a new epoch is needed. */
  failUnsent(err: KafkaError): void {
    for (const b of this.accumulator.takeAllUnsent()) {
      if (this.ids !== null && b.baseSequence >= 0) this.ids.bumpNeeded = true
      this.fail(b, err)
    }
  }

  /** The producer failed fatally (a fenced transactional producer): nothing more is sent, unsent batches reject with `err`. */
  fatal(err: KafkaError): void {
    if (this.fatalError !== null) return
    this.fatalError = err
    for (const b of this.accumulator.takeAllUnsent()) this.fail(b, err)
  }

  /** Fails batches not in flight whose delivery timeout passed. */
  expire(now: number): void {
    const expired = this.accumulator.expire(now)
    for (const b of expired) {
      if (this.ids !== null && b.baseSequence >= 0) this.ids.bumpNeeded = true
      const cause = b.lastError ?? this.ids?.lastError ?? null
      const why = b.lastError === null && this.ids?.lastError ? '; waiting for a producer id (InitProducerId)' : ''
      this.fail(b, new DeliveryTimeoutError(`${b.count} record(s) for ${b.topic}-${b.partition} expired after ${this.options.deliveryTimeoutMs} ms (deliveryTimeoutMs)${why}${cause instanceof Error ? `; last error: ${cause.message}` : ''}`, b.topic, b.partition, cause ?? undefined))
    }
  }

  /**
   * Gets (or bumps) the producer id, retrying for at most `deliveryTimeoutMs`. Still failing
   * retriably then: the records waiting expire meanwhile, and the next records try again. Failing
   * otherwise (not authorised, the client closed) is fatal: every record rejects with the error.
   */
  private initProducerId(bump: boolean): void {
    if (this.pidPending || this.ids === null) return
    this.pidPending = true
    this.ids.init(bump, Date.now() + this.options.deliveryTimeoutMs).then(
      () => {
        if (bump) this.accumulator.resetSequences()
        this.log.debug('producer', { producerId: String(this.ids?.current?.producerId), epoch: this.ids?.current?.epoch, bump }, 'producer id')
      },
      (err: unknown) => {
        if (this.stopped) return
        const e = err instanceof KafkaError ? err : new KafkaError(`InitProducerId failed: ${String(err)}`, { code: 'UNKNOWN', cause: err })
        if (e.retriable) {
          this.ids!.lastError = e
          this.log.debug('producer', { error: e.message }, 'InitProducerId still failing after deliveryTimeoutMs')
          return
        }
        this.fatalError = e
        this.host.fatal(e)
        for (const b of this.accumulator.takeAllUnsent()) this.fail(b, e)
      },
    ).finally(() => {
      this.pidPending = false
      this.run()
    })
  }

  /** Asks for the stale topics' metadata (ProducerMetadata batches and backs off the requests). */
  private refreshMetadata(): void {
    for (const t of this.staleTopics) this.metadata.request(t)
  }

  /** A metadata round ended: topics it answered have their leaders again (or none, and ask again). */
  metadataUpdated(topics: readonly string[], error: KafkaError | null): void {
    if (this.staleTopics.size === 0) return
    let any = false
    for (const t of topics) if (error === null && this.staleTopics.delete(t)) any = true
    if (any || error !== null) this.wake()
  }

  private dispatch(r: DrainedRequest): void {
    const { nodeId, batches } = r
    this.inFlightByNode.set(nodeId, (this.inFlightByNode.get(nodeId) ?? 0) + 1)
    this.inFlightRequests++
    const topicData: Array<{ name: string; partitionData: Array<{ index: number; records: Buffer | null }> }> = []
    for (const b of batches) {
      let t = topicData.find((x) => x.name === b.topic)
      if (t === undefined) {
        t = { name: b.topic, partitionData: [] }
        topicData.push(t)
      }
      t.partitionData.push({ index: b.partition, records: b.encoded })
    }
    // Produce v13 names topics by id (KIP-516): the ids come from the cluster's topic-id cache,
    // and the answer is matched by the ids this request carried (the cache may have moved on).
    const namesById = new Map<string, string>()
    const transactionalId = this.txn === null ? null : this.txn.transactionalId
    const build = (v: number): ProduceRequest => {
      if (v < 13) return { transactionalId, acks, timeoutMs, topicData }
      return {
        transactionalId,
        acks,
        timeoutMs,
        topicData: topicData.map((t) => {
          const topicId = this.cluster.topicId(t.name)
          // Not in metadata yet: a retriable error that refreshes metadata (the retry path below).
          if (topicId === undefined) throw new KafkaError(`the topic id of ${t.name} is not known yet (Produce v${v} names topics by id)`, { code: 'UNKNOWN_TOPIC_ID', retriable: true, refreshMetadata: true })
          namesById.set(topicId, t.name)
          return { topicId, partitionData: t.partitionData }
        }),
      }
    }
    const acks = this.options.acks
    const timeoutMs = this.options.requestTimeoutMs
    const started = performance.now()
    this.cluster
      .send(nodeId, Produce, build, {
        timeoutMs: timeoutMs + 1000,
        noResponse: acks === 0,
        // Transactions v1: Produce v12+ would ask the broker to add partitions implicitly (KIP-890).
        maxVersion: this.txn === null ? undefined : this.txn.produceMaxVersion,
      })
      .then(
        (res) => {
          this.stats.request(nodeId, performance.now() - started)
          this.onResponse(batches, res as ProduceResponse | undefined, namesById)
        },
        (err: unknown) => {
          this.stats.request(nodeId, performance.now() - started)
          this.onRequestError(batches, err)
        },
      )
      .finally(() => {
        this.inFlightByNode.set(nodeId, (this.inFlightByNode.get(nodeId) ?? 1) - 1)
        this.inFlightRequests--
        this.run()
      })
  }

  private onResponse(batches: ProducerBatch[], res: ProduceResponse | undefined, namesById: ReadonlyMap<string, string>): void {
    if (this.options.acks === 0 || res === undefined) {
      for (const b of batches) this.complete(b, -1n, -1)
      return
    }
    const now = Date.now()
    // v13 answers by topic id: the names are those the request sent under each id.
    const names = res.responses.map((t) => t.name ?? (t.topicId === undefined ? undefined : namesById.get(t.topicId)))
    for (const b of batches) {
      let found = false
      for (let i = 0; i < res.responses.length; i++) {
        const t = res.responses[i]
        if (names[i] !== b.topic) continue
        for (const p of t.partitionResponses) {
          if (p.index !== b.partition) continue
          found = true
          if (p.errorCode === ErrorCode.NONE || p.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
            this.complete(b, p.baseOffset, p.logAppendTimeMs !== undefined && p.logAppendTimeMs >= 0n ? Number(p.logAppendTimeMs) : -1)
          } else {
            this.onBatchError(b, responseError(p.errorCode, p.errorMessage ?? null, `${b.topic}-${b.partition}`), now)
          }
          break
        }
        if (found) break
      }
      if (!found) {
        this.onBatchError(b, new KafkaError(`the Produce response has no answer for ${b.topic}-${b.partition}`, { code: 'NETWORK_EXCEPTION', retriable: true, refreshMetadata: true }), now)
      }
    }
  }

  private onRequestError(batches: ProducerBatch[], err: unknown): void {
    const now = Date.now()
    let e: KafkaError
    if (err instanceof ClosedError) e = new ClosedError(`the client was closed before ${batches.length} batch(es) were acknowledged`)
    else if (err instanceof KafkaError) e = err
    else e = new KafkaError(`Produce failed: ${String(err)}`, { code: 'UNKNOWN', cause: err })
    for (const b of batches) this.onBatchError(b, e, now)
  }

  /** What to do with a batch whose partition answered `err` (or whose request failed). */
  private onBatchError(b: ProducerBatch, err: KafkaError, now: number): void {
    const ids = this.ids
    const txn = this.txn
    if (txn !== null && b.baseSequence >= 0) {
      switch (err.code) {
        case 'INVALID_PRODUCER_EPOCH':
        case 'PRODUCER_FENCED': {
          // A newer producer of the transactional id (or a coordinator timeout) bumped the epoch: fatal.
          const fatal = txn.fenced(err)
          this.accumulator.settle(b)
          return this.fail(b, fatal)
        }
        case 'UNKNOWN_PRODUCER_ID':
          // The transaction can only be aborted now; abortTransaction() bumps the epoch (KIP-360).
          ids!.bumpNeeded = true
          this.accumulator.settle(b)
          return this.fail(b, err)
      }
    }
    if (ids !== null && b.baseSequence >= 0) {
      switch (err.code) {
        case 'OUT_OF_ORDER_SEQUENCE_NUMBER':
          // An earlier batch of the partition failed or is being retried: this one comes back in order.
          if (b.baseSequence !== this.accumulator.expectedSequence(b.topic, b.partition)) return this.retry(b, err, now)
          // The broker lost our sequence (e.g. unclean leader election): fail it, restart sequences with a new epoch.
          ids.bumpNeeded = true
          this.accumulator.settle(b)
          return this.fail(b, err)
        case 'UNKNOWN_PRODUCER_ID':
        case 'INVALID_PRODUCER_EPOCH':
          // KIP-360 (idempotent producer only; a transactional one failed above): bump the epoch, then resend with fresh sequences.
          if (ids.current !== null && b.producerEpoch === ids.current.epoch && b.producerId === ids.current.producerId) ids.bumpNeeded = true
          return this.retry(b, err, now, true)
      }
    }
    if (err.code === 'MESSAGE_TOO_LARGE' && b.encoded !== null) {
      if (b.count > 1) return this.split(b, err)
      err = new RecordTooLargeError(`a record of ${b.encoded.length} bytes (as a batch) for ${b.topic}-${b.partition} is larger than the broker accepts (MESSAGE_TOO_LARGE: the topic's max.message.bytes)`, b.topic, b.encoded.length, b.partition, err)
    }
    if (err.retriable) return this.retry(b, err, now)
    this.accumulator.settle(b)
    // A hole in the sequence: later batches of the partition would be out of order.
    if (ids !== null && b.baseSequence >= 0) ids.bumpNeeded = true
    this.fail(b, err)
  }

  /**
   * MESSAGE_TOO_LARGE for a batch of several records: split it in two (batch-splitter.ts) and
   * send the halves in its place, again and again until each is accepted or holds one record.
   * The halves take the batch's own sequence range, so batches sent after it keep theirs: the
   * broker rejected those with OUT_OF_ORDER_SEQUENCE_NUMBER (a gap), they come back and are
   * requeued behind the halves, and the halves, like retries, wait until nothing of the
   * partition is in flight (Accumulator.sendableAt). Nothing of the partition is sent while the
   * split runs. Not retried as such: the halves count the batch's attempts and its deadline.
   */
  private split(b: ProducerBatch, err: KafkaError): void {
    b.lastError = err
    this.accumulator.beginSplit(b)
    this.stats.batchSplits++
    this.log.debug('producer', { topic: b.topic, partition: b.partition, records: b.count, bytes: b.encoded?.length }, 'batch too large for the broker; splitting it')
    splitBatch(b, this.options.compression, this.options.compressionLevel).then(
      (pieces) => {
        this.accumulator.endSplit(b, pieces, Date.now())
        this.host.split(b, pieces)
        if (this.fatalError === null) return
        for (const p of this.accumulator.takeAllUnsent()) this.fail(p, this.fatalError)
      },
      (e: unknown) => {
        this.accumulator.endSplit(b, [], Date.now())
        this.accumulator.settle(b)
        if (this.ids !== null && b.baseSequence >= 0) this.ids.bumpNeeded = true
        this.fail(b, e instanceof KafkaError ? e : new KafkaError(`splitting the batch for ${b.topic}-${b.partition} failed: ${String(e)}`, { code: 'ENCODE_FAILED', cause: e }))
      },
    ).finally(() => this.run())
  }

  private retry(b: ProducerBatch, err: KafkaError, now: number, immediate = false): void {
    b.lastError = err
    if (err.refreshMetadata) {
      this.staleTopics.add(b.topic)
      this.cluster.invalidate(b.topic)
      this.refreshMetadata()
    }
    if (now >= b.deadline) {
      this.accumulator.settle(b)
      if (this.ids !== null && b.baseSequence >= 0) this.ids.bumpNeeded = true
      return this.fail(b, new DeliveryTimeoutError(`${b.count} record(s) for ${b.topic}-${b.partition} not acknowledged within ${this.options.deliveryTimeoutMs} ms (deliveryTimeoutMs); last error: ${err.message}`, b.topic, b.partition, err))
    }
    this.stats.retries++
    this.log.debug('producer', { topic: b.topic, partition: b.partition, attempt: b.attempts, error: err.message }, 'retrying batch')
    this.accumulator.requeue(b, immediate ? now : now + backoffMs(b.attempts - 1, this.policy))
  }

  private complete(b: ProducerBatch, baseOffset: bigint, logAppendTime: number): void {
    this.accumulator.settle(b)
    this.accumulator.acknowledged(b)
    const n = b.count
    this.stats.recordsSent += n
    this.stats.batchesSent++
    this.stats.bytesSent += b.encoded?.length ?? 0
    const { topic, partition } = b
    const reporting = this.host.reporting
    const known = baseOffset >= 0n
    let offset = baseOffset
    let i = 0
    for (let r = 0; r < b.runs; r++) {
      const target = b.runTarget(r)
      const first = b.runIndex(r)
      const timestamp = logAppendTime >= 0 ? logAppendTime : b.runTimestamp(r)
      const end = i + b.runLength(r)
      for (let index = first; i < end; i++, index++) {
        const meta: RecordMetadata = { topic, partition, offset: known ? offset : -1n, timestamp }
        if (known) offset++
        target.delivered(index, meta)
        if (reporting) this.host.report({ ...meta, record: b.records?.[i] ?? null })
      }
    }
    this.host.settled(b)
  }

  /** Rejects every record of a batch (already removed from the accumulator). */
  private fail(b: ProducerBatch, err: KafkaError): void {
    const n = b.count
    this.stats.errors += n
    const reporting = this.host.reporting
    const hook = this.options.onDeliveryError
    let i = 0
    for (let r = 0; r < b.runs; r++) {
      const target = b.runTarget(r)
      const first = b.runIndex(r)
      const end = i + b.runLength(r)
      for (let index = first; i < end; i++, index++) {
        target.failed(index, err)
        const record = b.records?.[i] ?? null
        if (hook !== null && record !== null) {
          try {
            hook(record, err)
          } catch (hookErr) {
            this.log.warn({ error: (hookErr as Error).message }, 'producer: onDeliveryError threw')
          }
        }
        if (reporting) this.host.report({ topic: b.topic, partition: b.partition, offset: -1n, timestamp: -1, record, error: err })
      }
    }
    this.host.failed(err)
    this.host.settled(b)
  }
}
