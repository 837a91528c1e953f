/**
 * The fetch loop: at most one Fetch in flight per broker, holding every fetchable cursor that
 * broker leads, with a bounded number of responses buffered ahead of the application per broker
 * (prefetch). Event driven: `tick()` runs after every response, hand-out, seek, resume and
 * assignment change; nothing polls.
 *
 * Fetch sessions (KIP-227, fetch-session.ts): one per broker; after the first full fetch only
 * partitions added or changed are sent, and partitions no longer fetched from the broker (paused,
 * unassigned, moved, backed off, held back by the buffer budget) are forgotten. A session error
 * makes the next request a full one.
 *
 * Truncation detection (KIP-320): every Fetch carries the partition's current leader epoch and
 * the epoch of the last fetched batch (lastFetchedEpoch, v12+); a diverging epoch in the answer,
 * or OffsetForLeaderEpoch after a leader change (or a start from a committed offset with its
 * epoch), finds a log truncated below the fetch position; the host resets or fails the partition.
 *
 * Rack-aware fetching (KIP-392): with `clientRack`, the broker may name a preferred read replica
 * per partition; the partition is fetched from it until metadataMaxAgeMs passes or it answers
 * with any error, then from the leader again.
 *
 * Buffer budget (`queuedMaxMessagesKbytes`): fetched record bytes queued for the application are
 * counted (per partition too); each Fetch asks for at most what is left of the budget (reserved
 * while in flight), and at the budget nothing is fetched until the application takes data, so
 * the queue holds at most the budget plus one record batch (KIP-74: a first batch comes whole).
 * Only when all queued data belongs to paused partitions do the partitions without queued data
 * fetch (one batch each at most), so pausing some partitions never starves the others.
 *
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
import { UnsupportedVersionError } from '../errors.js'
import { requestOffsetForLeaderEpoch, type EpochQuery } from '../offsets/offset-requests.js'
import { FetchSession, FINAL_EPOCH, INVALID_SESSION_ID, type SessionPartition, type SessionRequest } from './fetch-session.js'
import { Fetch } from '../protocol/messages/fetch.js'
import { type DecodeRecordBatchesOptions, decodeRecordBatchesSyncOrAsync } from '../protocol/records/index.js'
import { type RecordSetScan, scanRecordBatches } from '../protocol/records/record-set-scan.js'
import type { Cluster } from '../pool/cluster.js'
import { backoffMs } from '../pool/retry.js'
import type { ConnectionOwner } from '../pool/connection-routing.js'
import type { ResolvedConsumerOptions } from './consumer-options.js'
import type { ConsumerRecord } from './consumer-record.js'
import { partitionKey } from '../offsets/topic-partition.js'
import type { FetchTicket, PartitionState } from './partition-state.js'
import { type AbortedTransaction, type FetchedRecords, fetchedRecords } from './fetched-records.js'
import { RecordSetReader } from './record-set-reader.js'

/** One Fetch response's data, counted against its broker's prefetch budget until handed out. */
export interface BufferedResponse {
  nodeId: number
  /** Items of this response not yet handed out or dropped. */
  pending: number
}

/** Records of one partition from one Fetch response, queued for the application. */
/** A fetched record set queued undecoded, and what decoding it needs. */
export interface EncodedRecordSet {
  recordSet: Buffer
  /** The offset the fetch started at: records before it (in a batch that starts earlier) are skipped. */
  fetchOffset: bigint
  options: DecodeRecordBatchesOptions
  readCommitted: boolean
  abortedTransactions: readonly AbortedTransaction[] | null
}

export interface FetchedPartition {
  cursor: PartitionState
  /** PartitionState version when fetched: a different current version means the data is stale. */
  version: number
  /**
   * Records to hand out: all of them when decoded on arrival; else null, then the chunk the
   * queue decoded last from `reader` (when the application takes them).
   */
  records: ConsumerRecord[] | null
  /** The record set as fetched, decoded a chunk at a time; null when decoded on arrival. */
  reader: RecordSetReader | null
  /** Records held (while encoded: counted from the batch headers, before read_committed filtering): stats. */
  recordCount: number
  /** Records handed out so far (stats). */
  taken: number
  /** Index of the next record to hand out (poll may split an item). */
  next: number
  /** Position after this item is fully handed out. */
  nextOffset: bigint
  lastEpoch: number
  highWatermark: bigint
  lastStableOffset: bigint
  response: BufferedResponse
  /** Record set bytes (on the wire) of this item, counted against the buffer budget. */
  bytes: number
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
  /**
   * The leader's log diverges from the fetched history at `divergentOffset` (the end offset of
   * the last common `epoch`; -1n when unknown): the log was truncated (KIP-320).
   */
  truncated(cursor: PartitionState, divergentOffset: bigint, epoch: number): void
}

/** How long stop() waits for fetch sessions to close (ms). */
const CLOSE_SESSIONS_MS = 2_000

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
  /** One fetch session per broker (KIP-227). */
  private readonly sessions = new Map<number, FetchSession>()
  private readonly validations = new Set<Promise<void>>()
  /** Fetched record bytes queued for the application, and bytes reserved by fetches in flight. */
  private queuedBytes = 0
  private reservedBytes = 0
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
    /** How long a preferred read replica is used before asking the leader again (metadata.max.age.ms). */
    private readonly metadataMaxAgeMs = 300_000,
  ) {}

  /** Fetched record bytes queued for the application now (the buffer budget's count). */
  get bufferedBytes(): number {
    return this.queuedBytes
  }

  /** The fetch session with a broker, if one was made (tests, diagnostics). */
  session(nodeId: number): FetchSession | undefined {
    return this.sessions.get(nodeId)
  }

  /** Called when a queued item is handed out or dropped. */
  release(item: FetchedPartition): void {
    const wasFull = this.queuedBytes + this.reservedBytes >= this.options.queuedMaxBytes
    item.cursor.buffered(-item.bytes)
    this.queuedBytes -= item.bytes
    const response = item.response
    if (--response.pending === 0) {
      this.buffered.set(response.nodeId, (this.buffered.get(response.nodeId) ?? 1) - 1)
      this.tick()
    } else if (wasFull && this.queuedBytes + this.reservedBytes < this.options.queuedMaxBytes) {
      this.tick()
    }
  }

  /** Starts every fetch (and position validation) that can start now. */
  tick(): void {
    if (this.stopped) return
    const now = Date.now()
    const byNode = new Map<number, PartitionState[]>()
    const toValidate = new Map<number, PartitionState[]>()
    // At the budget nothing is fetched while the application can still drain what it holds;
    // when all it holds is paused, partitions without queued data may fetch (else they starve).
    const full = this.queuedBytes + this.reservedBytes >= this.options.queuedMaxBytes
    if (full) {
      for (const c of this.host.cursors()) if (c.bufferedBytes > 0 && !c.paused) return // release() ticks again
    }
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
      c.routedBy(p.leaderEpoch)
      if (c.awaitingValidation) {
        push(toValidate, p.leader, c)
        continue
      }
      // The application is behind: partitions with data queued wait until it catches up.
      if (full && c.bufferedBytes > 0) continue
      push(byNode, this.replicaFor(c, now, p.leader), c)
    }
    for (const [nodeId, cursors] of toValidate) this.startValidation(nodeId, cursors)
    for (const [nodeId, cursors] of byNode) {
      if (this.inFlight.has(nodeId)) continue
      if ((this.buffered.get(nodeId) ?? 0) >= this.options.maxBufferedResponsesPerBroker) continue
      // The budget left, reserved for this fetch (KIP-74: the broker still returns one batch when it is 1).
      const room = this.options.queuedMaxBytes - this.queuedBytes - this.reservedBytes
      // Reserved by fetches started just now: the others wait (unless only paused data fills it).
      if (room <= 0 && !full) continue
      const maxBytes = Math.max(1, Math.min(this.options.maxBytes, room))
      this.reservedBytes += maxBytes
      const run = this.fetch(nodeId, cursors, maxBytes).finally(() => {
        this.reservedBytes -= maxBytes
        this.inFlight.delete(nodeId)
        this.tick()
      })
      this.inFlight.set(nodeId, run)
    }
    if (wakeAt !== Infinity) this.wakeAt(wakeAt)
  }

  /** The broker to fetch `c` from: its preferred read replica while valid and known (KIP-392), else the leader. */
  private replicaFor(c: PartitionState, now: number, leader: number): number {
    const r = c.preferredReplica(now)
    if (r < 0 || r === leader) return leader
    try {
      this.cluster.broker(r)
      return r
    } catch {
      c.preferReplica(-1, 0)
      return leader
    }
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

  private sessionFor(nodeId: number): FetchSession {
    let s = this.sessions.get(nodeId)
    if (s === undefined) {
      s = new FetchSession(this.options.fetchSessions)
      this.sessions.set(nodeId, s)
    }
    return s
  }

  private async fetch(nodeId: number, cursors: PartitionState[], maxBytes: number): Promise<void> {
    const sent = new Map<string, { cursor: PartitionState; ticket: FetchTicket }>()
    const wanted: SessionPartition[] = []
    const topicById = new Map<string, string>()
    const topics = new Set<string>()
    for (const c of cursors) {
      const ticket = c.fetchStarted()
      sent.set(c.key, { cursor: c, ticket })
      topics.add(c.topic)
      // The cluster's topic-id cache; an unknown id gets UNKNOWN_TOPIC_ID back (reroute: refresh).
      const topicId = this.cluster.topicId(c.topic) ?? ZERO_UUID
      topicById.set(topicId, c.topic)
      wanted.push({
        key: c.key,
        topic: c.topic,
        partition: c.partition,
        topicId,
        fetchOffset: ticket.offset,
        currentLeaderEpoch: this.cluster.topic(c.topic)?.partitions[c.partition]?.leaderEpoch ?? -1,
        lastFetchedEpoch: ticket.epoch,
        partitionMaxBytes: this.options.maxPartitionBytes,
      })
    }
    const session = this.sessionFor(nodeId)
    const req = session.prepare(wanted)
    for (const f of req.toForget) topicById.set(f.topicId, f.topic)
    const o = this.options
    try {
      const broker = this.cluster.broker(nodeId)
      const res = await broker.send(
        Fetch,
        (v) => {
          // Below v7 there are no sessions: every fetch is a full one.
          if (v < 7) session.disable()
          return {
            ...(v <= 14 ? { replicaId: -1 } : {}),
            maxWaitMs: o.maxWaitMs,
            minBytes: o.minBytes,
            maxBytes,
            isolationLevel: o.isolationLevel === 'read_committed' ? 1 : 0,
            ...(v >= 7 ? { sessionId: req.sessionId, sessionEpoch: req.sessionEpoch, forgottenTopicsData: forgottenTopics(req, v) } : {}),
            topics: fetchTopics(v < 7 ? [...req.wanted.values()] : req.toSend, v),
            ...(v >= 11 ? { rackId: o.clientRack } : {}),
          }
        },
        { owner: this.owner, timeoutMs: this.requestTimeoutMs + o.maxWaitMs },
      )
      if (this.stopped) return
      if ((res.errorCode ?? 0) !== 0) {
        const code = res.errorCode ?? 0
        session.failed(code)
        if (code === ErrorCode.FETCH_SESSION_ID_NOT_FOUND || code === ErrorCode.INVALID_FETCH_SESSION_EPOCH || code === ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR) {
          // The next fetch is a full one, at once (the Java client does not back off either).
          this.log.debug('consumer', { node: nodeId, error: code }, 'fetch session error; next fetch is a full one')
          return
        }
        const err = responseError(code, null, `Fetch from node ${nodeId}`)
        if (!err.retriable && !err.refreshMetadata) throw err
        for (const c of cursors) this.fetchFailedOn(c, nodeId)
        for (const t of topics) this.refresh(t)
        return
      }
      session.succeeded(req, res.sessionId ?? 0)
      const response: BufferedResponse = { nodeId, pending: 0 }
      const items: FetchedPartition[] = []
      const readCommitted = o.isolationLevel === 'read_committed'
      const now = Date.now()
      for (const t of res.responses) {
        const topic = t.topic ?? topicById.get(t.topicId ?? ZERO_UUID) ?? this.cluster.topicName(t.topicId ?? ZERO_UUID)
        if (topic === undefined) continue
        for (const p of t.partitions) {
          const s = sent.get(partitionKey(topic, p.partitionIndex))
          if (s === undefined) continue
          const c = s.cursor
          if (!c.current(s.ticket)) continue
          if (p.errorCode !== 0) {
            this.partitionError(c, p.errorCode, nodeId)
            continue
          }
          this.errorCounts.delete(c.key)
          const diverging = p.divergingEpoch
          if (diverging !== undefined && (diverging.epoch >= 0 || diverging.endOffset >= 0n)) {
            this.checkTruncation(c, s.ticket, diverging.epoch, diverging.endOffset, true)
            continue
          }
          c.updateOffsets(s.ticket, p.highWatermark, p.lastStableOffset ?? -1n, p.logStartOffset ?? -1n)
          const preferred = p.preferredReadReplica ?? -1
          if (preferred >= 0 && preferred !== nodeId) {
            this.log.debug('consumer', { topic, partition: c.partition, node: nodeId, preferred }, 'fetching from the preferred read replica')
            c.preferReplica(preferred, now + this.metadataMaxAgeMs)
          }
          if (p.records === null || p.records.length === 0) continue
          const recordSet = p.records
          const decodeOptions = { topic, partition: c.partition, checkCrc: o.checkCrcs }
          let scan: RecordSetScan | null
          let fetched: FetchedRecords | null = null
          try {
            // Queued as it came, decoded when the application takes it (FetchQueue): the
            // headers alone give the next fetch offset. Legacy message sets, and zstd below
            // Node 22.15 (asynchronous only), are decoded now.
            scan = scanRecordBatches(recordSet, s.ticket.offset)
            if (scan === null) {
              const decoded = decodeRecordBatchesSyncOrAsync(recordSet, decodeOptions)
              fetched = fetchedRecords(Array.isArray(decoded) ? decoded : await decoded, s.ticket.offset, readCommitted, p.abortedTransactions)
            }
          } catch (err) {
            if (c.current(s.ticket)) this.host.fail(c, err instanceof KafkaError ? err : new KafkaError(String(err), { code: 'PROTOCOL_DECODE', cause: err }))
            continue
          }
          if (this.stopped || !c.current(s.ticket)) continue
          const nextOffset = scan !== null ? scan.nextOffset : (fetched as FetchedRecords).nextOffset
          const lastEpoch = scan !== null ? scan.lastEpoch : (fetched as FetchedRecords).lastEpoch
          if (nextOffset === s.ticket.offset || !c.fetched(s.ticket, nextOffset, lastEpoch)) continue
          response.pending++
          const bytes = recordSet.length
          c.buffered(bytes)
          this.queuedBytes += bytes
          items.push({
            cursor: c,
            version: s.ticket.version,
            records: fetched === null ? null : fetched.records,
            reader:
              fetched === null
                ? new RecordSetReader({ recordSet, fetchOffset: s.ticket.offset, options: decodeOptions, readCommitted, abortedTransactions: p.abortedTransactions ?? null })
                : null,
            recordCount: fetched === null ? (scan as RecordSetScan).records : fetched.records.length,
            taken: 0,
            next: 0,
            nextOffset,
            lastEpoch,
            highWatermark: p.highWatermark,
            lastStableOffset: p.lastStableOffset ?? -1n,
            response,
            bytes,
          })
        }
      }
      if (items.length > 0) this.buffered.set(nodeId, (this.buffered.get(nodeId) ?? 0) + 1)
      // Delivered even when empty: high watermarks moved (lag, exitAtEnd).
      this.host.deliver(items)
    } catch (err) {
      session.failed(0)
      if (this.stopped) return
      if (err instanceof KafkaError && (err.retriable || err.refreshMetadata)) {
        this.log.debug('consumer', { node: nodeId, error: err.message }, 'fetch failed; retrying')
        for (const c of cursors) this.fetchFailedOn(c, nodeId)
        for (const t of topics) this.refresh(t)
        return
      }
      this.host.fail(null, err instanceof KafkaError ? err : new KafkaError(String(err), { code: 'FETCH_FAILED', cause: err }))
      for (const c of cursors) this.backoff(c)
    } finally {
      for (const c of cursors) c.fetchEnded()
    }
  }

  /** A fetch from `nodeId` failed: back off; a preferred read replica that failed is dropped for the leader. */
  private fetchFailedOn(c: PartitionState, nodeId: number): void {
    if (c.preferredReplica(0) === nodeId) c.preferReplica(-1, 0)
    // Backed off even on the way to the leader: it may name the same replica again until it
    // notices the replica is gone.
    this.backoff(c)
  }

  /**
   * The leader's log has `epoch` ending at `endOffset` where the fetched history (up to
   * `ticket.offset`, last epoch `ticket.epoch`) is: truncated below the fetch position when
   * `endOffset` < `ticket.offset`, or unknown when either is -1 (KIP-320).
   */
  private checkTruncation(c: PartitionState, ticket: FetchTicket, epoch: number, endOffset: bigint, fromFetch: boolean): void {
    if (!c.current(ticket)) return
    if (epoch >= 0 && endOffset >= 0n && endOffset >= ticket.offset) {
      // No truncation below the position. A diverging answer to a Fetch means the last fetched
      // epoch is unknown to the leader while its log reaches past the position: go on under `epoch`.
      if (fromFetch) c.fetched(ticket, ticket.offset, epoch)
      c.validated(ticket)
      return
    }
    this.log.warn(
      { topic: c.topic, partition: c.partition, fetchOffset: String(ticket.offset), fetchEpoch: ticket.epoch, epoch, endOffset: String(endOffset) },
      'log truncation detected',
    )
    this.host.truncated(c, epoch >= 0 ? endOffset : -1n, epoch)
  }

  private startValidation(nodeId: number, cursors: PartitionState[]): void {
    const run = this.validate(nodeId, cursors).finally(() => {
      this.validations.delete(run)
      this.tick()
    })
    this.validations.add(run)
  }

  /** Validates fetch positions after a leader change with OffsetForLeaderEpoch (KIP-320). */
  private async validate(nodeId: number, cursors: PartitionState[]): Promise<void> {
    const tickets = cursors.map((c) => c.fetchStarted())
    const topics = new Set(cursors.map((c) => c.topic))
    try {
      const queries: EpochQuery[] = cursors.map((c, i) => ({
        topic: c.topic,
        partition: c.partition,
        currentLeaderEpoch: this.cluster.topic(c.topic)?.partitions[c.partition]?.leaderEpoch ?? -1,
        leaderEpoch: tickets[i].epoch,
      }))
      const res = await requestOffsetForLeaderEpoch(this.cluster, this.cluster.broker(nodeId), queries, { owner: this.owner })
      if (this.stopped) return
      cursors.forEach((c, i) => {
        const r = res.get(c.key)
        if (!c.current(tickets[i])) return
        if (r === undefined) {
          this.backoff(c)
          return
        }
        if (r.errorCode !== 0) {
          this.partitionError(c, r.errorCode, nodeId)
          return
        }
        this.errorCounts.delete(c.key)
        this.checkTruncation(c, tickets[i], r.leaderEpoch, r.endOffset, false)
      })
    } catch (err) {
      if (this.stopped) return
      if (err instanceof UnsupportedVersionError) {
        // A broker without OffsetForLeaderEpoch cannot tell: fetch on (the Java client does too).
        cursors.forEach((c, i) => c.validated(tickets[i]))
        return
      }
      if (err instanceof KafkaError && (err.retriable || err.refreshMetadata)) {
        this.log.debug('consumer', { node: nodeId, error: err.message }, 'position validation failed; retrying')
        for (const c of cursors) this.backoff(c)
        for (const t of topics) this.refresh(t)
        return
      }
      this.host.fail(null, err instanceof KafkaError ? err : new KafkaError(String(err), { code: 'FETCH_FAILED', cause: err }))
      for (const c of cursors) this.backoff(c)
    } finally {
      for (const c of cursors) c.fetchEnded()
    }
  }

  private partitionError(c: PartitionState, code: number, nodeId: number): void {
    const err = responseError(code, null, `Fetch ${c.topic}-${c.partition}`)
    if (c.preferredReplica(0) === nodeId) {
      // KIP-392: any error from the preferred read replica (out of range included: a follower
      // may lag the leader) sends the partition back to the leader.
      this.log.debug('consumer', { topic: c.topic, partition: c.partition, node: nodeId, error: err.message }, 'preferred read replica failed; back to the leader')
      c.preferReplica(-1, 0)
      this.backoff(c)
      return
    }
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
    await Promise.allSettled([...this.inFlight.values(), ...this.validations])
    await this.closeSessions()
  }

  /**
   * Closes the open fetch sessions (a Fetch with the session id, the final epoch and no
   * partitions, answered at once), so brokers free their session cache slots instead of waiting
   * for eviction, as the Java consumer does on close. Best effort: at most CLOSE_SESSIONS_MS,
   * failures ignored.
   */
  private async closeSessions(): Promise<void> {
    const open = [...this.sessions].filter(([, s]) => s.id !== INVALID_SESSION_ID)
    this.sessions.clear()
    if (open.length === 0) return
    let timer: NodeJS.Timeout | undefined
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_SESSIONS_MS)
    })
    const closing = Promise.allSettled(
      open.map(async ([nodeId, s]) => {
        await this.cluster.broker(nodeId).send(
          Fetch,
          (v) => ({
            ...(v <= 14 ? { replicaId: -1 } : {}),
            maxWaitMs: 0,
            minBytes: 0,
            maxBytes: 1,
            isolationLevel: 0,
            ...(v >= 7 ? { sessionId: s.id, sessionEpoch: FINAL_EPOCH, forgottenTopicsData: [] } : {}),
            topics: [],
          }),
          { owner: this.owner, timeoutMs: CLOSE_SESSIONS_MS },
        )
      }),
    )
    // A broker that is down must not hold stop() up.
    await Promise.race([closing, cap])
    clearTimeout(timer)
  }
}

function push<K, V>(m: Map<K, V[]>, key: K, value: V): void {
  const list = m.get(key)
  if (list) list.push(value)
  else m.set(key, [value])
}

/** The topics of a Fetch: by name below v13, by topic id from v13 (KIP-516). */
function fetchTopics(partitions: readonly SessionPartition[], v: number): { topic?: string; topicId?: string; partitions: {
  partition: number; currentLeaderEpoch?: number; fetchOffset: bigint; lastFetchedEpoch?: number; logStartOffset?: bigint; partitionMaxBytes: number
}[] }[] {
  const byTopic = new Map<string, SessionPartition[]>()
  for (const p of partitions) push(byTopic, v >= 13 ? p.topicId : p.topic, p)
  return [...byTopic].map(([name, list]) => ({
    ...(v >= 13 ? { topicId: name } : { topic: name }),
    partitions: list.map((p) => ({
      partition: p.partition,
      ...(v >= 9 ? { currentLeaderEpoch: p.currentLeaderEpoch } : {}),
      fetchOffset: p.fetchOffset,
      ...(v >= 12 ? { lastFetchedEpoch: p.lastFetchedEpoch } : {}),
      ...(v >= 5 ? { logStartOffset: -1n } : {}),
      partitionMaxBytes: p.partitionMaxBytes,
    })),
  }))
}

/** forgottenTopicsData of an incremental Fetch (v7+): by name below v13, by topic id from v13. */
function forgottenTopics(req: SessionRequest, v: number): { topic?: string; topicId?: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>()
  for (const p of req.toForget) push(byTopic, v >= 13 ? p.topicId : p.topic, p.partition)
  return [...byTopic].map(([name, partitions]) => (v >= 13 ? { topicId: name, partitions } : { topic: name, partitions }))
}
