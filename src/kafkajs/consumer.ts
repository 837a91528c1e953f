/**
 * KafkaJS's group consumer over kafkats's {@link KafkatsConsumer}. `run()` makes the kafkats
 * consumer (subscription, reset strategy and assignors are construction options there) and
 * iterates its batches (`for await`): rebalances, fetching, heartbeats and offsets stay kafkats's.
 * What this adds is KafkaJS's processing model: offsets are "resolved" as handlers finish and
 * committed explicitly with kafkats's `commit(offsets)` (after each batch with autoCommit, plus
 * autoCommitInterval/autoCommitThreshold), a partition whose batch was not fully processed (a
 * handler error, `pause()`, eachBatch without resolving everything) is moved back with kafkats's
 * `seek` to its first unprocessed offset, so it is fetched again, as KafkaJS fetches from its
 * resolved offsets; and its instrumentation events.
 */
import type { Kafka as KafkatsKafka } from '../client.js'
import type { Consumer as KafkatsConsumer } from '../consumer/consumer.js'
import type { ConsumerBatch, RebalanceEvent } from '../consumer/consumer-record.js'
import { StaleCommitError } from '../consumer/consumer-errors.js'
import { partitionKey } from '../offsets/topic-partition.js'
import { Batch } from './batch.js'
import type { FacadeContext, RetryOptions } from './client.js'
import { KafkaJSNonRetriableError, rethrow, toKafkaJSError } from './errors.js'
import { Instrumentation, type InstrumentationEvent, type RemoveInstrumentationEventListener } from './events.js'
import type { Logger } from './logger.js'
import { toGroupDescription, type GroupDescription } from './admin.js'
import { parseOffset, type KafkaMessage, type Offsets, type TopicPartitionOffset, type TopicPartitionOffsetAndMetadata, type TopicOffsets } from './shapes.js'
import { assignorNameOf, type PartitionAssigner } from './assigners.js'

export interface ConsumerConfig {
  groupId: string
  partitionAssigners?: PartitionAssigner[]
  metadataMaxAge?: number
  sessionTimeout?: number
  rebalanceTimeout?: number
  heartbeatInterval?: number
  maxBytesPerPartition?: number
  minBytes?: number
  maxBytes?: number
  maxWaitTimeInMs?: number
  retry?: RetryOptions
  allowAutoTopicCreation?: boolean
  maxInFlightRequests?: number
  readUncommitted?: boolean
  rackId?: string
}

export interface EachMessagePayload {
  topic: string
  partition: number
  message: KafkaMessage
  heartbeat(): Promise<void>
  pause(): () => void
}

export interface OffsetsByTopicPartition {
  topics: TopicOffsets[]
}

export interface EachBatchPayload {
  batch: Batch
  resolveOffset(offset: string): void
  heartbeat(): Promise<void>
  pause(): () => void
  commitOffsetsIfNecessary(offsets?: Offsets): Promise<void>
  uncommittedOffsets(): OffsetsByTopicPartition
  isRunning(): boolean
  isStale(): boolean
}

export type EachBatchHandler = (payload: EachBatchPayload) => Promise<void>
export type EachMessageHandler = (payload: EachMessagePayload) => Promise<void>

export interface ConsumerRunConfig {
  autoCommit?: boolean
  autoCommitInterval?: number | null
  autoCommitThreshold?: number | null
  eachBatchAutoResolve?: boolean
  partitionsConsumedConcurrently?: number
  eachBatch?: EachBatchHandler
  eachMessage?: EachMessageHandler
}

export type ConsumerSubscribeTopic = { topic: string | RegExp; fromBeginning?: boolean }
export type ConsumerSubscribeTopics = { topics: (string | RegExp)[]; fromBeginning?: boolean }

export const CONSUMER_EVENTS = Object.freeze({
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH_START: 'consumer.fetch_start',
  FETCH: 'consumer.fetch',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  REBALANCING: 'consumer.rebalancing',
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
  REQUEST: 'consumer.network.request',
  REQUEST_TIMEOUT: 'consumer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'consumer.network.request_queue_size',
} as const)
export type ConsumerEvents = typeof CONSUMER_EVENTS
type ConsumerEventName = ConsumerEvents[keyof ConsumerEvents]

/** One run(): its kafkats consumer and KafkaJS's offset bookkeeping. */
interface Run {
  kc: KafkatsConsumer
  config: ConsumerRunConfig
  autoCommit: boolean
  running: boolean
  /** partitionKey → next offset to commit (last processed + 1). */
  resolved: Map<string, { topic: string; partition: number; offset: bigint }>
  /** partitionKey → offset last committed. */
  committed: Map<string, bigint>
  /** partitionKey → seek/revocation count: a batch taken before a change is stale. */
  epochs: Map<string, number>
  lastCommit: number
  inflight: Set<Promise<void>>
  failures: number
  loop: Promise<void> | null
  /** Seeks of partitions not assigned yet (applied when they are). */
  pendingSeeks: Map<string, { topic: string; partition: number; offset: bigint }>
  generationId: number
  memberId: string
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export class Consumer {
  readonly events: ConsumerEvents = CONSUMER_EVENTS
  private readonly ctx: FacadeContext
  private readonly config: ConsumerConfig
  private readonly instrumentation = new Instrumentation<ConsumerEventName>(CONSUMER_EVENTS)
  private kafka: KafkatsKafka | null = null
  private topics: string[] = []
  private fromBeginning: boolean[] = []
  private run_: Run | null = null
  /** Paused: topic → null (the whole topic) or its partitions. */
  private readonly pausedTopics = new Map<string, Set<number> | null>()

  constructor(ctx: FacadeContext, config: ConsumerConfig) {
    this.ctx = ctx
    this.config = config
    if (config.partitionAssigners !== undefined) for (const a of config.partitionAssigners) assignorNameOf(a)
  }

  logger(): Logger {
    return this.ctx.sink.logger('Consumer')
  }

  on(eventName: ConsumerEventName, listener: (event: InstrumentationEvent<unknown>) => void): RemoveInstrumentationEventListener<ConsumerEventName> {
    return this.instrumentation.on(eventName, listener, (name) => new KafkaJSNonRetriableError(`Event name should be one of ${Object.values(CONSUMER_EVENTS).join(', ')}, got ${name}`))
  }

  async connect(): Promise<void> {
    if (this.kafka !== null) return
    const kafka = await this.ctx.connect('Consumer', this.config.metadataMaxAge)
    try {
      await kafka.refreshMetadata()
    } catch (err) {
      await kafka.disconnectAll()
      rethrow(err)
    }
    this.kafka = kafka
    this.instrumentation.emit(CONSUMER_EVENTS.CONNECT, null)
  }

  async disconnect(): Promise<void> {
    await this.stop()
    const kafka = this.kafka
    if (kafka === null) return
    this.kafka = null
    this.topics = []
    this.fromBeginning = []
    await kafka.disconnectAll()
    this.instrumentation.emit(CONSUMER_EVENTS.DISCONNECT, null)
  }

  /**
   * Adds topics to the subscription (before run()). A RegExp is matched against the cluster's
   * topics now, as KafkaJS does; names are looked up (created when allowAutoTopicCreation, default true).
   * @throws KafkaJSNonRetriableError while running, or for a bad argument
   */
  async subscribe(subscription: ConsumerSubscribeTopics | ConsumerSubscribeTopic): Promise<void> {
    const kafka = this.connected()
    if (this.run_ !== null) throw new KafkaJSNonRetriableError('Cannot subscribe to topic while consumer is running')
    const list = 'topics' in subscription && subscription.topics !== undefined ? subscription.topics : 'topic' in subscription ? [subscription.topic] : undefined
    if (!Array.isArray(list) || list.length === 0) throw new KafkaJSNonRetriableError('Missing required argument "topics"')
    const names: string[] = []
    try {
      if (list.some((t) => t instanceof RegExp)) await kafka.refreshMetadata()
      for (const t of list) {
        if (t instanceof RegExp) {
          for (const m of kafka.cluster.topicList()) if (!m.isInternal && t.test(m.name)) names.push(m.name)
        } else if (typeof t === 'string' && t.length > 0) names.push(t)
        else throw new KafkaJSNonRetriableError(`Invalid topic ${String(t)} (string or RegExp)`)
      }
      const plain = names.filter((n) => !this.topics.includes(n))
      if (plain.length > 0) await kafka.cluster.metadata(plain, { allowAutoTopicCreation: this.config.allowAutoTopicCreation ?? true })
    } catch (err) {
      rethrow(err)
    }
    for (const n of names) {
      if (this.topics.includes(n)) continue
      this.topics.push(n)
      this.fromBeginning.push(subscription.fromBeginning === true)
    }
  }

  /**
   * Starts consuming; resolves once the consumer joined its group (its first assignment), as
   * KafkaJS's run() does. Consuming goes on in the background until stop() or disconnect().
   */
  async run(config: ConsumerRunConfig = {}): Promise<void> {
    const kafka = this.connected()
    if (this.run_ !== null) {
      this.logger().warn('consumer#run was called, but the consumer is already running', { groupId: this.config.groupId })
      return
    }
    if ((config.eachMessage === undefined) === (config.eachBatch === undefined)) {
      throw new KafkaJSNonRetriableError('Consumer run() needs exactly one of eachMessage and eachBatch')
    }
    if (this.topics.length === 0) throw new KafkaJSNonRetriableError('Consumer has no subscription: call subscribe() before run()')
    const all = this.fromBeginning.every((b) => b)
    const none = this.fromBeginning.every((b) => !b)
    if (!all && !none) this.logger().warn('kafkats/kafkajs: fromBeginning differs between subscribed topics; kafkats has one reset strategy per consumer, so every topic without a committed offset starts from the beginning')
    const c = this.config
    let kc: KafkatsConsumer
    try {
      kc = kafka.consumer({
        groupId: c.groupId,
        topics: [...this.topics],
        resetStrategy: none ? 'latest' : 'earliest',
        assignors: (c.partitionAssigners ?? []).length > 0 ? (c.partitionAssigners as PartitionAssigner[]).map(assignorNameOf) : ['roundRobin'],
        sessionTimeoutMs: c.sessionTimeout ?? 30_000,
        maxPollIntervalMs: c.rebalanceTimeout ?? 60_000,
        heartbeatIntervalMs: c.heartbeatInterval ?? 3_000,
        maxPartitionBytes: c.maxBytesPerPartition ?? 1_048_576,
        minBytes: c.minBytes ?? 1,
        maxBytes: c.maxBytes ?? 10_485_760,
        maxWaitMs: c.maxWaitTimeInMs ?? 5_000,
        isolationLevel: c.readUncommitted === true ? 'read_uncommitted' : 'read_committed',
        clientRack: c.rackId,
        autoCommit: false,
      })
    } catch (err) {
      rethrow(err)
    }
    const run: Run = {
      kc,
      config,
      autoCommit: config.autoCommit ?? true,
      running: true,
      resolved: new Map(),
      committed: new Map(),
      epochs: new Map(),
      lastCommit: Date.now(),
      inflight: new Set(),
      failures: 0,
      loop: null,
      pendingSeeks: new Map(),
      generationId: -1,
      memberId: '',
    }
    this.run_ = run
    let joined!: () => void
    const firstJoin = new Promise<void>((resolve) => {
      joined = resolve
    })
    const startedAt = Date.now()
    kc.on('rebalance', (e) => {
      this.onRebalance(run, e, startedAt)
      joined()
    })
    run.loop = this.consume(run)
    await Promise.race([firstJoin, run.loop])
  }

  /** Stops consuming: waits for the handlers running, commits resolved offsets (autoCommit), leaves the group. */
  async stop(): Promise<void> {
    const run = this.run_
    if (run === null) return
    run.running = false
    await Promise.allSettled([...run.inflight])
    if (run.autoCommit) await this.commitResolved(run).catch((err: unknown) => this.logger().warn('commit on stop failed', { error: String(err) }))
    await run.kc.close().catch(() => {})
    await run.loop?.catch(() => {})
    if (this.run_ === run) this.run_ = null
    this.instrumentation.emit(CONSUMER_EVENTS.STOP, null)
  }

  /** Commits these offsets (the next offsets to read) now. */
  async commitOffsets(topicPartitions: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    const run = this.running('commitOffsets')
    const offsets = topicPartitions.map((t) => ({ topic: t.topic, partition: t.partition, offset: parseOffset(t.offset, 'commitOffsets'), metadata: t.metadata ?? null }))
    try {
      await run.kc.commit(offsets)
    } catch (err) {
      rethrow(err)
    }
    for (const o of offsets) {
      const key = partitionKey(o.topic, o.partition)
      run.committed.set(key, o.offset)
      const r = run.resolved.get(key)
      if (r !== undefined && r.offset <= o.offset) run.resolved.delete(key)
    }
    this.emitCommit(run, offsets)
  }

  /**
   * Moves a partition: the next message handed out is at `offset` ('-2' earliest, '-1' latest).
   * With autoCommit the offset is committed, as KafkaJS does. A partition not assigned yet is
   * moved when it is.
   */
  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    const run = this.running('seek')
    const at = parseOffset(offset, 'seek')
    const key = partitionKey(topic, partition)
    run.epochs.set(key, (run.epochs.get(key) ?? 0) + 1)
    if (!run.kc.assignment().some((p) => p.topic === topic && p.partition === partition)) {
      run.pendingSeeks.set(key, { topic, partition, offset: at })
      return
    }
    this.seekNow(run, topic, partition, at)
  }

  private seekNow(run: Run, topic: string, partition: number, at: bigint): void {
    const key = partitionKey(topic, partition)
    try {
      run.kc.seek(topic, partition, at === -2n ? 'earliest' : at === -1n ? 'latest' : at)
    } catch (err) {
      rethrow(err)
    }
    if (at >= 0n) {
      run.resolved.set(key, { topic, partition, offset: at })
      if (run.autoCommit) void this.commitResolved(run).catch((err: unknown) => this.logger().warn('commit after seek failed', { error: String(err) }))
    } else run.resolved.delete(key)
  }

  /** Describes this consumer's group (DescribeGroups). */
  async describeGroup(): Promise<GroupDescription> {
    const kafka = this.connected()
    const admin = kafka.admin()
    try {
      const [g] = await admin.describeGroups([this.config.groupId])
      return toGroupDescription(g)
    } catch (err) {
      rethrow(err)
    } finally {
      await admin.close()
    }
  }

  /** Pauses topics (every partition, also ones assigned later) or some of their partitions. */
  pause(topicPartitions: Array<{ topic: string; partitions?: number[] }>): void {
    for (const { topic, partitions } of checkTopics('pause', topicPartitions)) {
      if (partitions === undefined) this.pausedTopics.set(topic, null)
      else {
        const cur = this.pausedTopics.get(topic)
        if (cur === null) continue
        const set = cur ?? new Set<number>()
        for (const p of partitions) set.add(p)
        this.pausedTopics.set(topic, set)
      }
    }
    this.applyPauses()
  }

  /** Resumes paused topics or partitions. */
  resume(topicPartitions: Array<{ topic: string; partitions?: number[] }>): void {
    const run = this.run_
    for (const { topic, partitions } of checkTopics('resume', topicPartitions)) {
      const cur = this.pausedTopics.get(topic)
      if (partitions === undefined || cur === undefined) this.pausedTopics.delete(topic)
      else if (cur === null) {
        // Resuming some partitions of a wholly paused topic: the others stay paused.
        const others = new Set(run?.kc.assignment().filter((p) => p.topic === topic).map((p) => p.partition) ?? [])
        for (const p of partitions) others.delete(p)
        this.pausedTopics.set(topic, others)
      } else {
        for (const p of partitions) cur.delete(p)
        if (cur.size === 0) this.pausedTopics.delete(topic)
      }
      run?.kc.resume([{ topic, partitions }])
    }
    this.applyPauses()
  }

  /** Paused partitions, by topic. */
  paused(): Array<{ topic: string; partitions: number[] }> {
    const assigned = this.run_?.kc.assignment() ?? []
    const out: Array<{ topic: string; partitions: number[] }> = []
    for (const [topic, set] of this.pausedTopics) {
      const partitions = set === null ? assigned.filter((p) => p.topic === topic).map((p) => p.partition) : [...set]
      out.push({ topic, partitions: partitions.sort((a, b) => a - b) })
    }
    return out
  }

  private isPaused(topic: string, partition: number): boolean {
    const set = this.pausedTopics.get(topic)
    return set === null || (set !== undefined && set.has(partition))
  }

  private applyPauses(): void {
    const run = this.run_
    if (run === null) return
    const toPause = run.kc.assignment().filter((p) => this.isPaused(p.topic, p.partition))
    if (toPause.length > 0) run.kc.pause(toPause.map((p) => ({ topic: p.topic, partitions: [p.partition] })))
  }

  private connected(): KafkatsKafka {
    if (this.kafka === null) throw new KafkaJSNonRetriableError('The consumer is not connected: call connect() first')
    return this.kafka
  }

  private running(what: string): Run {
    if (this.run_ === null) throw new KafkaJSNonRetriableError(`Consumer group was not initialized, consumer#run must be called first (${what})`)
    return this.run_
  }

  private onRebalance(run: Run, e: RebalanceEvent, startedAt: number): void {
    for (const p of e.revoked) {
      const key = partitionKey(p.topic, p.partition)
      run.resolved.delete(key)
      run.committed.delete(key)
      run.epochs.set(key, (run.epochs.get(key) ?? 0) + 1)
    }
    run.generationId = e.generationId
    run.memberId = e.memberId
    const memberAssignment: Record<string, number[]> = {}
    for (const topic of Object.keys(e.assignment)) memberAssignment[topic] = Object.keys(e.assignment[topic]).map(Number).sort((a, b) => a - b)
    for (const [key, s] of run.pendingSeeks) {
      if (memberAssignment[s.topic]?.includes(s.partition) === true) {
        run.pendingSeeks.delete(key)
        this.seekNow(run, s.topic, s.partition, s.offset)
      }
    }
    this.applyPauses()
    this.instrumentation.emit(CONSUMER_EVENTS.GROUP_JOIN, {
      duration: Date.now() - startedAt,
      groupId: this.config.groupId,
      isLeader: false,
      leaderId: '',
      groupProtocol: (this.config.partitionAssigners ?? []).length > 0 ? assignorNameOf((this.config.partitionAssigners as PartitionAssigner[])[0]).toLowerCase() : 'roundrobin',
      memberId: e.memberId,
      memberAssignment,
    })
  }

  /** The consume loop of one run: batches from kafkats's iterator, one handler chain per partition. */
  private async consume(run: Run): Promise<void> {
    const concurrency = Math.max(1, run.config.partitionsConsumedConcurrently ?? 1)
    const chains = new Map<string, Promise<void>>()
    while (run.running) {
      const it = run.kc[Symbol.asyncIterator]()
      try {
        for (;;) {
          while (run.inflight.size >= concurrency) await Promise.race(run.inflight)
          if (!run.running) break
          const next = await it.next()
          if (next.done === true || !run.running) break
          const batch = next.value
          if (batch.records.length === 0) continue
          const key = partitionKey(batch.topic, batch.partition)
          const epoch = run.epochs.get(key) ?? 0
          const p = (chains.get(key) ?? Promise.resolve()).then(() => this.handle(run, batch, key, epoch))
          const tracked: Promise<void> = p.finally(() => {
            run.inflight.delete(tracked)
            if (chains.get(key) === tracked) chains.delete(key)
          })
          run.inflight.add(tracked)
          chains.set(key, tracked)
          if (concurrency === 1) await tracked
        }
        if (!run.running) break
        // The iterator ended: the consumer was closed under us.
        break
      } catch (err) {
        if (!run.running) break
        const error = toKafkaJSError(err) as Error
        this.logger().error(`Crash: ${error.name}: ${error.message}`, { groupId: this.config.groupId })
        const restart = (error as { retriable?: boolean }).retriable === true || (await this.shouldRestart(error))
        this.instrumentation.emit(CONSUMER_EVENTS.CRASH, { error, groupId: this.config.groupId, restart })
        if (!restart) {
          run.running = false
          void this.stop()
          throw error
        }
        await sleep(this.backoff(run))
      }
    }
  }

  private async shouldRestart(error: Error): Promise<boolean> {
    const f = this.config.retry?.restartOnFailure ?? this.ctx.retry.restartOnFailure
    if (f === undefined) return true
    try {
      return await f(error)
    } catch {
      return false
    }
  }

  private backoff(run: Run): number {
    const r = this.config.retry ?? {}
    const initial = r.initialRetryTime ?? this.ctx.retry.initialRetryTime
    const max = r.maxRetryTime ?? this.ctx.retry.maxRetryTime
    return Math.min(max, initial * 2 ** Math.min(run.failures, 20))
  }

  /** Handles one batch: the handler, resolved offsets, commits, and the partition moved back to what is left unprocessed. */
  private async handle(run: Run, kb: ConsumerBatch, key: string, epoch: number): Promise<void> {
    const { topic, partition } = kb
    const moved = (): boolean => (run.epochs.get(key) ?? 0) !== epoch
    const stale = (): boolean => moved() || !run.running
    if (stale()) return
    const first = kb.records[0].offset
    const end = kb.records[kb.records.length - 1].offset + 1n
    const batch = new Batch(kb)
    const payload = {
      topic,
      partition,
      highWatermark: batch.highWatermark,
      offsetLag: batch.offsetLag(),
      offsetLagLow: batch.offsetLagLow(),
      batchSize: batch.messages.length,
      firstOffset: batch.firstOffset(),
      lastOffset: batch.lastOffset(),
    }
    const startedAt = Date.now()
    this.instrumentation.emit(CONSUMER_EVENTS.START_BATCH_PROCESS, payload)
    const resolve = (offset: bigint): void => {
      // A handler that finished counts even while stopping; not after a seek or revocation.
      if (moved()) return
      run.resolved.set(key, { topic, partition, offset })
    }
    const pause = (): (() => void) => {
      this.pause([{ topic, partitions: [partition] }])
      return () => this.resume([{ topic, partitions: [partition] }])
    }
    const heartbeat = async (): Promise<void> => {}
    let failed: unknown = null
    try {
      if (run.config.eachMessage !== undefined) {
        const each = run.config.eachMessage
        for (const message of batch.messages) {
          if (stale() || this.isPaused(topic, partition)) break
          await each({ topic, partition, message, heartbeat, pause })
          resolve(BigInt(message.offset) + 1n)
          await this.commitIfNecessary(run)
        }
      } else {
        const each = run.config.eachBatch as EachBatchHandler
        await each({
          batch,
          resolveOffset: (offset) => resolve(parseOffset(offset, 'resolveOffset') + 1n),
          heartbeat,
          pause,
          commitOffsetsIfNecessary: async (offsets) => {
            if (offsets !== undefined) {
              await this.commitOffsets(offsets.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset }))))
            } else await this.commitIfNecessary(run)
          },
          uncommittedOffsets: () => this.uncommitted(run),
          isRunning: () => run.running,
          isStale: moved,
        })
        if (run.config.eachBatchAutoResolve ?? true) resolve(end)
      }
    } catch (err) {
      failed = err
    }
    if (failed === null) {
      run.failures = 0
      this.instrumentation.emit(CONSUMER_EVENTS.END_BATCH_PROCESS, { ...payload, duration: Date.now() - startedAt })
    }
    if (run.autoCommit) await this.commitResolved(run).catch((err: unknown) => this.logger().warn('commit failed', { error: String(err) }))
    // What was not processed is fetched again: from the resolved offset, as KafkaJS fetches.
    if (!stale()) {
      const done = run.resolved.get(key)?.offset
      const from = done === undefined || done < first ? first : done
      if (from < end) {
        try {
          run.kc.seek(topic, partition, from)
        } catch (err) {
          this.logger().warn('could not move the partition back to its unprocessed messages', { topic, partition, error: String(err) })
        }
      }
    }
    if (failed !== null) await this.handlerFailed(run, failed, topic, partition)
  }

  /** A handler threw: logged, retried after a backoff (the batch is fetched again); past `retry.retries`, CRASH. */
  private async handlerFailed(run: Run, err: unknown, topic: string, partition: number): Promise<void> {
    const error = err instanceof Error ? err : new Error(String(err))
    this.logger().error(`Error when calling ${run.config.eachMessage !== undefined ? 'eachMessage' : 'eachBatch'}`, { topic, partition, error: error.message, stack: error.stack })
    run.failures++
    const retries = this.config.retry?.retries ?? this.ctx.retry.retries
    if (run.failures > retries) {
      const restart = await this.shouldRestart(error)
      this.instrumentation.emit(CONSUMER_EVENTS.CRASH, { error, groupId: this.config.groupId, restart })
      if (!restart) {
        run.running = false
        void this.stop()
        return
      }
      run.failures = 0
    }
    await sleep(this.backoff(run))
  }

  private uncommitted(run: Run): OffsetsByTopicPartition {
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>()
    for (const [key, r] of run.resolved) {
      if (run.committed.get(key) === r.offset) continue
      let list = byTopic.get(r.topic)
      if (list === undefined) byTopic.set(r.topic, (list = []))
      list.push({ partition: r.partition, offset: r.offset.toString() })
    }
    return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) }
  }

  private async commitIfNecessary(run: Run): Promise<void> {
    if (!run.autoCommit) return
    const { autoCommitInterval, autoCommitThreshold } = run.config
    const timeReached = autoCommitInterval != null && Date.now() >= run.lastCommit + autoCommitInterval
    let count = 0
    if (autoCommitThreshold != null) for (const [key, r] of run.resolved) if (run.committed.get(key) !== r.offset) count++
    if (timeReached || (autoCommitThreshold != null && count >= autoCommitThreshold)) await this.commitResolved(run)
  }

  /** Commits every resolved, not yet committed offset (kafkats's commit(offsets)). */
  private async commitResolved(run: Run): Promise<void> {
    const offsets: Array<{ topic: string; partition: number; offset: bigint }> = []
    for (const [key, r] of run.resolved) if (run.committed.get(key) !== r.offset) offsets.push(r)
    run.lastCommit = Date.now()
    if (offsets.length === 0) return
    try {
      await run.kc.commit(offsets)
    } catch (err) {
      // Partitions revoked by a rebalance: their new owner reads them again (at-least-once).
      if (!(err instanceof StaleCommitError)) throw toKafkaJSError(err)
      this.logger().warn('offsets not committed: the group rebalanced', { error: err.message })
      return
    }
    for (const o of offsets) run.committed.set(partitionKey(o.topic, o.partition), o.offset)
    this.emitCommit(run, offsets)
  }

  private emitCommit(run: Run, offsets: ReadonlyArray<{ topic: string; partition: number; offset: bigint }>): void {
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>()
    for (const o of offsets) {
      let list = byTopic.get(o.topic)
      if (list === undefined) byTopic.set(o.topic, (list = []))
      list.push({ partition: o.partition, offset: o.offset.toString() })
    }
    this.instrumentation.emit(CONSUMER_EVENTS.COMMIT_OFFSETS, {
      groupId: this.config.groupId,
      memberId: run.memberId,
      groupGenerationId: run.generationId,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    })
  }
}

function checkTopics(what: string, list: Array<{ topic: string; partitions?: number[] }>): Array<{ topic: string; partitions?: number[] }> {
  if (!Array.isArray(list) || list.some((t) => t === null || typeof t !== 'object' || typeof t.topic !== 'string')) {
    throw new KafkaJSNonRetriableError(`${what}: expected an array of { topic, partitions? }`)
  }
  return list
}
