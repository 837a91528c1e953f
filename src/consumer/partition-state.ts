/**
 * Per-partition fetch state of an assigned partition (the Java client's TopicPartitionState),
 * changed only through its methods, by the consumer's {@link SubscriptionState} and the
 * fetcher/fetch queue. Not tied to a broker: each fetch routes it to the partition's current
 * leader, so it moves when leadership moves.
 *
 * Two positions: the fetch position advances when a Fetch response is buffered (prefetch);
 * the consumed `position` advances when records are handed to the application, and is what
 * `commit()` commits. `version` changes on every seek/reset/revocation, so a Fetch response
 * (or buffered data) for an older version is dropped.
 */
import type { ResetStrategy } from './consumer-options.js'
import { partitionKey } from '../offsets/topic-partition.js'

export type FetchStateName =
  /** Needs a start offset (committed offset or reset strategy) before it can be fetched. */
  | 'unpositioned'
  /** Position known; fetchable. */
  | 'ready'
  /** Stopped until the next seek (a partition error), or revoked. */
  | 'failed'

/**
 * How an unpositioned partition finds its start: a reset strategy, the group's committed offset,
 * `relative` records before the end, or the first offset whose timestamp is at or after
 * `timestamp` (ms; ListOffsets, KIP-79), the end when there is none.
 */
export type StartRule = ResetStrategy | 'committed' | { relative: bigint } | { timestamp: bigint }

/** What a Fetch was sent for: the response applies only while the version is unchanged. */
export interface FetchTicket {
  readonly version: number
  readonly offset: bigint
  /** The fetch position's epoch when sent (lastFetchedEpoch; OffsetForLeaderEpoch's leaderEpoch). */
  readonly epoch: number
}

export class PartitionState {
  readonly topic: string
  readonly partition: number
  readonly key: string
  private _state: FetchStateName = 'unpositioned'
  private _reset: StartRule = 'latest'
  private _fetchPosition = 0n
  private _position = 0n
  private _leaderEpoch = -1
  private _version = 0
  private _inFlight = false
  private _paused = false
  private _backoffUntil = 0
  private _highWatermark = -1n
  private _lastStableOffset = -1n
  private _logStartOffset = -1n
  private _committed = -1n
  /** Leader epoch of the last fetched batch (Fetch v12 lastFetchedEpoch, KIP-320), -1 unknown. */
  private _fetchEpoch = -1
  /** The partition's leader epoch (metadata) the last fetch was routed by, -1 none yet. */
  private _routedEpoch = -1
  /** The fetch position must be checked against the leader's log (OffsetForLeaderEpoch, KIP-320). */
  private _awaitingValidation = false
  /** Preferred read replica (KIP-392), -1 none; used until `_preferredUntil` (ms). */
  private _preferredReplica = -1
  private _preferredUntil = 0
  /** Fetched record bytes queued for the application (the client-side fetch buffer budget). */
  private _bufferedBytes = 0

  constructor(topic: string, partition: number) {
    this.topic = topic
    this.partition = partition
    this.key = partitionKey(topic, partition)
  }

  get state(): FetchStateName {
    return this._state
  }
  /** The start rule used while unpositioned. */
  get reset(): StartRule {
    return this._reset
  }
  /** Next offset to fetch. */
  get fetchPosition(): bigint {
    return this._fetchPosition
  }
  /** Next offset to hand out (the consumed position, what commit() commits). */
  get position(): bigint {
    return this._position
  }
  /** Leader epoch of the last record handed out (-1 unknown): committed with `position`. */
  get leaderEpoch(): number {
    return this._leaderEpoch
  }
  get version(): number {
    return this._version
  }
  get paused(): boolean {
    return this._paused
  }
  get inFlight(): boolean {
    return this._inFlight
  }
  /** Earliest time (ms) the partition may be fetched again after an error. */
  get backoffUntil(): number {
    return this._backoffUntil
  }
  /** From the latest Fetch response, -1n until one arrived. */
  get highWatermark(): bigint {
    return this._highWatermark
  }
  get lastStableOffset(): bigint {
    return this._lastStableOffset
  }
  get logStartOffset(): bigint {
    return this._logStartOffset
  }
  /** Leader epoch of the last fetched batch, sent as Fetch's lastFetchedEpoch (-1 unknown). */
  get fetchEpoch(): number {
    return this._fetchEpoch
  }
  /** Whether the fetch position waits for validation against the leader's log (KIP-320). */
  get awaitingValidation(): boolean {
    return this._awaitingValidation
  }
  /** Fetched record bytes of this partition queued for the application. */
  get bufferedBytes(): number {
    return this._bufferedBytes
  }
  /** Position at the last successful commit, or where it was positioned (nothing to commit). */
  get committed(): bigint {
    return this._committed
  }
  /** Records were handed out (or a seek moved it) since the last commit. */
  get hasProgress(): boolean {
    return this._state === 'ready' && this._position !== this._committed
  }

  /** Moves both positions to `offset` and invalidates buffered and in-flight data. */
  seek(offset: bigint, leaderEpoch = -1): void {
    this._fetchPosition = offset
    this._position = offset
    this._leaderEpoch = leaderEpoch
    this._fetchEpoch = leaderEpoch
    this._awaitingValidation = false
    this._state = 'ready'
    this._backoffUntil = 0
    this._version++
  }

  /** Positioned by the committed offset or the reset strategy: no progress to commit or lose. */
  positioned(offset: bigint, leaderEpoch = -1): void {
    this.seek(offset, leaderEpoch)
    this._committed = offset
    // A committed offset with its epoch: check the log was not truncated below it (KIP-320).
    this._awaitingValidation = leaderEpoch >= 0
  }

  /**
   * The fetcher routes the partition by metadata with leader epoch `epoch`. A newer epoch than
   * the last routed one means a new leader, whose log may have been truncated: the position is
   * validated before fetching again (when its epoch is known), as the Java client does.
   */
  routedBy(epoch: number): void {
    if (epoch > this._routedEpoch) {
      if (this._routedEpoch >= 0 && this._fetchEpoch >= 0 && this._state === 'ready') this._awaitingValidation = true
      this._routedEpoch = epoch
    }
  }

  /** A validation (OffsetForLeaderEpoch) answered for `ticket` found no truncation. */
  validated(ticket: FetchTicket): void {
    if (this.current(ticket)) this._awaitingValidation = false
  }

  /** The preferred read replica (KIP-392) at `now`, -1 when none. */
  preferredReplica(now: number): number {
    return this._preferredReplica >= 0 && now < this._preferredUntil ? this._preferredReplica : -1
  }

  /** The broker named `nodeId` its preferred read replica (-1: the leader) until `until` (ms). */
  preferReplica(nodeId: number, until: number): void {
    this._preferredReplica = nodeId
    this._preferredUntil = until
  }

  /** Fetched bytes were queued (n > 0) or left the queue (n < 0). */
  buffered(n: number): void {
    this._bufferedBytes += n
  }

  /** Marks the partition as needing a start offset by `reset`. */
  unposition(reset: StartRule): void {
    this._state = 'unpositioned'
    this._reset = reset
    this._version++
  }

  /** A committed start was looked for and none found: use `reset` (same version). */
  fallBackTo(reset: ResetStrategy): void {
    this._reset = reset
  }

  /** Stops the partition until the next seek (it keeps its assignment). */
  fail(): void {
    this._state = 'failed'
  }

  /** No longer assigned: every buffered or in-flight answer for it is stale. */
  revoke(): void {
    this._state = 'failed'
    this._version++
  }

  pause(): void {
    this._paused = true
  }

  resume(): void {
    this._paused = false
  }

  fetchable(now: number): boolean {
    return this._state === 'ready' && !this._paused && !this._inFlight && this._backoffUntil <= now
  }

  /** A Fetch for this partition is being sent. */
  fetchStarted(): FetchTicket {
    this._inFlight = true
    return { version: this._version, offset: this._fetchPosition, epoch: this._fetchEpoch }
  }

  fetchEnded(): void {
    this._inFlight = false
  }

  /** Whether an answer to `ticket` still applies (no seek, reset or revocation since). */
  current(ticket: FetchTicket): boolean {
    return ticket.version === this._version
  }

  /** Offsets from a Fetch response for `ticket`; ignored when stale. */
  updateOffsets(ticket: FetchTicket, highWatermark: bigint, lastStableOffset: bigint, logStartOffset: bigint): void {
    if (!this.current(ticket)) return
    this._highWatermark = highWatermark
    this._lastStableOffset = lastStableOffset
    if (logStartOffset >= 0n) this._logStartOffset = logStartOffset
  }

  /** Records up to `nextOffset` were buffered for `ticket`: fetch on from there. False when stale. */
  fetched(ticket: FetchTicket, nextOffset: bigint, lastEpoch = -1): boolean {
    if (!this.current(ticket)) return false
    this._fetchPosition = nextOffset
    if (lastEpoch >= 0) this._fetchEpoch = lastEpoch
    return true
  }

  /** Delays the next fetch until `until` (ms) after an error. */
  backOff(until: number): void {
    this._backoffUntil = until
  }

  /** Records were handed out up to `nextOffset` (exclusive); `leaderEpoch` < 0 keeps the last known. */
  consumed(nextOffset: bigint, leaderEpoch: number): void {
    this._position = nextOffset
    if (leaderEpoch >= 0) this._leaderEpoch = leaderEpoch
  }

  /** `offset` was committed. */
  committedAt(offset: bigint): void {
    this._committed = offset
  }
}
