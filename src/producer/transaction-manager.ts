/**
 * The transactional producer's state machine and its requests to the transaction coordinator
 * (KIP-98; the Java client's TransactionManager is the model, docs/transactions.md the guide):
 *
 *   uninitialized → (initTransactions) → ready → (beginTransaction) → in-transaction
 *   in-transaction → (commitTransaction) → committing → ready
 *   in-transaction | abortable-error → (abortTransaction) → aborting → ready
 *   any → fatal-error (fenced, not authorised, …): nothing works any more
 *
 * The coordinator is found with FindCoordinator key type 1 (`Cluster.coordinator('transaction')`,
 * the one coordinator cache); its requests go over the shared default lane (answered at once) and
 * are retried under the one retry policy (`Cluster.withRetry`): CONCURRENT_TRANSACTIONS,
 * COORDINATOR_LOAD_IN_PROGRESS, and NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / a lost
 * connection after looking the coordinator up again. The producer id and epoch stay in the one
 * {@link ProducerIdManager}.
 *
 * Transactions v1: a partition's batches wait until AddPartitionsToTxn added it (partitions first
 * used are added together, one request at a time); offsets go through AddOffsetsToTxn then
 * TxnOffsetCommit. Transactions v2 (KIP-890, the cluster's finalized `transaction.version` >= 2):
 * Produce v12+ and TxnOffsetCommit v5+ add partitions implicitly, and every EndTxn v5 bumps the
 * epoch (the answer carries the new id and epoch; sequences restart at 0).
 */
import { ClosedError, ConfigError, ConnectionError, KafkaError } from '../errors.js'
import type { Log } from '../logger.js'
import type { Broker } from '../pool/broker.js'
import type { Cluster } from '../pool/cluster.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { AddOffsetsToTxn } from '../protocol/messages/add-offsets-to-txn.js'
import { AddPartitionsToTxn } from '../protocol/messages/add-partitions-to-txn.js'
import { EndTxn } from '../protocol/messages/end-txn.js'
import { Produce } from '../protocol/messages/produce.js'
import { TxnOffsetCommit, type TxnOffsetCommitRequestTopic } from '../protocol/messages/txn-offset-commit.js'
import type { ConsumerGroupMetadata } from '../consumer/group-metadata.js'
import type { PartitionQueue } from './accumulator.js'
import type { ProducerIdManager } from './producer-id-manager.js'
import { ProducerFencedError, TransactionAbortableError, TransactionStateError } from './transaction-errors.js'

/** Where the transactional producer stands (Java's TransactionManager.State). */
export type TransactionState = 'uninitialized' | 'initializing' | 'ready' | 'in-transaction' | 'committing' | 'aborting' | 'abortable-error' | 'fatal-error'

/** One partition's offset to commit with a transaction: the offset of the next record to consume. */
export interface TransactionOffset {
  topic: string
  partition: number
  /** The next offset the group should read (last processed + 1). */
  offset: bigint
  /** Leader epoch of the last consumed record (KIP-320), if known. */
  leaderEpoch?: number
  metadata?: string | null
}

/** What the transaction manager asks of its producer. */
export interface TransactionHost {
  /** Sends everything buffered and resolves once every record sent so far settled. */
  flush(): Promise<void>
  /** Rejects every record not yet sent (waiting, or in a batch not in flight) with `err`. */
  failUnsent(err: KafkaError): void
  /** A new epoch: every partition's sequences restart at 0 (nothing is in flight). */
  resetSequences(): void
  /** Runs the sender (partitions were added to the transaction). */
  wake(): void
  /** The producer can do nothing more: every pending and later send rejects with `err`. */
  fatal(err: KafkaError): void
}

/** Fenced by a newer producer (or the coordinator bumped the epoch): fatal ProducerFencedError. */
const FENCED: ReadonlySet<string> = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH'])
/** Fatal as they are: the producer cannot go on. */
const FATAL: ReadonlySet<string> = new Set([
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'INVALID_TXN_STATE',
  'INVALID_PRODUCER_ID_MAPPING',
  'UNSUPPORTED_VERSION',
  'CLIENT_CLOSED',
])
/** Answers after which a coordinator is looked up again. */
const COORDINATOR_MOVED: ReadonlySet<string> = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE'])
/** Highest versions of transactions v1 (KIP-890: the next versions mean v2). */
const PRODUCE_V1_MAX = 11
const END_TXN_V1_MAX = 4
const TXN_OFFSET_COMMIT_V1_MAX = 4

export class TransactionManager {
  state: TransactionState = 'uninitialized'
  /** Transactions v2 (KIP-890), decided by `initTransactions()` from the coordinator's finalized features. */
  v2 = false
  private fatalError: KafkaError | null = null
  private abortableError: TransactionAbortableError | null = null
  /** A request of this transaction reached the coordinator or a leader: EndTxn is needed to end it. */
  private started = false
  /** Partitions of the open transaction (their `inTransaction` is cleared when it ends). */
  private readonly partitions: PartitionQueue[] = []
  /** v1: partitions waiting to be added, and those in the AddPartitionsToTxn in flight. */
  private toAdd: PartitionQueue[] = []
  private readonly pendingAdd = new Set<PartitionQueue>()
  private adding: Promise<void> | null = null
  private addScheduled = false
  /** A commitTransaction/abortTransaction/initTransactions call is running. */
  private running: Promise<unknown> | null = null

  constructor(
    private readonly cluster: Cluster,
    private readonly ids: ProducerIdManager,
    readonly transactionalId: string,
    private readonly requestTimeoutMs: number,
    private readonly host: TransactionHost,
    private readonly log: Log,
  ) {}

  /** The Produce version cap of this producer: v1 stops at v11 (v12+ means implicit partition adds). */
  get produceMaxVersion(): number | undefined {
    return this.v2 ? undefined : PRODUCE_V1_MAX
  }

  /** The error to reject unsent records with: set while aborting, after an abortable error, or a fatal one. */
  get unsentError(): KafkaError | null {
    switch (this.state) {
      case 'fatal-error':
        return this.fatalError
      case 'abortable-error':
        return this.abortableError
      case 'aborting':
        return this.abortingError
      default:
        return null
    }
  }

  private abortingError: KafkaError | null = null

  /** Whether a transaction is open (begun and not yet ended), also one that can only be aborted now. */
  get inTransaction(): boolean {
    return this.state === 'in-transaction' || this.state === 'abortable-error' || this.state === 'committing' || this.state === 'aborting'
  }

  /** Null when a record may be sent now, else the error to reject it with. */
  sendError(): KafkaError | null {
    if (this.state === 'in-transaction') return null
    if (this.state === 'fatal-error') return this.fatalError
    if (this.state === 'abortable-error') return this.abortableError
    return this.misuse('send')
  }

  /**
   * Whether `q`'s batches may be sent now (the sender asks for each partition it would send).
   * v1: only once AddPartitionsToTxn added the partition; a partition seen for the first time is
   * queued to be added with the others of this round. v2: at once (the broker adds it).
   */
  admit(q: PartitionQueue): boolean {
    if (q.inTransaction) return true
    if (this.state !== 'in-transaction' && this.state !== 'committing') return false
    if (this.v2) {
      q.inTransaction = true
      this.partitions.push(q)
      this.started = true
      return true
    }
    if (!this.pendingAdd.has(q)) {
      this.pendingAdd.add(q)
      this.toAdd.push(q)
      if (!this.addScheduled && this.adding === null) {
        this.addScheduled = true
        setImmediate(() => {
          this.addScheduled = false
          void this.addPartitions()
        })
      }
    }
    return false
  }

  /**
   * A record of the transaction failed (its own promise rejected with `err`): the transaction can
   * only be aborted now, or, for a fenced or unauthorised producer, nothing more can be done.
   */
  recordFailed(err: KafkaError): void {
    if (err instanceof ConfigError || err instanceof TransactionStateError || err === this.abortableError || err === this.fatalError) return
    if (this.state === 'fatal-error' || this.state === 'aborting') return
    if (err instanceof ProducerFencedError || FENCED.has(err.code) || FATAL.has(err.code)) {
      this.toFatal(err)
      return
    }
    if (this.state === 'in-transaction' || this.state === 'committing') this.toAbortable(err)
  }

  /** A partition answered PRODUCER_FENCED or INVALID_PRODUCER_EPOCH to a Produce: the producer is fenced (fatal). */
  fenced(cause: KafkaError): KafkaError {
    return this.toFatal(cause)
  }

  /**
   * InitProducerId with the transactional id: fences older producers of the id, and has the
   * coordinator finish a transaction they left open. Retries within the client's
   * `defaultApiTimeoutMs`; a retriable failure then leaves the producer uninitialized (call again).
   */
  async initTransactions(): Promise<void> {
    if (this.state === 'fatal-error') throw this.fatalError!
    if (this.state !== 'uninitialized') throw this.misuse('initTransactions')
    this.state = 'initializing'
    const run = (async () => {
      try {
        await this.ids.init(false, Date.now() + this.cluster.defaultApiTimeoutMs)
        this.v2 = await this.detectV2()
        this.state = 'ready'
        this.log.debug('producer', { transactionalId: this.transactionalId, producerId: String(this.ids.current?.producerId), epoch: this.ids.current?.epoch, transactionVersion: this.v2 ? 2 : 1 }, 'transactions initialized')
      } catch (err) {
        const e = asKafkaError(err)
        if (e.retriable && !(e instanceof ClosedError)) {
          this.state = 'uninitialized'
          throw e
        }
        throw this.classify(e)
      }
    })()
    await this.track(run)
  }

  /** Opens a transaction. Synchronous: nothing is sent until a record or offsets are. */
  beginTransaction(): void {
    if (this.state === 'fatal-error') throw this.fatalError!
    if (this.state === 'abortable-error') throw this.abortableError!
    if (this.state !== 'ready') throw this.misuse('beginTransaction')
    this.state = 'in-transaction'
    this.started = false
  }

  /** Flushes, then EndTxn commit. See Producer.commitTransaction. */
  async commitTransaction(): Promise<void> {
    if (this.state === 'fatal-error') throw this.fatalError!
    if (this.state === 'abortable-error') throw this.abortableError!
    // 'committing' with nothing running: an earlier commit ran out of time; it may be retried.
    if (this.state !== 'in-transaction' && !(this.state === 'committing' && this.running === null)) throw this.misuse('commitTransaction')
    this.state = 'committing'
    const run = (async () => {
      await this.host.flush()
      if (this.adding !== null) await this.adding
      if (this.state !== 'committing') throw this.unsentError ?? this.misuse('commitTransaction')
      try {
        if (this.started) await this.endTxn(true)
      } catch (err) {
        const e = asKafkaError(err)
        // Out of time on a retriable error: the outcome is unknown, commitTransaction() may be called again.
        if (e.retriable && !(e instanceof ClosedError)) throw e
        throw this.classify(e)
      }
      this.finish()
    })()
    await this.track(run)
  }

  /** Keeps `run` (a commit or an abort) as the one running until it settles. */
  private async track(run: Promise<void>): Promise<void> {
    this.running = run
    try {
      await run
    } finally {
      this.running = null
    }
  }

  /** Fails what is not sent, waits for what is in flight, then EndTxn abort. See Producer.abortTransaction. */
  async abortTransaction(): Promise<void> {
    if (this.state === 'fatal-error') throw this.fatalError!
    const s = this.state
    const ok = s === 'in-transaction' || s === 'abortable-error' || ((s === 'committing' || s === 'aborting') && this.running === null)
    if (!ok) throw this.misuse('abortTransaction')
    const cause = this.abortableError?.cause
    this.abortingError = new TransactionAbortableError(`the transaction of transactionalId ${this.transactionalId} was aborted (abortTransaction()) before this record was sent`, cause)
    this.state = 'aborting'
    const run = (async () => {
      this.host.failUnsent(this.abortingError!)
      this.host.wake()
      await this.host.flush()
      if (this.adding !== null) await this.adding
      // A record rejected while waiting may have made the producer fatal meanwhile.
      if (this.state !== 'aborting') throw this.fatalError ?? this.misuse('abortTransaction')
      try {
        if (this.started) await this.endTxn(false)
        // v1: a sequence hole (a batch failed after it was sent) needs a new epoch (KIP-360).
        if (!this.v2 && this.ids.bumpNeeded) {
          await this.ids.init(true, Date.now() + this.cluster.defaultApiTimeoutMs)
          this.host.resetSequences()
        }
      } catch (err) {
        const e = asKafkaError(err)
        if (e.retriable && !(e instanceof ClosedError)) throw e
        throw this.classify(e)
      }
      this.finish()
    })()
    await this.track(run)
  }

  /**
   * Adds the consumer group's offsets to the transaction: v1 AddOffsetsToTxn, then TxnOffsetCommit
   * to the group coordinator with the member's generation (KIP-447 fencing). See
   * Producer.sendOffsetsToTransaction.
   */
  async sendOffsetsToTransaction(offsets: readonly TransactionOffset[], group: ConsumerGroupMetadata): Promise<void> {
    if (this.state === 'fatal-error') throw this.fatalError!
    if (this.state === 'abortable-error') throw this.abortableError!
    if (this.state !== 'in-transaction') throw this.misuse('sendOffsetsToTransaction')
    const topics = checkOffsets(offsets, group)
    if (topics.length === 0) return
    try {
      if (!this.v2) {
        await this.coordinatorCall(async (broker) => {
          const id = this.ids.current!
          const res = await broker.send(AddOffsetsToTxn, () => ({ transactionalId: this.transactionalId, producerId: id.producerId, producerEpoch: id.epoch, groupId: group.groupId }), { timeoutMs: this.requestTimeoutMs })
          if (res.errorCode !== ErrorCode.NONE) throw responseError(res.errorCode, null, `AddOffsetsToTxn (transactionalId ${this.transactionalId}, group ${group.groupId})`)
        })
      }
      this.started = true
      await this.txnOffsetCommit(topics, group)
    } catch (err) {
      throw this.classify(asKafkaError(err))
    }
  }

  /**
   * Closing the producer: waits for a commit or abort that is running, then aborts a transaction
   * still open (as the Java client's close does; nothing is committed). Never throws.
   */
  async closeTransaction(): Promise<void> {
    if (this.running !== null) await this.running.catch(() => {})
    if (!this.inTransaction) return
    try {
      await this.abortTransaction()
    } catch (err) {
      this.log.warn({ transactionalId: this.transactionalId, error: (err as Error).message }, 'producer: aborting the open transaction at close failed')
    }
  }

  /** The transaction ended: its partitions leave it, the producer is ready for the next. */
  private finish(): void {
    for (const q of this.partitions) q.inTransaction = false
    this.partitions.length = 0
    this.started = false
    this.abortableError = null
    this.abortingError = null
    this.state = 'ready'
  }

  /** v1: one AddPartitionsToTxn for every partition queued since the last one. */
  private addPartitions(): Promise<void> {
    if (this.adding !== null || this.toAdd.length === 0) return this.adding ?? Promise.resolve()
    const qs = this.toAdd
    this.toAdd = []
    const run = (async () => {
      try {
        await this.coordinatorCall(async (broker) => {
          const byTopic = new Map<string, number[]>()
          for (const q of qs) {
            const list = byTopic.get(q.topic)
            if (list === undefined) byTopic.set(q.topic, [q.partition])
            else list.push(q.partition)
          }
          const id = this.ids.current!
          const res = await broker.send(
            AddPartitionsToTxn,
            () => ({
              v3AndBelowTransactionalId: this.transactionalId,
              v3AndBelowProducerId: id.producerId,
              v3AndBelowProducerEpoch: id.epoch,
              v3AndBelowTopics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
            }),
            { timeoutMs: this.requestTimeoutMs },
          )
          let worst: KafkaError | null = null
          for (const t of res.resultsByTopicV3AndBelow ?? []) {
            for (const p of t.resultsByPartition) {
              // OPERATION_NOT_ATTEMPTED: another partition of the request failed.
              if (p.partitionErrorCode === ErrorCode.NONE || p.partitionErrorCode === ErrorCode.OPERATION_NOT_ATTEMPTED) continue
              const e = responseError(p.partitionErrorCode, null, `AddPartitionsToTxn ${t.name}-${p.partitionIndex} (transactionalId ${this.transactionalId})`)
              if (worst === null || (worst.retriable && !e.retriable)) worst = e
            }
          }
          if (worst !== null) throw worst
        })
        // Added at the coordinator: the transaction must be ended, also when it is being aborted now.
        this.started = true
        if (this.state === 'in-transaction' || this.state === 'committing') {
          for (const q of qs) {
            q.inTransaction = true
            this.partitions.push(q)
          }
        }
      } catch (err) {
        this.classify(asKafkaError(err))
      } finally {
        for (const q of qs) this.pendingAdd.delete(q)
      }
    })()
    this.adding = run
    return run.finally(() => {
      this.adding = null
      this.host.wake()
      if (this.toAdd.length > 0) void this.addPartitions()
    })
  }

  private async txnOffsetCommit(topics: TxnOffsetCommitRequestTopic[], group: ConsumerGroupMetadata): Promise<void> {
    const groupId = group.groupId
    await this.cluster.withRetry(
      async () => {
        const broker = await this.cluster.coordinator('group', groupId)
        const id = this.ids.current!
        const res = await broker.send(
          TxnOffsetCommit,
          (v) => ({
            transactionalId: this.transactionalId,
            groupId,
            producerId: id.producerId,
            producerEpoch: id.epoch,
            ...(v >= 3 ? { generationIdOrMemberEpoch: group.generationId, memberId: group.memberId, groupInstanceId: group.groupInstanceId } : {}),
            topics,
          }),
          { timeoutMs: this.requestTimeoutMs, maxVersion: this.v2 ? undefined : TXN_OFFSET_COMMIT_V1_MAX },
        )
        let worst: KafkaError | null = null
        for (const t of res.topics) {
          for (const p of t.partitions) {
            if (p.errorCode === ErrorCode.NONE) continue
            const e = responseError(p.errorCode, null, `TxnOffsetCommit ${t.name ?? '?'}-${p.partitionIndex} (group ${groupId}, transactionalId ${this.transactionalId})`)
            if (worst === null || (worst.retriable && !e.retriable)) worst = e
          }
        }
        if (worst !== null) throw worst
      },
      {
        deadline: Date.now() + this.cluster.defaultApiTimeoutMs,
        beforeRetry: (err) => {
          if (COORDINATOR_MOVED.has(err.code) || err instanceof ConnectionError) this.cluster.invalidateCoordinator('group', groupId)
        },
      },
    )
  }

  private async endTxn(commit: boolean): Promise<void> {
    const res = await this.coordinatorCall(async (broker) => {
      const id = this.ids.current!
      const r = await broker.send(EndTxn, () => ({ transactionalId: this.transactionalId, producerId: id.producerId, producerEpoch: id.epoch, committed: commit }), {
        timeoutMs: this.requestTimeoutMs,
        maxVersion: this.v2 ? undefined : END_TXN_V1_MAX,
      })
      if (r.errorCode !== ErrorCode.NONE) throw responseError(r.errorCode, null, `EndTxn ${commit ? 'commit' : 'abort'} (transactionalId ${this.transactionalId})`)
      return r
    })
    if (this.v2) {
      // KIP-890: every transaction ends with a new epoch (or a new producer id when the epoch ran out).
      if (res.producerId !== undefined && res.producerId >= 0n && res.producerEpoch !== undefined && res.producerEpoch >= 0) this.ids.set(res.producerId, res.producerEpoch)
      this.host.resetSequences()
    }
    this.log.debug('producer', { transactionalId: this.transactionalId, commit, producerId: String(this.ids.current?.producerId), epoch: this.ids.current?.epoch }, 'transaction ended')
  }

  /** Runs `fn` with the transaction coordinator under the one retry policy, finding it again when it moved. */
  private coordinatorCall<T>(fn: (coordinator: Broker) => Promise<T>): Promise<T> {
    const id = this.transactionalId
    return this.cluster.withRetry(
      async () => fn(await this.cluster.coordinator('transaction', id)),
      {
        deadline: Date.now() + this.cluster.defaultApiTimeoutMs,
        beforeRetry: (err) => {
          if (COORDINATOR_MOVED.has(err.code) || err instanceof ConnectionError) this.cluster.invalidateCoordinator('transaction', id)
        },
      },
    )
  }

  /** Transactions v2 when the cluster finalized transaction.version >= 2 and the coordinator speaks EndTxn v5 and Produce v12. */
  private async detectV2(): Promise<boolean> {
    const broker = await this.cluster.coordinator('transaction', this.transactionalId)
    const conn = await broker.connection()
    return conn.finalizedFeature('transaction.version') >= 2 && conn.version(EndTxn) >= 5 && conn.version(Produce) > PRODUCE_V1_MAX
  }

  /** Classifies a failure of a transactional request: fatal (returned as thrown), or abortable. */
  private classify(e: KafkaError): KafkaError {
    if (this.state === 'fatal-error') return this.fatalError!
    if (e instanceof ProducerFencedError || FENCED.has(e.code) || FATAL.has(e.code) || e instanceof ClosedError) return this.toFatal(e)
    if (e instanceof TransactionAbortableError) {
      if (this.state === 'in-transaction' || this.state === 'committing' || this.state === 'aborting') {
        this.abortableError = e
        this.state = 'abortable-error'
      }
      return e
    }
    return this.toAbortable(e)
  }

  private toAbortable(e: KafkaError): KafkaError {
    if (this.state === 'abortable-error') return this.abortableError!
    if (this.state !== 'in-transaction' && this.state !== 'committing' && this.state !== 'aborting') return e
    this.abortableError = new TransactionAbortableError(`the transaction of transactionalId ${this.transactionalId} cannot commit (${e.message}): call abortTransaction()`, e)
    this.state = 'abortable-error'
    this.log.debug('producer', { transactionalId: this.transactionalId, error: e.message }, 'transaction must be aborted')
    return this.abortableError
  }

  private toFatal(e: KafkaError): KafkaError {
    if (this.state === 'fatal-error') return this.fatalError!
    const fatal = e instanceof ProducerFencedError || !FENCED.has(e.code)
      ? e
      : new ProducerFencedError(`the producer with transactionalId ${this.transactionalId} was fenced: a newer producer with the same transactionalId called initTransactions(), or the transaction ran past transactionTimeoutMs and the coordinator aborted it (${e.message}); close this producer`, this.transactionalId, e)
    this.fatalError = fatal
    this.state = 'fatal-error'
    this.log.debug('producer', { transactionalId: this.transactionalId, error: fatal.message }, 'transactional producer failed fatally')
    this.host.fatal(fatal)
    return fatal
  }

  /** The state error for calling `method` now, saying what to call instead. */
  private misuse(method: string): TransactionStateError {
    let what: string
    switch (this.state) {
      case 'uninitialized':
        what = 'call initTransactions() first'
        break
      case 'initializing':
        what = 'initTransactions() is still running: await it first'
        break
      case 'ready':
        what = method === 'initTransactions' ? 'initTransactions() was called already; call beginTransaction() to open a transaction' : 'no transaction is open: call beginTransaction() first'
        break
      case 'in-transaction':
        what = 'a transaction is open: call commitTransaction() or abortTransaction() first'
        break
      case 'committing':
        what = 'commitTransaction() is running: await it, then call beginTransaction() for the next transaction'
        break
      case 'aborting':
        what = 'abortTransaction() is running: await it, then call beginTransaction() for the next transaction'
        break
      default:
        what = 'call abortTransaction()'
    }
    return new TransactionStateError(`${method}() is not allowed now: ${what} (transactionalId ${this.transactionalId}, state ${this.state})`, this.state)
  }
}

/** Checks the arguments of sendOffsetsToTransaction and groups the offsets by topic. @throws ConfigError */
function checkOffsets(offsets: readonly TransactionOffset[], group: ConsumerGroupMetadata): TxnOffsetCommitRequestTopic[] {
  if (!Array.isArray(offsets)) throw new ConfigError('sendOffsetsToTransaction: offsets must be an array of { topic, partition, offset }')
  if (group === null || typeof group !== 'object' || typeof group.groupId !== 'string' || group.groupId.length === 0) {
    throw new ConfigError('sendOffsetsToTransaction: groupMetadata must be consumer.groupMetadata() (an object with a non-empty groupId)')
  }
  if (!Number.isInteger(group.generationId) || typeof group.memberId !== 'string' || (group.groupInstanceId !== null && typeof group.groupInstanceId !== 'string')) {
    throw new ConfigError('sendOffsetsToTransaction: groupMetadata needs generationId (integer), memberId (string) and groupInstanceId (string or null), as consumer.groupMetadata() gives')
  }
  const byTopic = new Map<string, TxnOffsetCommitRequestTopic>()
  for (const o of offsets) {
    if (o === null || typeof o !== 'object' || typeof o.topic !== 'string' || o.topic.length === 0) throw new ConfigError('sendOffsetsToTransaction: each offset needs a non-empty topic')
    if (!Number.isInteger(o.partition) || o.partition < 0) throw new ConfigError(`sendOffsetsToTransaction: partition must be a non-negative integer, got ${String(o.partition)} (topic ${o.topic})`)
    if (typeof o.offset !== 'bigint' || o.offset < 0n) throw new ConfigError(`sendOffsetsToTransaction: offset must be a non-negative bigint, got ${String(o.offset)} (${o.topic}-${o.partition})`)
    let t = byTopic.get(o.topic)
    if (t === undefined) {
      t = { name: o.topic, partitions: [] }
      byTopic.set(o.topic, t)
    }
    t.partitions.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch ?? -1, committedMetadata: o.metadata ?? null })
  }
  return [...byTopic.values()]
}

function asKafkaError(err: unknown): KafkaError {
  return err instanceof KafkaError ? err : new KafkaError(`transactional request failed: ${String(err)}`, { code: 'UNKNOWN', cause: err })
}
