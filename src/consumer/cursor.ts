/**
 * Per-partition read state. A cursor is not tied to a broker: each fetch routes it to the
 * partition's current leader, so it moves when leadership moves.
 *
 * Two positions: `fetchOffset` advances when a Fetch response is buffered (prefetch);
 * `position` advances when records are handed to the application, and is what `commit()`
 * commits. `version` changes on every seek/reset so responses for an older position are dropped.
 */
import type { ResetStrategy } from './consumer-options.js'
import { partitionKey } from '../offsets/topic-partition.js'

export type CursorState =
  /** Needs a start offset (committed offset or reset strategy) before it can be fetched. */
  | 'unpositioned'
  /** Position known; fetchable. */
  | 'ready'
  /** A fetch error stopped it until the next seek (resetStrategy 'none' with OFFSET_OUT_OF_RANGE). */
  | 'failed'

export class Cursor {
  readonly topic: string
  readonly partition: number
  readonly key: string
  state: CursorState = 'unpositioned'
  /** Strategy to apply when unpositioned, or an explicit start. */
  reset: ResetStrategy | 'committed' | { relative: bigint } = 'latest'
  /** Next offset to fetch. */
  fetchOffset = 0n
  /** Next offset to hand out. */
  position = 0n
  /** Leader epoch of the last record handed out (-1 unknown): committed with `position`. */
  leaderEpoch = -1
  /** Leader epoch of the last fetched batch. */
  fetchedEpoch = -1
  /** Bumped by seek/reset/revocation; buffered data of another version is stale. */
  version = 0
  /** A Fetch holding this cursor is in flight. */
  inFlight = false
  paused = false
  /** Earliest time (ms) the cursor may be fetched again after an error. */
  backoffUntil = 0
  highWatermark = -1n
  lastStableOffset = -1n
  logStartOffset = -1n
  /** Position at the last successful commit (or assignment), to skip unchanged partitions. */
  committed = -1n

  constructor(topic: string, partition: number) {
    this.topic = topic
    this.partition = partition
    this.key = partitionKey(topic, partition)
  }

  /** Moves both positions to `offset` and invalidates buffered and in-flight data. */
  seek(offset: bigint, leaderEpoch = -1): void {
    this.fetchOffset = offset
    this.position = offset
    this.leaderEpoch = leaderEpoch
    this.fetchedEpoch = leaderEpoch
    this.state = 'ready'
    this.backoffUntil = 0
    this.version++
  }

  /** Marks the cursor as needing a start offset by `reset`. */
  unposition(reset: Cursor['reset']): void {
    this.state = 'unpositioned'
    this.reset = reset
    this.version++
  }

  fetchable(now: number): boolean {
    return this.state === 'ready' && !this.paused && !this.inFlight && this.backoffUntil <= now
  }
}

export { partitionKey } from '../offsets/topic-partition.js'
