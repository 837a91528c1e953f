/**
 * The fetch loop: at most one Fetch in flight per broker, holding every fetchable cursor that
 * broker leads, with a bounded number of responses buffered ahead of the application per broker
 * (prefetch). Event driven: `tick()` runs after every response, hand-out, seek, resume and
 * assignment change; nothing polls.
 *
 * Fetch sessions (KIP-227) are not used: every request is a full fetch (session id 0, epoch -1).
 * From Fetch v13 topics are named by topic id (KIP-516), taken from and mapped back through the
 * cluster's topic-id cache. A topic whose id changes under a positioned cursor was deleted and
 * created again: the cursor's position means nothing there, so it is reset as a new topic's
 * would be, per `resetStrategy` (an error with 'none'). Java's consumer does the same.
 * Partition errors that mean "the leader moved or metadata is stale" refresh metadata and back
 * the cursor off; the next tick routes it to the new leader.
 */
import { KafkaError } from '../errors.js'
import type { Log } from '../logger.js'
import { ZERO_UUID } from '../protocol/api.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { Fetch } from '../protocol/messages/fetch.js'
import { decodeRecordBatches } from '../protocol/records/index.js'
import type { Cluster } from '../pool/cluster.js'
import { backoffMs } from '../pool/retry.js'
import type { ConnectionOwner } from '../pool/connection-routing.js'
import type { ResolvedConsumerOptions } from './consumer-options.js'
import type { ConsumerRecord } from './consumer-record.js'
import { partitionKey } from '../offsets/topic-partition.js'
import type { FetchTicket, PartitionState } from './partition-state.js'
import { fetchedRecords } from './fetched-records.js'

/** One Fetch response's data, counted against its broker's prefetch budget until handed out. */
export interface BufferedResponse {
  nodeId: number
  /** Items of this response not yet handed out or dropped. */
  pending: number
}

/** Records of one partition from one Fetch response, queued for the application. */
export interface FetchedPartition {
  cursor: PartitionState
  /** PartitionState version when fetched: a different current version means the data is stale. */
  version: number
  records: ConsumerRecord[]
  /** Index of the next record to hand out (poll may split an item). */
  next: number
  /** Position after this item is fully handed out. */
  nextOffset: bigint
  lastEpoch: number
  highWatermark: bigint
  lastStableOffset: bigint
  response: BufferedResponse
}

/** What the fetcher needs from its consumer. */
export interface FetcherHost {
  /** Cursors of every assigned partition. */
  cursors(): Iterable<PartitionState>
  /** Queues fetched data (in partition order); called with [] after a fetch that brought nothing new. */
  deliver(items: FetchedPartition[]): void
  /** OFFSET_OUT_OF_RANGE on a cursor. */
  outOfRange(cursor: PartitionState, err: KafkaError): void
  /** A non-retriable error: of one partition (cursor given) or of the whole fetch. */
  fail(cursor: PartitionState | null, err: KafkaError): void
}

/** Partition errors after which the leader (or the topic id) must be looked up again. */
const REROUTE = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.INCONSISTENT_TOPIC_ID,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.OFFSET_NOT_AVAILABLE,
])

export class Fetcher {
  private readonly inFlight = new Map<number, Promise<void>>()
  private readonly buffered = new Map<number, number>()
  private readonly errorCounts = new Map<string, number>()
  private readonly wantedTopics = new Set<string>()
  /** The topic id each positioned cursor fetched under: a different one means a re-created topic. */
  private readonly fetchedTopicIds = new WeakMap<PartitionState, string>()
  private refreshing = false
  private timer: NodeJS.Timeout | null = null
  private timerAt = Infinity
  private stopped = false

  constructor(
    private readonly cluster: Cluster,
    private readonly options: ResolvedConsumerOptions,
    private readonly requestTimeoutMs: number,
    private readonly host: FetcherHost,
    private readonly log: Log,
    /** The consumer whose own fetch connections carry the Fetch requests. */
    private readonly owner: ConnectionOwner,
  ) {}

  /** Called when an item of `response` is handed out or dropped. */
  release(response: BufferedResponse): void {
    if (--response.pending === 0) {
      this.buffered.set(response.nodeId, (this.buffered.get(response.nodeId) ?? 1) - 1)
      this.tick()
    }
  }

  /** Starts every fetch that can start now. */
  tick(): void {
    if (this.stopped) return
    const now = Date.now()
    const byLeader = new Map<number, PartitionState[]>()
    let wakeAt = Infinity
    for (const c of this.host.cursors()) {
      if (c.state !== 'ready' || c.paused || c.inFlight) continue
      if (!c.fetchable(now)) {
        if (c.backoffUntil < wakeAt) wakeAt = c.backoffUntil
        continue
      }
      const meta = this.cluster.topic(c.topic)
      if (meta !== undefined && this.recreated(c, meta.topicId)) continue
      const p = meta?.partitions[c.partition]
      if (p === undefined || p.leader < 0) {
        this.refresh(c.topic)
        continue
      }
      const list = byLeader.get(p.leader)
      if (list) list.push(c)
      else byLeader.set(p.leader, [c])
    }
    for (const [nodeId, cursors] of byLeader) {
      if (this.inFlight.has(nodeId)) continue
      if ((this.buffered.get(nodeId) ?? 0) >= this.options.maxBufferedResponsesPerBroker) continue
      const run = this.fetch(nodeId, cursors).finally(() => {
        this.inFlight.delete(nodeId)
        this.tick()
      })
      this.inFlight.set(nodeId, run)
    }
    if (wakeAt !== Infinity) this.wakeAt(wakeAt)
  }

  /**
   * Whether the topic of a positioned cursor has a new id since it last fetched (deleted and
   * created again): then its position is reset per `resetStrategy`, as for a new topic.
   */
  private recreated(c: PartitionState, topicId: string): boolean {
    if (topicId === ZERO_UUID) return false
    const before = this.fetchedTopicIds.get(c)
    this.fetchedTopicIds.set(c, topicId)
    if (before === undefined || before === topicId) return false
    this.fetchedTopicIds.delete(c)
    this.errorCounts.delete(c.key)
    this.log.debug('consumer', { topic: c.topic, partition: c.partition, before, topicId }, 'topic re-created; resetting the position')
    this.host.outOfRange(c, responseError(ErrorCode.INCONSISTENT_TOPIC_ID, `topic ${c.topic} was deleted and created again (topic id ${before} is now ${topicId}); its position ${c.fetchPosition} was reset`, `Fetch ${c.topic}-${c.partition}`))
    return true
  }

  private wakeAt(at: number): void {
    if (this.timer !== null && this.timerAt <= at) return
    if (this.timer !== null) clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timer = null
      this.timerAt = Infinity
      this.tick()
    }, Math.max(1, at - Date.now()))
  }

  /** Refreshes metadata of `topic` (batched, one at a time), then ticks. */
  private refresh(topic: string): void {
    this.wantedTopics.add(topic)
    if (this.refreshing || this.stopped) return
    this.refreshing = true
    const topics = [...this.wantedTopics]
    this.wantedTopics.clear()
    this.cluster
      .metadata(topics, { force: true })
      .catch((err: unknown) => this.log.debug('consumer', { topics, error: String(err) }, 'metadata refresh for fetch failed'))
      .finally(() => {
        this.refreshing = false
        if (this.wantedTopics.size > 0) {
          const next = [...this.wantedTopics][0]
          this.wantedTopics.delete(next)
          this.refresh(next)
        } else {
          this.wakeAt(Date.now() + backoffMs(0, this.cluster.retryPolicy))
        }
      })
  }

  private backoff(c: PartitionState): void {
    const n = this.errorCounts.get(c.key) ?? 0
    this.errorCounts.set(c.key, n + 1)
    c.backOff(Date.now() + backoffMs(n, this.cluster.retryPolicy))
  }

  private async fetch(nodeId: number, cursors: PartitionState[]): Promise<void> {
    const sent = new Map<string, { cursor: PartitionState; ticket: FetchTicket }>()
    const byTopic = new Map<string, PartitionState[]>()
    for (const c of cursors) {
      const ticket = c.fetchStarted()
      sent.set(c.key, { cursor: c, ticket })
      const list = byTopic.get(c.topic)
      if (list) list.push(c)
      else byTopic.set(c.topic, [c])
    }
    const topicById = new Map<string, string>()
    const o = this.options
    try {
      const broker = this.cluster.broker(nodeId)
      const res = await broker.send(
        Fetch,
        (v) => ({
          ...(v <= 14 ? { replicaId: -1 } : {}),
          maxWaitMs: o.maxWaitMs,
          minBytes: o.minBytes,
          maxBytes: o.maxBytes,
          isolationLevel: o.isolationLevel === 'read_committed' ? 1 : 0,
          ...(v >= 7 ? { sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [] } : {}),
          topics: [...byTopic].map(([topic, list]) => {
            const meta = this.cluster.topic(topic)
            // The cluster's topic-id cache; an unknown id gets UNKNOWN_TOPIC_ID back (reroute: refresh).
            const topicId = this.cluster.topicId(topic) ?? ZERO_UUID
            if (v >= 13) topicById.set(topicId, topic)
            return {
              ...(v >= 13 ? { topicId } : { topic }),
              partitions: list.map((c) => ({
                partition: c.partition,
                ...(v >= 9 ? { currentLeaderEpoch: meta?.partitions[c.partition]?.leaderEpoch ?? -1 } : {}),
                fetchOffset: sent.get(c.key)?.ticket.offset ?? c.fetchPosition,
                ...(v >= 12 ? { lastFetchedEpoch: -1 } : {}),
                ...(v >= 5 ? { logStartOffset: -1n } : {}),
                partitionMaxBytes: o.maxPartitionBytes,
              })),
            }
          }),
          ...(v >= 11 ? { rackId: '' } : {}),
        }),
        { owner: this.owner, timeoutMs: this.requestTimeoutMs + o.maxWaitMs },
      )
      if (this.stopped) return
      if ((res.errorCode ?? 0) !== 0) {
        const err = responseError(res.errorCode ?? 0, null, `Fetch from node ${nodeId}`)
        if (!err.retriable && !err.refreshMetadata) throw err
        for (const c of cursors) this.backoff(c)
        for (const t of byTopic.keys()) this.refresh(t)
        return
      }
      const response: BufferedResponse = { nodeId, pending: 0 }
      const items: FetchedPartition[] = []
      const readCommitted = o.isolationLevel === 'read_committed'
      for (const t of res.responses) {
        const topic = t.topic ?? topicById.get(t.topicId ?? ZERO_UUID) ?? this.cluster.topicName(t.topicId ?? ZERO_UUID)
        if (topic === undefined) continue
        for (const p of t.partitions) {
          const s = sent.get(partitionKey(topic, p.partitionIndex))
          if (s === undefined) continue
          const c = s.cursor
          if (!c.current(s.ticket)) continue
          if (p.errorCode !== 0) {
            this.partitionError(c, p.errorCode)
            continue
          }
          this.errorCounts.delete(c.key)
          c.updateOffsets(s.ticket, p.highWatermark, p.lastStableOffset ?? -1n, p.logStartOffset ?? -1n)
          if (p.records === null || p.records.length === 0) continue
          let batches
          try {
            batches = await decodeRecordBatches(p.records, { topic, partition: c.partition, checkCrc: o.checkCrcs })
          } catch (err) {
            if (c.current(s.ticket)) this.host.fail(c, err instanceof KafkaError ? err : new KafkaError(String(err), { code: 'PROTOCOL_DECODE', cause: err }))
            continue
          }
          if (this.stopped || !c.current(s.ticket)) continue
          const fetched = fetchedRecords(topic, c.partition, batches, s.ticket.offset, readCommitted, p.abortedTransactions)
          if (fetched.nextOffset === s.ticket.offset || !c.fetched(s.ticket, fetched.nextOffset)) continue
          response.pending++
          items.push({
            cursor: c,
            version: s.ticket.version,
            records: fetched.records,
            next: 0,
            nextOffset: fetched.nextOffset,
            lastEpoch: fetched.lastEpoch,
            highWatermark: p.highWatermark,
            lastStableOffset: p.lastStableOffset ?? -1n,
            response,
          })
        }
      }
      if (items.length > 0) this.buffered.set(nodeId, (this.buffered.get(nodeId) ?? 0) + 1)
      // Delivered even when empty: high watermarks moved (lag, exitAtEnd).
      this.host.deliver(items)
    } catch (err) {
      if (this.stopped) return
      if (err instanceof KafkaError && (err.retriable || err.refreshMetadata)) {
        this.log.debug('consumer', { node: nodeId, error: err.message }, 'fetch failed; retrying')
        for (const c of cursors) this.backoff(c)
        for (const t of byTopic.keys()) this.refresh(t)
        return
      }
      this.host.fail(null, err instanceof KafkaError ? err : new KafkaError(String(err), { code: 'FETCH_FAILED', cause: err }))
      for (const c of cursors) this.backoff(c)
    } finally {
      for (const c of cursors) c.fetchEnded()
    }
  }

  private partitionError(c: PartitionState, code: number): void {
    const err = responseError(code, null, `Fetch ${c.topic}-${c.partition}`)
    if (code === ErrorCode.OFFSET_OUT_OF_RANGE) {
      this.host.outOfRange(c, err)
      return
    }
    if (REROUTE.has(code) || err.retriable || err.refreshMetadata) {
      this.log.debug('consumer', { topic: c.topic, partition: c.partition, error: err.message }, 'fetch partition error; rerouting')
      this.cluster.invalidate(c.topic)
      this.backoff(c)
      this.refresh(c.topic)
      return
    }
    this.host.fail(c, err)
  }

  /** Stops fetching; resolves when in-flight fetches settled. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    await Promise.allSettled([...this.inFlight.values()])
  }
}
