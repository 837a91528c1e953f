/**
 * The consumer (docs/consumer.md): a group member (`topics` + `groupId`, classic group
 * protocol) or a partition consumer (`assignments`). Three ways to consume: `poll()`, the async
 * iterator (one {@link ConsumerBatch} per partition and Fetch response) and `run()`.
 *
 * Concurrency: fetches run in the background (fetcher.ts) into a bounded queue; records are
 * handed out only here. Eager rebalances run inside poll/next (between batches, as the Java
 * client runs them inside poll), so a batch in hand can still be committed; cooperative ones
 * (KIP-429) run in the background while retained partitions keep delivering.
 */
import { EventEmitter } from 'node:events'
import type { ClientContext, Closeable } from '../client-context.js'
import { ClosedError, ConfigError, KafkaError } from '../errors.js'
import type { Log } from '../logger.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import type { Cluster } from '../pool/cluster.js'
import { newConnectionOwner } from '../pool/connection-routing.js'
import { backoffMs } from '../pool/retry.js'
import { LogTruncationError, StaleCommitError } from './consumer-errors.js'
import { resolveConsumerOptions, type ConsumerOptions, type PartitionAssignment, type ResolvedConsumerOptions } from './consumer-options.js'
import type {
  CommitOffset,
  ConsumerBatch,
  ConsumerEvent,
  ConsumerRecord,
  PartitionLag,
  PartitionOffsets,
  RebalanceEvent,
  TopicPartition,
  TopicPartitions,
} from './consumer-record.js'
import type { PartitionState } from './partition-state.js'
import { SubscriptionState } from './subscription-state.js'
import { FetchQueue } from './fetch-queue.js'
import { Fetcher, type FetchedPartition } from './fetcher.js'
import { GroupMembership, type GroupEvents } from './group/coordinator.js'
import { ConsumerGroupMembership } from './group/consumer-group-membership.js'
import type { GroupMember } from './group/group-member.js'
import type { ConsumerGroupMetadata } from './group-metadata.js'
import { partitionKey } from '../offsets/topic-partition.js'
import { commitOffsets, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, type OffsetToCommit } from '../offsets/offsets.js'
import { positionCursors } from './start-offsets.js'
import { ConsumerStatsCollector, type ConsumerStats } from './consumer-stats.js'
import { checkAssignments, checkTopicPartitions, startOf } from './manual-assignment.js'
import { Wakeup } from './wakeup.js'
import { consumerCloseChannel, consumerOpenChannel, consumerProcessChannel, consumerReceiveChannel, type ConsumerLifecycleMessage, type ConsumerProcessContext, type ConsumerReceiveMessage } from '../diagnostics.js'
import { brokerRegex, matchTopics, parseSubscription, type TopicSubscription } from './topic-subscription.js'

export type { ConsumerOptions } from './consumer-options.js'
export type { ConsumerStats, PartitionConsumeStats } from './consumer-stats.js'

/** Options of {@link Consumer.poll}. */
export interface PollOptions {
  /** Ends the wait early: poll resolves with `records: []`. */
  signal?: AbortSignal
  /** Records this call returns at most (a positive integer). Default: `maxPollRecords`. */
  maxRecords?: number
}

/** Handlers of {@link Consumer.run}: exactly one of eachMessage and eachBatch. */
export interface RunOptions {
  eachMessage?: (record: ConsumerRecord) => Promise<void> | void
  eachBatch?: (batch: ConsumerBatch) => Promise<void> | void
  /**
   * Commit after each batch is handled. Default false. With `partitionsConsumedConcurrently`
   * 1, `commit()` (every partition's progress, which is then that batch's); above 1, exactly
   * the handled batch's partition, up to its last record.
   */
  commitAfterBatch?: boolean
  /**
   * Partitions handled at once (KafkaJS's partitionsConsumedConcurrently): up to this many
   * handlers run concurrently, each on a different partition; the records of one partition are
   * always handled one batch after the other, in order. A positive integer. Default 1.
   * Before a rebalance revokes partitions, the handlers running are awaited (no new batch is
   * started meanwhile), as a single handler is.
   */
  partitionsConsumedConcurrently?: number
}

/** `poll()` also resolves with this once an `exitAtEnd` consumer reached the end. */
export interface EndEvent {
  type: 'end'
}

const STALE_CODES = new Set<number>([
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.FENCED_INSTANCE_ID,
  ErrorCode.STALE_MEMBER_EPOCH,
  ErrorCode.FENCED_MEMBER_EPOCH,
])

export class Consumer implements AsyncIterable<ConsumerBatch>, Closeable {
  private readonly options: ResolvedConsumerOptions
  private readonly cluster: Cluster
  /** This consumer's identity for its own fetch and coordinator connections (connection-routing.ts). */
  private readonly owner = newConnectionOwner('consumer')
  private readonly log: Log
  private readonly context: ClientContext
  /** The one owner of partition state (assignment, positions, pause, fetch state). */
  private readonly subscriptions = new SubscriptionState()
  private readonly queue: FetchQueue
  private readonly wakeup = new Wakeup()
  private readonly fetcher: Fetcher
  private readonly group: GroupMember | null
  private readonly emitter = new EventEmitter()
  private readonly events: RebalanceEvent[] = []
  private readonly errors: KafkaError[] = []
  private fatal: KafkaError | null = null
  private starting: Promise<void> | null = null
  private stopping: Promise<void> | null = null
  private stopped = false
  private joining: Promise<void> | null = null
  private positioning: Promise<void> | null = null
  private retryTimer: NodeJS.Timeout | null = null
  /** Positioning failures in a row (the backoff attempt). */
  private positioningFailures = 0
  private autoCommitTimer: NodeJS.Timeout | null = null
  /** Fires when the application has not polled within maxPollIntervalMs (Java's poll timer). */
  private pollTimer: NodeJS.Timeout | null = null
  /** poll() calls and iterations in progress: the application is asking for records. */
  private polling = 0
  /** Partitions revoked or lost with records handed out and not committed. */
  private staleProgress: TopicPartition[] = []
  /** exitAtEnd: partitionKey → offset that counts as the end. */
  private endOffsets: Map<string, bigint> | null = null
  /** This consumer's name, `<clientId>#consumer-<n>` (logs and stats). */
  readonly name: string
  private readonly statsCollector: ConsumerStatsCollector
  private statsTimer: NodeJS.Timeout | null = null
  /** What a group consumer subscribes to now; null: nothing (never subscribed, or unsubscribed). */
  private subscription: TopicSubscription | null
  /** Classic protocol with RegExps: re-matches the cluster's topics every metadataMaxAgeMs. */
  private patternTimer: NodeJS.Timeout | null = null
  /**
   * A group consumer given partitions by assign() after unsubscribe() (Java's manual
   * assignment): no membership; commits go to the group with generation -1 and no member id.
   */
  private manual = false

  /** @throws ConfigError on invalid options. */
  constructor(context: ClientContext, options: ConsumerOptions) {
    this.options = resolveConsumerOptions(options)
    this.context = context
    this.cluster = context.cluster
    this.name = context.name
    this.log = context.log
    const o = this.options
    this.statsCollector = new ConsumerStatsCollector(this.name, context.options.clientId)
    this.subscription = o.subscription
    if (o.exitAtEnd && o.assignments === null) throw new ConfigError('invalid consumer options: exitAtEnd: only for a consumer with assignments')
    this.queue = new FetchQueue(
      (c) => this.subscriptions.isCurrent(c),
      (item) => this.fetcher.release(item),
      (c, err) => this.failPartition(c, err),
    )
    this.fetcher = new Fetcher(this.cluster, o, context.options.requestTimeoutMs, {
      cursors: () => this.subscriptions.all(),
      deliver: (items) => this.deliver(items),
      outOfRange: (c, err) => this.outOfRange(c, err),
      fail: (c, err) => this.failPartition(c, err),
      truncated: (c, offset, epoch) => this.truncated(c, offset, epoch),
    }, this.log, this.owner, context.options.metadataMaxAgeMs)
    const groupEvents: GroupEvents = {
      rejoinNeeded: () => this.wakeup.notify(),
      lost: (reason) => this.lose(reason),
      fatal: (err) => this.setFatal(err),
    }
    const names = o.subscription?.names ?? []
    this.group =
      o.assignments !== null || o.groupId === null
        ? null
        : o.groupProtocol === 'consumer'
          ? new ConsumerGroupMembership(
              this.cluster,
              {
                groupId: o.groupId,
                groupInstanceId: o.groupInstanceId,
                topics: names,
                topicRegex: o.subscription === null ? '' : brokerRegex(o.subscription),
                rackId: o.clientRack === '' ? null : o.clientRack,
                remoteAssignor: o.groupRemoteAssignor,
                rebalanceTimeoutMs: o.maxPollIntervalMs,
                sessionTimeoutMs: o.sessionTimeoutMs,
                owner: this.owner,
              },
              groupEvents,
              this.log,
            )
          : new GroupMembership(
              this.cluster,
              {
                groupId: o.groupId,
                groupInstanceId: o.groupInstanceId,
                topics: names,
                assignors: o.assignors,
                sessionTimeoutMs: o.sessionTimeoutMs,
                rebalanceTimeoutMs: o.maxPollIntervalMs,
                heartbeatIntervalMs: o.heartbeatIntervalMs,
                requestTimeoutMs: context.options.requestTimeoutMs,
                metadataMaxAgeMs: context.options.metadataMaxAgeMs,
                owner: this.owner,
              },
              groupEvents,
              this.log,
            )
    // A partition consumer owns its partitions from the start: pause/seek work before the first poll.
    for (const a of o.assignments ?? []) this.subscriptions.assign(a.topic, a.partition, startOf(a, o.groupId, o.resetStrategy))
    if (o.statisticsIntervalMs > 0) {
      this.statsTimer = setInterval(() => this.emitter.emit('stats', this.stats()), o.statisticsIntervalMs)
      this.statsTimer.unref()
    }
    context.track(this)
    if (consumerOpenChannel.hasSubscribers) consumerOpenChannel.publish(this.lifecycleMessage())
  }

  /** The message of `kafkats:consumer:open` and `kafkats:consumer:close` (src/diagnostics.ts). */
  private lifecycleMessage(): ConsumerLifecycleMessage {
    return { clientId: this.context.options.clientId, groupId: this.options.groupId, consumer: this }
  }

  /** Counts records handed to the application, and publishes them on `kafkats:consumer:receive` when subscribed. */
  private handOut(records: readonly ConsumerRecord[]): void {
    this.statsCollector.recordsConsumed += records.length
    if (consumerReceiveChannel.hasSubscribers && records.length > 0) {
      consumerReceiveChannel.publish({ clientId: this.context.options.clientId, consumer: this.name, groupId: this.options.groupId, records } satisfies ConsumerReceiveMessage)
    }
  }

  /**
   * Listens to `rebalance` events (every completed rebalance, whichever way you consume) or
   * `stats` events (a {@link ConsumerStats} every `statisticsIntervalMs`).
   */
  on(event: 'rebalance', listener: (e: RebalanceEvent) => void): this
  on(event: 'stats', listener: (s: ConsumerStats) => void): this
  on(event: 'rebalance' | 'stats', listener: ((e: RebalanceEvent) => void) | ((s: ConsumerStats) => void)): this {
    this.emitter.on(event, listener)
    return this
  }

  once(event: 'rebalance', listener: (e: RebalanceEvent) => void): this
  once(event: 'stats', listener: (s: ConsumerStats) => void): this
  once(event: 'rebalance' | 'stats', listener: ((e: RebalanceEvent) => void) | ((s: ConsumerStats) => void)): this {
    this.emitter.once(event, listener)
    return this
  }

  off(event: 'rebalance', listener: (e: RebalanceEvent) => void): this
  off(event: 'stats', listener: (s: ConsumerStats) => void): this
  off(event: 'rebalance' | 'stats', listener: ((e: RebalanceEvent) => void) | ((s: ConsumerStats) => void)): this {
    this.emitter.off(event, listener)
    return this
  }

  /** A snapshot of this consumer's counters and partitions (docs/consumer.md, "Statistics"). */
  stats(): ConsumerStats {
    return this.statsCollector.snapshot(this.subscriptions.all(), this.queue.bufferedRecords())
  }

  // ---- lifecycle -------------------------------------------------------------------------

  private start(): Promise<void> {
    this.starting ??= this.doStart()
    return this.starting
  }

  private async doStart(): Promise<void> {
    const o = this.options
    if (o.autoCommit && o.groupId !== null) {
      const tick = (): void => {
        this.autoCommitTimer = setTimeout(() => {
          this.commit().catch((err: unknown) => this.log.warn({ error: String(err) }, 'auto commit failed')).finally(() => {
            if (!this.stopped) tick()
          })
        }, o.autoCommitIntervalMs)
      }
      tick()
    }
    if (o.assignments === null) return
    await this.cluster.metadata([...new Set(o.assignments.map((a) => a.topic))])
    await this.resolvePositions()
    if (o.exitAtEnd) {
      const ends = await listOffsets(
        this.cluster,
        [...this.subscriptions.all()].map((c) => ({ topic: c.topic, partition: c.partition, timestamp: LATEST_TIMESTAMP })),
        o.isolationLevel === 'read_committed' ? 1 : 0,
      )
      this.endOffsets = new Map([...ends].map(([k, v]) => [k, v.offset]))
    }
    this.fetcher.tick()
  }

  /** Positions unpositioned cursors (single flight); failures are surfaced and retried later. */
  private resolvePositions(): Promise<void> {
    this.positioning ??= (async () => {
      try {
        const failed = await positionCursors(
          { cluster: this.cluster, owner: this.owner, groupId: this.options.groupId, resetStrategy: this.options.resetStrategy, readCommitted: this.options.isolationLevel === 'read_committed' },
          [...this.subscriptions.all()],
        )
        for (const [, err] of failed) this.surface(err)
        this.positioningFailures = 0
      } catch (err) {
        this.surface(asKafkaError(err))
        this.scheduleRetry()
      } finally {
        this.positioning = null
      }
      this.fetcher.tick()
    })()
    return this.positioning
  }

  /**
   * The look-ups retried within their deadline (src/offsets/offsets.ts) and still failed: the
   * error was surfaced; try again after the policy's backoff (timer-driven, src/pool/retry.ts).
   */
  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.stopped) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (!this.stopped) void this.resolvePositions()
    }, backoffMs(this.positioningFailures++, this.cluster.retryPolicy))
  }

  /**
   * Stops: leaves the group (LeaveGroup; static members stay until their session times out),
   * stops heartbeats and fetches, drops buffered records. Commits nothing unless `autoCommit`.
   * Idempotent; never throws.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop()
    return this.stopping
  }

  /** Same as {@link stop} (what `kafka.disconnectAll()` calls). */
  close(): Promise<void> {
    return this.stop()
  }

  private async doStop(): Promise<void> {
    if (this.autoCommitTimer !== null) clearTimeout(this.autoCommitTimer)
    this.autoCommitTimer = null
    if (this.statsTimer !== null) clearInterval(this.statsTimer)
    this.statsTimer = null
    if (this.patternTimer !== null) clearTimeout(this.patternTimer)
    this.patternTimer = null
    if (this.options.autoCommit && this.options.groupId !== null && this.starting !== null && this.joining === null) {
      await this.commit().catch((err: unknown) => this.log.warn({ error: String(err) }, 'final auto commit failed'))
    }
    this.stopped = true
    if (this.pollTimer !== null) clearTimeout(this.pollTimer)
    this.pollTimer = null
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.wakeup.notify()
    await this.fetcher.stop()
    if (this.group !== null) await this.group.stop()
    this.joining?.catch(() => {})
    this.queue.clear()
    await this.cluster.release(this.owner)
    this.context.untrack(this)
    if (consumerCloseChannel.hasSubscribers) consumerCloseChannel.publish(this.lifecycleMessage())
  }

  // ---- fetch host --------------------------------------------------------------------------

  private deliver(items: FetchedPartition[]): void {
    const st = this.statsCollector
    st.fetchedBatches += items.length
    for (const item of items) st.recordsFetched += item.recordCount
    this.queue.push(items)
    this.wakeup.notify()
  }

  private outOfRange(c: PartitionState, err: KafkaError): void {
    if (this.options.resetStrategy === 'none') {
      c.fail()
      this.surface(err)
      return
    }
    this.log.debug('consumer', { topic: c.topic, partition: c.partition, offset: String(c.fetchPosition) }, 'offset out of range; resetting')
    this.purge(c)
    c.unposition(this.options.resetStrategy)
    void this.resolvePositions()
  }

  /**
   * The partition's log diverges from what was fetched at `divergentOffset` (KIP-320). Nothing
   * handed out was lost when that is at or past the position: fetch again from the position.
   * Else, as the Java consumer: with 'none' a LogTruncationError and the partition stops until
   * seek(); with 'earliest'/'latest' it goes on from the first diverging offset, or resets by
   * the strategy when that is unknown.
   */
  private truncated(c: PartitionState, divergentOffset: bigint, epoch: number): void {
    this.purge(c)
    if (divergentOffset >= 0n && divergentOffset >= c.position) {
      c.seek(c.position, c.leaderEpoch)
    } else if (this.options.resetStrategy === 'none') {
      c.fail()
      this.surface(new LogTruncationError(c.topic, c.partition, c.position, divergentOffset, epoch))
    } else if (divergentOffset >= 0n) {
      this.log.warn({ topic: c.topic, partition: c.partition, position: String(c.position), divergentOffset: String(divergentOffset) }, 'log truncated; reading on from the first diverging offset')
      c.seek(divergentOffset, epoch)
    } else {
      this.log.warn({ topic: c.topic, partition: c.partition, position: String(c.position), resetStrategy: this.options.resetStrategy }, 'log truncated at an unknown offset; resetting')
      c.unposition(this.options.resetStrategy)
      void this.resolvePositions()
    }
    this.fetcher.tick()
    this.wakeup.notify()
  }

  private failPartition(c: PartitionState | null, err: KafkaError): void {
    if (c !== null) c.fail()
    this.surface(err)
  }

  private surface(err: KafkaError): void {
    if (this.stopped) return
    this.statsCollector.errors++
    this.errors.push(err)
    this.wakeup.notify()
  }

  private setFatal(err: KafkaError): void {
    this.fatal ??= err
    this.wakeup.notify()
  }

  private throwPending(): void {
    if (this.fatal !== null) throw this.fatal
    const err = this.errors.shift()
    if (err !== undefined) throw err
  }

  // ---- group -------------------------------------------------------------------------------

  /** Partitions lost with the generation (session expiry, fencing): dropped at once. */
  private lose(reason: string): void {
    this.log.warn({ groupId: this.options.groupId, reason }, 'group generation lost; dropping partitions')
    for (const c of [...this.subscriptions.all()]) this.removeCursor(c)
    this.wakeup.notify()
  }

  private removeCursor(c: PartitionState): void {
    if (this.subscriptions.revoke(c)) this.staleProgress.push({ topic: c.topic, partition: c.partition })
    this.purge(c)
  }

  private purge(c: PartitionState): void {
    this.queue.purge(c)
  }

  /**
   * Starts a rejoin when one is needed. It runs in the background: an eager one first revokes
   * every partition, so nothing is handed out until it ends; poll() waits for it at most its
   * timeout (issue 13 item 2) and the wakeup tells it when the rebalance event is queued.
   */
  private maybeRebalance(): void {
    const g = this.group
    if (g === null || this.stopped || this.joining !== null || this.subscription === null || !g.rejoinNeeded) return
    const running = g instanceof ConsumerGroupMembership ? this.reconcile(g) : this.rebalance(g as GroupMembership)
    if (running === null) return
    this.joining = running.finally(() => {
      this.joining = null
      this.wakeup.notify()
    })
    this.joining.catch(() => {})
  }

  /** Marks the application as polling: the max.poll.interval.ms timer stops. */
  private enterPoll(): void {
    this.polling++
    if (this.pollTimer !== null) clearTimeout(this.pollTimer)
    this.pollTimer = null
  }

  /** The application got control back: it must ask again within maxPollIntervalMs. */
  private leavePoll(): void {
    if (--this.polling > 0 || this.group === null || this.stopped) return
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null
      this.pollIntervalExceeded()
    }, this.options.maxPollIntervalMs)
    this.pollTimer.unref()
  }

  /**
   * max.poll.interval.ms passed without a poll: leave the group as the Java consumer does
   * (LeaveGroup), give every partition up, and queue a rebalance event with the revocation
   * for the next poll(), which then rejoins.
   */
  private pollIntervalExceeded(): void {
    const g = this.group
    if (g === null || this.stopped || this.polling > 0) return
    if (this.joining !== null) {
      // A background (cooperative) rejoin is running: decide once it ended.
      this.joining.then(() => this.pollIntervalExceeded(), () => {})
      return
    }
    if (!g.active) return
    this.log.warn({ groupId: this.options.groupId, maxPollIntervalMs: this.options.maxPollIntervalMs }, 'no poll within maxPollIntervalMs; leaving the group')
    const revoked: TopicPartition[] = []
    for (const c of [...this.subscriptions.all()]) {
      revoked.push({ topic: c.topic, partition: c.partition })
      this.removeCursor(c)
    }
    void g.leave('consumer poll timeout has expired (maxPollIntervalMs)')
    const event: RebalanceEvent = { type: 'rebalance', assignment: {}, revoked, generationId: -1, memberId: '' }
    this.events.push(event)
    this.emitter.emit('rebalance', event)
    this.wakeup.notify()
  }

  /**
   * The consumer protocol (KIP-848): joins when not in the group, else reconciles the target
   * assignment the coordinator sent. Revoking comes first and happens here, synchronously,
   * inside poll/next: nothing of a revoked partition is handed out from now on, and with
   * `autoCommit` its progress is committed before the revocation is acknowledged. Then the
   * new partitions are positioned, the `rebalance` event is queued, and only then is the new
   * ownership acknowledged (so a partition's next owner reports it after this member reported
   * giving it up). Returns null when there is nothing to wait for.
   */
  private reconcile(g: ConsumerGroupMembership): Promise<void> | null {
    g.ensureJoined()
    const target = g.takeTarget()
    if (target === null) return null
    const revoked: TopicPartition[] = []
    const toCommit: OffsetToCommit[] = []
    for (const c of [...this.subscriptions.all()]) {
      if (target.get(c.topic)?.includes(c.partition) ?? false) continue
      revoked.push({ topic: c.topic, partition: c.partition })
      if (this.options.autoCommit && c.hasProgress) {
        toCommit.push({ topic: c.topic, partition: c.partition, offset: c.position, leaderEpoch: c.leaderEpoch, metadata: null })
        this.subscriptions.revoke(c)
        this.purge(c)
      } else this.removeCursor(c)
    }
    for (const [topic, partitions] of target) {
      for (const p of partitions) this.subscriptions.assign(topic, p, 'committed')
    }
    return (async () => {
      try {
        if (toCommit.length > 0) {
          await commitOffsets(this.cluster, this.options.groupId as string, g.identity(), toCommit, { owner: this.owner }).then(
            (errors) => {
              if (errors.size > 0) this.log.warn({ groupId: this.options.groupId, partitions: errors.size }, 'auto commit of revoked partitions failed')
            },
            (err: unknown) => this.log.warn({ error: String(err) }, 'auto commit of revoked partitions failed'),
          )
        }
        if (this.stopped) return
        await this.cluster.metadata([...target.keys()])
        await this.resolvePositions()
        if (this.stopped) return
        this.publishRebalance(revoked, g.generationId, g.memberId)
        g.acknowledge(this.subscriptions.owned())
      } catch (err) {
        if (this.stopped || err instanceof ClosedError) return
        this.setFatal(asKafkaError(err))
      }
    })()
  }

  /** Queues and emits the rebalance event of a completed rebalance (either protocol), then fetches. */
  private publishRebalance(revoked: TopicPartition[], generationId: number, memberId: string): void {
    const event: RebalanceEvent = { type: 'rebalance', assignment: this.subscriptions.positions(), revoked, generationId, memberId }
    this.events.push(event)
    this.statsCollector.rebalances++
    this.emitter.emit('rebalance', event)
    this.fetcher.tick()
  }

  private async rebalance(g: GroupMembership): Promise<void> {
    try {
      // Eager: every owned partition is revoked before the join (Java's onPartitionsRevoked).
      const revoked: TopicPartition[] = []
      if (g.protocol === 'eager') {
        if (this.options.autoCommit && this.subscriptions.size > 0) await this.commitNow(null).catch((err: unknown) => this.log.warn({ error: String(err) }, 'auto commit before rebalance failed'))
        for (const c of [...this.subscriptions.all()]) {
          revoked.push({ topic: c.topic, partition: c.partition })
          this.removeCursor(c)
        }
      }
      const sub = this.subscription
      if (sub !== null && sub.patterns.length > 0) {
        if (this.cluster.allTopicsStale) await this.cluster.refreshAllTopics()
        g.setTopics(matchTopics(sub, this.cluster.topicList()), 'subscription matched')
        this.watchPatterns()
      }
      const before = this.subscriptions.owned()
      const result = await g.join(before)
      for (const c of [...this.subscriptions.all()]) {
        if (!(result.assigned.get(c.topic)?.includes(c.partition) ?? false)) {
          revoked.push({ topic: c.topic, partition: c.partition })
          this.removeCursor(c)
        }
      }
      for (const [topic, partitions] of result.assigned) {
        for (const p of partitions) this.subscriptions.assign(topic, p, 'committed')
      }
      if (this.stopped) return
      await this.cluster.metadata([...result.assigned.keys()])
      await this.resolvePositions()
      if (this.stopped) return
      this.publishRebalance(revoked, result.generationId, result.memberId)
      // KIP-429: what we gave up can now go to its new owner in a follow-up rebalance.
      if (g.protocol === 'cooperative' && revoked.length > 0) g.requestRejoin('partitions revoked')
    } catch (err) {
      if (this.stopped || err instanceof ClosedError) return
      this.setFatal(asKafkaError(err))
    }
  }

  // ---- handing out -------------------------------------------------------------------------

  private atEnd(): boolean {
    const ends = this.endOffsets
    if (ends === null) return false
    for (const c of this.subscriptions.all()) {
      const end = ends.get(c.key)
      if (c.state === 'failed') continue
      if (end === undefined || c.state !== 'ready' || c.position < end) return false
    }
    return true
  }

  /**
   * The next event: a rebalance (group consumers), records (at most `options.maxRecords`,
   * default `maxPollRecords`, from several partitions; `records: []` when `timeoutMs` passed or
   * `signal` aborted first), or `{ type: 'end' }` once an `exitAtEnd` consumer read every
   * partition to its end. Records past `maxRecords` stay buffered for the next call.
   * @param timeoutMs longest wait in ms (default: wait until something happens)
   * @throws ConfigError when `maxRecords` is not a positive integer; ClosedError after stop();
   *   the consumer's pending KafkaError (group errors keep
   *   being thrown; partition errors such as OFFSET_OUT_OF_RANGE under resetStrategy 'none',
   *   NO_OFFSET_FOR_PARTITION, CORRUPT_MESSAGE or TOPIC_AUTHORIZATION_FAILED once each)
   */
  async poll(timeoutMs = Infinity, options: PollOptions = {}): Promise<ConsumerEvent | EndEvent> {
    const maxRecords = options.maxRecords ?? this.options.maxPollRecords
    if (!Number.isSafeInteger(maxRecords) || maxRecords <= 0) throw new ConfigError(`poll: maxRecords must be a positive integer, got ${String(options.maxRecords)}`)
    const deadline = Date.now() + timeoutMs
    this.enterPoll()
    try {
      for (;;) {
        if (this.stopped) throw new ClosedError('the consumer is stopped')
        this.throwPending()
        // Partition consumers look positions up at start: bounded by the timeout too.
        if (!(await this.settledWithin(this.start(), deadline, options.signal))) return { type: 'records', records: [] }
        this.maybeRebalance()
        this.throwPending()
        const event = this.events.shift()
        if (event !== undefined) return event
        const records = this.queue.nextRecords(maxRecords)
        if (records.length > 0) {
          this.handOut(records)
          return { type: 'records', records }
        }
        if (this.atEnd()) return { type: 'end' }
        const left = deadline - Date.now()
        if (left <= 0 || options.signal?.aborted === true) return { type: 'records', records: [] }
        await this.wakeup.wait(left, options.signal)
      }
    } finally {
      this.leavePoll()
    }
  }

  /** Waits for `p` until `deadline`: true when it resolved, false on timeout/abort; rethrows its error. */
  private async settledWithin(p: Promise<void>, deadline: number, signal?: AbortSignal): Promise<boolean> {
    let done = false
    const tracked = p.then(() => {
      done = true
    })
    tracked.catch(() => {}) // a start that fails after the timeout surfaces on the next poll
    if (!Number.isFinite(deadline)) {
      await tracked
      return true
    }
    let timer: NodeJS.Timeout | undefined
    let onAbort: (() => void) | undefined
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))
      onAbort = resolve
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    try {
      await Promise.race([tracked, timeout])
    } finally {
      clearTimeout(timer)
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort)
    }
    return done
  }

  /**
   * Batches, one per partition and Fetch response, until stop() (or the end with exitAtEnd).
   * Rebalances are handled inside and reported through `on('rebalance')`. Breaking out of the
   * loop does not stop the consumer.
   * @throws as {@link poll}
   */
  async *[Symbol.asyncIterator](): AsyncIterator<ConsumerBatch> {
    this.enterPoll()
    try {
      for (;;) {
        if (this.stopped) return
        this.throwPending()
        await this.start()
        this.maybeRebalance()
        this.throwPending()
        this.events.length = 0
        const batch = this.queue.nextBatch()
        if (batch !== null) {
          this.handOut(batch.records)
          // The application has the batch: max.poll.interval.ms runs until it asks again.
          this.leavePoll()
          try {
            yield batch
          } finally {
            this.enterPoll()
          }
          continue
        }
        if (this.atEnd()) return
        if (this.stopped) return
        await this.wakeup.wait()
      }
    } finally {
      this.leavePoll()
    }
  }

  /**
   * Runs handlers over every batch until stop() (or the end with exitAtEnd).
   * @throws ConfigError unless exactly one handler is given, or when
   *   `partitionsConsumedConcurrently` is not a positive integer; KafkaError code HANDLER_FAILED
   *   (cause: the handler's error) when a handler throws: that batch is not committed (with
   *   concurrency, the other handlers running are awaited first and no new batch starts)
   */
  async run(options: RunOptions): Promise<void> {
    if ((options.eachMessage === undefined) === (options.eachBatch === undefined)) {
      throw new ConfigError('run() needs exactly one of eachMessage and eachBatch')
    }
    const n = options.partitionsConsumedConcurrently ?? 1
    if (!Number.isSafeInteger(n) || n < 1) throw new ConfigError(`run: partitionsConsumedConcurrently must be a positive integer, got ${String(n)}`)
    if (n > 1) return this.runConcurrently(options, n)
    for await (const batch of this) {
      try {
        await this.handleBatch(options, batch)
      } catch (err) {
        throw handlerFailed(err)
      }
      if (options.commitAfterBatch === true) await this.commit()
    }
  }

  /** One handler call inside the `kafkats:consumer:process` tracing channel (only while subscribed). */
  private traceProcess<A>(topic: string, partition: number, record: ConsumerRecord | null, records: readonly ConsumerRecord[], handler: (arg: A) => Promise<void> | void, arg: A): Promise<void> {
    const context: ConsumerProcessContext = { clientId: this.context.options.clientId, consumer: this.name, groupId: this.options.groupId, topic, partition, record, records }
    return consumerProcessChannel.tracePromise(callHandler<A>, context, undefined, context, handler, arg)
  }

  private async handleBatch(options: RunOptions, batch: ConsumerBatch): Promise<void> {
    // Traced (kafkats:consumer:process) only while someone subscribes: looked at once per batch.
    const traced = consumerProcessChannel.hasSubscribers
    if (options.eachBatch !== undefined) {
      if (traced) await this.traceProcess(batch.topic, batch.partition, null, batch.records, options.eachBatch, batch)
      else await options.eachBatch(batch)
    } else {
      const each = options.eachMessage as (record: ConsumerRecord) => Promise<void> | void
      for (const r of batch.records) {
        if (traced) await this.traceProcess(r.topic, r.partition, r, [r], each, r)
        else await each(r)
      }
    }
  }

  /**
   * run() with up to `n` handlers at once, one per partition. The loop hands out a batch only
   * of a partition with no handler running (the others' data waits queued, in order, bounded by
   * the buffer budget) and starts no batch while a rebalance waits: it lets the running handlers
   * end, then rebalances, as the one-at-a-time loop does between batches. max.poll.interval.ms
   * runs while every slot is taken or a rebalance waits for handlers.
   */
  private async runConcurrently(options: RunOptions, n: number): Promise<void> {
    const running = new Map<string, Promise<void>>()
    let failure: KafkaError | null = null
    let polling = false
    const setPolling = (on: boolean): void => {
      if (on === polling) return
      polling = on
      if (on) this.enterPoll()
      else this.leavePoll()
    }
    const start = (batch: ConsumerBatch): void => {
      const key = partitionKey(batch.topic, batch.partition)
      const work = (async () => {
        try {
          await this.handleBatch(options, batch)
        } catch (err) {
          failure ??= handlerFailed(err)
          return
        }
        if (options.commitAfterBatch === true && batch.records.length > 0 && failure === null && !this.stopped) {
          const last = batch.records[batch.records.length - 1]
          try {
            await this.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1n, leaderEpoch: last.leaderEpoch }])
          } catch (err) {
            failure ??= asKafkaError(err)
          }
        }
      })().finally(() => {
        running.delete(key)
        this.wakeup.notify()
      })
      running.set(key, work)
    }
    setPolling(true)
    try {
      for (;;) {
        if (failure !== null || this.stopped) break
        this.throwPending()
        await this.start()
        const g = this.group
        const rebalanceWaits = g !== null && this.joining === null && this.subscription !== null && g.rejoinNeeded
        if (rebalanceWaits && running.size > 0) {
          setPolling(false)
          await this.wakeup.wait()
          continue
        }
        this.maybeRebalance()
        this.throwPending()
        this.events.length = 0
        if (running.size < n) {
          setPolling(true)
          const batch = this.queue.nextBatch(running)
          if (batch !== null) {
            this.statsCollector.recordsConsumed += batch.records.length
            start(batch)
            continue
          }
          if (running.size === 0 && this.atEnd()) break
        } else setPolling(false)
        await this.wakeup.wait()
      }
    } finally {
      await Promise.allSettled([...running.values()])
      setPolling(false)
    }
    if (failure !== null) throw failure
  }

  // ---- subscriptions -------------------------------------------------------------------------

  /**
   * Replaces the subscription (Java's subscribe()): topic names and RegExps, each RegExp
   * matching whole topic names. Partitions of topics no longer subscribed are revoked by the
   * rebalance this causes (classic: a rejoin; consumer protocol: the next heartbeat carries the
   * new subscription). RegExps: classic matches them against the cluster's topics every
   * `metadataMaxAgeMs`; the consumer protocol sends them to the broker (RE2/J syntax,
   * docs/consumer.md, "Regex subscriptions").
   * @throws ConfigError for a consumer without groupId or made with `assignments`, or a bad
   *   entry (empty list, illegal topic name, neither string nor RegExp); ClosedError after stop()
   */
  subscribe(topics: readonly (string | RegExp)[]): void {
    if (this.stopped || this.stopping !== null) throw new ClosedError('the consumer is stopped')
    const g = this.group
    if (g === null) throw new ConfigError('subscribe: only for a consumer with a groupId and without assignments')
    if (this.manual) throw new ConfigError('subscribe: partitions are assigned by assign(); subscribing and assigning are mutually exclusive: call unsubscribe() first')
    const sub = parseSubscription('subscribe', topics)
    this.subscription = sub
    if (g instanceof ConsumerGroupMembership) g.setSubscription(sub.names, brokerRegex(sub))
    else if (g instanceof GroupMembership) {
      if (sub.patterns.length === 0) g.setTopics(sub.names, 'subscription changed')
      else g.requestRejoin('subscription changed')
    }
    this.wakeup.notify()
  }

  /**
   * Drops the subscription (Java's unsubscribe()): every partition is revoked (committed
   * first with `autoCommit`; a `rebalance` event with an empty assignment reports it) and the
   * member leaves the group (classic: LeaveGroup, not for static members; consumer protocol: a
   * heartbeat with epoch -1, -2 for static members). `subscribe()` joins again. Never throws
   * for group errors (they are logged).
   * @throws ConfigError for a consumer without groupId or made with `assignments`; ClosedError after stop()
   */
  async unsubscribe(): Promise<void> {
    if (this.stopped || this.stopping !== null) throw new ClosedError('the consumer is stopped')
    const g = this.group
    if (g === null) throw new ConfigError('unsubscribe: only for a consumer with a groupId and without assignments')
    if (this.manual) {
      // Java's unsubscribe() after assign(): the manual assignment goes, without a rebalance event.
      if (this.options.autoCommit && this.subscriptions.size > 0) await this.commitNow(null).catch((err: unknown) => this.log.warn({ error: String(err) }, 'auto commit before unsubscribe failed'))
      for (const c of [...this.subscriptions.all()]) {
        this.subscriptions.revoke(c)
        this.purge(c)
      }
      this.manual = false
      this.wakeup.notify()
      return
    }
    this.subscription = null
    if (this.patternTimer !== null) clearTimeout(this.patternTimer)
    this.patternTimer = null
    if (this.joining !== null) await this.joining.catch(() => {})
    if (this.options.autoCommit && this.subscriptions.size > 0) await this.commitNow(null).catch((err: unknown) => this.log.warn({ error: String(err) }, 'auto commit before unsubscribe failed'))
    const revoked: TopicPartition[] = []
    for (const c of [...this.subscriptions.all()]) {
      revoked.push({ topic: c.topic, partition: c.partition })
      this.removeCursor(c)
    }
    const memberId = g.memberId
    await g.leave('the consumer unsubscribed')
    if (revoked.length > 0) {
      const event: RebalanceEvent = { type: 'rebalance', assignment: {}, revoked, generationId: -1, memberId }
      this.events.push(event)
      this.emitter.emit('rebalance', event)
    }
    this.wakeup.notify()
  }

  /**
   * Classic protocol with RegExps (Java's metadata-driven pattern subscription): every
   * `metadataMaxAgeMs` the cluster's topics are read again; a change of the matched set
   * rejoins the group.
   */
  private watchPatterns(): void {
    if (this.patternTimer !== null || this.stopped) return
    this.patternTimer = setTimeout(() => {
      this.patternTimer = null
      const g = this.group
      const sub = this.subscription
      if (!(g instanceof GroupMembership) || sub === null || sub.patterns.length === 0 || this.stopped) return
      this.cluster
        .refreshAllTopics()
        .then(() => {
          if (this.subscription === sub) g.setTopics(matchTopics(sub, this.cluster.topicList()), 'topics matching the subscription changed')
        })
        .catch((err: unknown) => this.log.debug('consumer', { error: String(err) }, 'metadata refresh for the subscription failed'))
        .finally(() => {
          if (this.subscription === sub) this.watchPatterns()
          this.wakeup.notify()
        })
    }, this.context.options.metadataMaxAgeMs)
    this.patternTimer.unref()
  }

  // ---- commits -----------------------------------------------------------------------------

  /**
   * Commits offsets to the group (OffsetCommit with this member's generation and member id).
   * Without arguments: the position (last handed-out offset + 1, with its leader epoch) of every
   * partition with progress since the last commit; progress discarded by a rebalance since the
   * last such commit is then reported (StaleCommitError STALE_GENERATION, thrown after the
   * commit went through). With `offsets`: exactly those, and only their partitions are judged
   * (a named partition not assigned now fails before anything is sent).
   * @throws ConfigError without a groupId; StaleCommitError when offsets are from before a
   *   rebalance or of partitions no longer assigned (found locally, code STALE_GENERATION, or
   *   by the coordinator: ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS,
   *   FENCED_INSTANCE_ID); ResponseError for other partition errors; ClosedError after stop()
   */
  async commit(offsets?: readonly CommitOffset[]): Promise<void> {
    if (this.options.groupId === null) throw new ConfigError('commit() needs a groupId')
    if (this.stopped) throw new ClosedError('the consumer is stopped')
    // Explicit offsets say what the caller processed: lost progress elsewhere is not theirs to
    // hear about (and must not make a successful commit look refused); it waits for commit().
    const stale = offsets === undefined ? this.staleProgress : []
    if (offsets === undefined) this.staleProgress = []
    const generation = this.group?.generationId ?? -1
    try {
      await this.commitNow(offsets ?? null)
    } catch (err) {
      // A cooperative rejoin moved the group to a new generation while this commit was on its
      // way: commit again under the generation it brings. Partitions revoked meanwhile then
      // fail locally as STALE_GENERATION.
      // KIP-848: the same with the member epoch (STALE_MEMBER_EPOCH): a heartbeat answer
      // brings the current epoch.
      const g = this.group
      if (!(err instanceof StaleCommitError && (err.code === 'REBALANCE_IN_PROGRESS' || err.code === 'ILLEGAL_GENERATION' || err.code === 'STALE_MEMBER_EPOCH') && g?.protocol === 'cooperative')) throw err
      const waited = this.joining !== null
      if (waited) await this.joining
      if (g instanceof ConsumerGroupMembership && g.generationId === generation) await g.heartbeatAnswer()
      if ((!waited && g.generationId === generation) || g.generationId < 0 || (g instanceof ConsumerGroupMembership && g.generationId === 0)) throw err
      await this.commitNow(offsets ?? null)
    }
    if (stale.length > 0) {
      throw new StaleCommitError(
        `not committed: ${stale.map((p) => `${p.topic}-${p.partition}`).join(', ')} were revoked by a rebalance after records were handed out; their new owner reads them again`,
        'STALE_GENERATION',
        stale,
      )
    }
  }

  private async commitNow(offsets: readonly CommitOffset[] | null): Promise<void> {
    const groupId = this.options.groupId as string
    const list: OffsetToCommit[] = []
    const commitCursors: [PartitionState, bigint][] = []
    if (offsets === null) {
      for (const c of this.subscriptions.all()) {
        if (!c.hasProgress) continue
        list.push({ topic: c.topic, partition: c.partition, offset: c.position, leaderEpoch: c.leaderEpoch, metadata: null })
        commitCursors.push([c, c.position])
      }
    } else {
      const missing: TopicPartition[] = []
      for (const o of offsets) {
        const c = this.subscriptions.get(o.topic, o.partition)
        if (c === undefined && this.group !== null) missing.push({ topic: o.topic, partition: o.partition })
        const offset = BigInt(o.offset)
        list.push({ topic: o.topic, partition: o.partition, offset, leaderEpoch: o.leaderEpoch ?? c?.leaderEpoch ?? -1, metadata: o.metadata ?? null })
        if (c !== undefined) commitCursors.push([c, offset])
      }
      if (missing.length > 0) {
        throw new StaleCommitError(`not committed: ${missing.map((p) => `${p.topic}-${p.partition}`).join(', ')} no longer assigned to this member (rebalanced)`, 'STALE_GENERATION', missing)
      }
    }
    if (list.length > 0) {
      const identity = this.group !== null && !this.manual ? this.group.identity() : { generationId: -1, memberId: '', groupInstanceId: null }
      const errors = await commitOffsets(this.cluster, groupId, identity, list, { owner: this.owner })
      if (errors.size > 0) {
        const [key, code] = errors.entries().next().value as [string, number]
        const failed = list.filter((o) => errors.has(partitionKey(o.topic, o.partition))).map((o) => ({ topic: o.topic, partition: o.partition }))
        const err = responseError(code, null, `OffsetCommit ${key.replace('\u0000', '-')}`)
        for (const [c, offset] of commitCursors) if (!errors.has(c.key)) c.committedAt(offset)
        if (STALE_CODES.has(code)) {
          if (this.joining === null) this.group?.requestRejoin(err.message)
          throw new StaleCommitError(`offsets not committed: the group rebalanced (${err.message})`, err.code, failed, err)
        }
        throw err
      }
      for (const [c, offset] of commitCursors) c.committedAt(offset)
    }
  }

  // ---- positions and flow control ----------------------------------------------------------

  /** Stops handing out and fetching these assigned partitions (buffered records stay). */
  pause(partitions: readonly TopicPartitions[]): void {
    this.subscriptions.pause(partitions)
    // The buffer budget may let other partitions fetch now (fetcher.ts).
    this.fetcher.tick()
  }

  /** Resumes paused partitions. */
  resume(partitions: readonly TopicPartitions[]): void {
    this.subscriptions.resume(partitions)
    this.fetcher.tick()
    this.wakeup.notify()
  }

  /**
   * Adds partitions to a partition consumer (one made with `assignments`; Java's assign(),
   * KafkaTcl's `consume_start`), or to a group consumer that is not subscribed (never, or after
   * `unsubscribe()`): Java's manual assignment, where subscribe() and assign() are mutually
   * exclusive. Such a consumer is in no group, and `commit()` still commits to its `groupId`
   * (generation -1, no member id, as the Java client's manual commits), so `'committed'` starts
   * work. Each partition starts at its `offset` (as in `assignments`); an already assigned
   * partition is left as it is. Start offsets are looked up in the background.
   * @throws ConfigError for a subscribed group consumer (call `unsubscribe()` first), an
   *   `exitAtEnd` consumer, or a bad entry (topic name, partition, offset, `'committed'` without
   *   a groupId, a duplicate); ClosedError after stop()
   */
  assign(assignments: readonly PartitionAssignment[]): void {
    if (this.stopped || this.stopping !== null) throw new ClosedError('the consumer is stopped')
    const o = this.options
    if (this.group !== null) {
      if (this.subscription !== null || this.joining !== null || this.group.active) {
        throw new ConfigError('assign: the consumer is subscribed (its group assigns its partitions); subscribing and assigning are mutually exclusive: call unsubscribe() first')
      }
    } else if (o.assignments === null) throw new ConfigError('assign: only for a partition consumer (made with assignments) or a group consumer that is not subscribed')
    if (o.exitAtEnd) throw new ConfigError('assign: not with exitAtEnd (the end offsets are taken at start)')
    const checked = checkAssignments(assignments, o.groupId)
    if (this.group !== null) this.manual = true
    for (const a of checked) this.subscriptions.assign(a.topic, a.partition, startOf(a, o.groupId, o.resetStrategy))
    // A look-up in flight may have started before these were added: position them after it.
    // A group consumer's start() positions nothing: look them up now.
    if (this.starting !== null || this.group !== null) void (this.positioning ?? Promise.resolve()).then(() => this.resolvePositions())
    this.fetcher.tick()
    this.wakeup.notify()
  }

  /**
   * Stops partitions of a partition consumer (KafkaTcl's `consume_stop`, Java's assign() without
   * them): they are no longer fetched, their buffered records are dropped, and a Fetch in flight
   * for them is ignored when it answers. A topic without `partitions` means all of its
   * assigned partitions; partitions not assigned are ignored. Commits nothing.
   * @throws ConfigError for a group (subscribed) consumer or a bad entry; ClosedError after stop()
   */
  unassign(partitions: readonly TopicPartitions[]): void {
    if (this.stopped || this.stopping !== null) throw new ClosedError('the consumer is stopped')
    if (this.options.assignments === null && !this.manual) throw new ConfigError('unassign: only for a partition consumer (made with assignments) or partitions given by assign(); a subscribed consumer is assigned by its group')
    for (const c of this.subscriptions.matching(checkTopicPartitions('unassign', partitions))) {
      this.subscriptions.revoke(c)
      this.purge(c)
    }
    this.wakeup.notify()
  }

  /** Currently paused partitions. */
  paused(): TopicPartition[] {
    return this.subscriptions.paused()
  }

  /**
   * Moves an assigned partition: the next record handed out is at `offset` (>= 0), `-n` records
   * before the end, the `'earliest'`/`'latest'` offset, or the first record whose timestamp is at
   * or after `{ timestamp }` (ms since the epoch, or a Date; Java's offsetsForTimes then seek,
   * through ListOffsets by time, KIP-79), the end of the partition when there is none. Buffered
   * records are dropped. Offsets of `'earliest'`, `'latest'`, `-n` and timestamps are looked up
   * in the background: `position()` is undefined until then, and a failed look-up surfaces from
   * the next poll.
   * @throws ConfigError when the partition is not assigned or the timestamp is negative or not a
   *   finite integer; ClosedError after stop()
   */
  seek(topic: string, partition: number, offset: bigint | number | 'earliest' | 'latest' | { timestamp: number | bigint | Date }): void {
    if (this.stopped || this.stopping !== null) throw new ClosedError('the consumer is stopped')
    const c = this.subscriptions.get(topic, partition)
    if (c === undefined) throw new ConfigError(`seek: ${topic}-${partition} is not assigned to this consumer`)
    let timestamp: bigint | null = null
    if (typeof offset === 'object') {
      const ts = offset.timestamp instanceof Date ? offset.timestamp.getTime() : offset.timestamp
      if (typeof ts === 'number' ? !Number.isSafeInteger(ts) || ts < 0 : typeof ts !== 'bigint' || ts < 0n) {
        throw new ConfigError(`seek: ${topic}-${partition}: timestamp must be an integer >= 0 (ms since the epoch), got ${String(ts)}`)
      }
      timestamp = BigInt(ts)
    }
    this.purge(c)
    if (timestamp !== null) c.unposition({ timestamp })
    else if (typeof offset === 'string') c.unposition(offset)
    else if (BigInt(offset as bigint | number) >= 0n) c.seek(BigInt(offset as bigint | number))
    else c.unposition({ relative: -BigInt(offset as bigint | number) })
    if (c.state === 'unpositioned') void this.resolvePositions()
    this.fetcher.tick()
    this.wakeup.notify()
  }

  /** Fetched record bytes queued for the application now (the `queuedMaxMessagesKbytes` budget's count). */
  bufferedBytes(): number {
    return this.fetcher.bufferedBytes
  }

  /** The next offset to be handed out, or undefined when the partition is not assigned or not yet positioned. */
  position(topic: string, partition: number): bigint | undefined {
    const c = this.subscriptions.get(topic, partition)
    return c !== undefined && c.state === 'ready' ? c.position : undefined
  }

  /** Lag per assigned partition from the latest Fetch response (high watermark − position). */
  lag(): PartitionLag[] {
    return [...this.subscriptions.all()].map((c) => ({
      topic: c.topic,
      partition: c.partition,
      position: c.position,
      highWatermark: c.highWatermark,
      lag: c.highWatermark >= 0n && c.state === 'ready' && c.highWatermark > c.position ? c.highWatermark - c.position : 0n,
    }))
  }

  /** The partitions assigned now. */
  assignment(): TopicPartition[] {
    return this.subscriptions.assigned()
  }

  /** This member's id and generation (group consumers), else null. */
  groupMember(): { memberId: string; generationId: number } | null {
    return this.group === null ? null : { memberId: this.group.memberId, generationId: this.group.generationId }
  }

  /**
   * This member's group identity, for `producer.sendOffsetsToTransaction(offsets, metadata)`
   * (Java's groupMetadata(); KIP-447): the coordinator rejects offsets of a transaction sent
   * with a generation that is no longer current. Take it after the records were polled, in the
   * same generation (docs/transactions.md).
   * @throws ConfigError for a consumer without `groupId` (it has no group to commit to).
   */
  groupMetadata(): ConsumerGroupMetadata {
    const groupId = this.options.groupId
    if (groupId === null) throw new ConfigError('groupMetadata() needs a consumer with a groupId (this consumer reads assigned partitions without a group)')
    const g = this.manual ? null : this.group
    return {
      groupId,
      generationId: g === null ? -1 : g.generationId,
      memberId: g === null ? '' : g.memberId,
      groupInstanceId: this.options.groupInstanceId,
    }
  }

  /** Earliest and latest offsets of a partition (ListOffsets), e.g. to seek by hand. */
  async offsets(topic: string, partition: number): Promise<{ earliest: bigint; latest: bigint }> {
    const level = this.options.isolationLevel === 'read_committed' ? 1 : 0
    const key = partitionKey(topic, partition)
    const [e, l] = await Promise.all([
      listOffsets(this.cluster, [{ topic, partition, timestamp: EARLIEST_TIMESTAMP }], level),
      listOffsets(this.cluster, [{ topic, partition, timestamp: LATEST_TIMESTAMP }], level),
    ])
    return { earliest: e.get(key)?.offset ?? -1n, latest: l.get(key)?.offset ?? -1n }
  }
}

function handlerFailed(err: unknown): KafkaError {
  return new KafkaError(`consumer handler failed: ${err instanceof Error ? err.message : String(err)}`, { code: 'HANDLER_FAILED', cause: err })
}

function asKafkaError(err: unknown): KafkaError {
  return err instanceof KafkaError ? err : new KafkaError(err instanceof Error ? err.message : String(err), { code: 'UNEXPECTED', cause: err })
}

/** Calls a run() handler, inside the context a `kafkats:consumer:process` subscriber asked for. */
async function callHandler<A>(context: ConsumerProcessContext, handler: (arg: A) => Promise<void> | void, arg: A): Promise<void> {
  const run = context.runInContext
  if (run === undefined) await handler(arg)
  else await run(() => handler(arg))
}
