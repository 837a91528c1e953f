/**
 * Positions for cursors that have none: the group's committed offset (OffsetFetch), else the
 * reset strategy (Java's auto.offset.reset) through ListOffsets; the partition consumer's
 * relative starts ("n records before the end", clamped at the log start offset); and seeks to
 * a timestamp (ListOffsets by time, KIP-79: the first offset whose timestamp is at or after it,
 * the end when there is none).
 */
import { KafkaError } from '../errors.js'
import type { Cluster } from '../pool/cluster.js'
import type { ConnectionOwner } from '../pool/connection-routing.js'
import type { ResetStrategy } from './consumer-options.js'
import type { PartitionState } from './partition-state.js'
import { EARLIEST_TIMESTAMP, fetchCommittedOffsets, LATEST_TIMESTAMP, listOffsets, type OffsetQuery } from '../offsets/offsets.js'

export interface StartOffsetsContext {
  cluster: Cluster
  /** The consumer whose coordinator connection carries OffsetFetch. */
  owner?: ConnectionOwner
  groupId: string | null
  resetStrategy: ResetStrategy
  readCommitted: boolean
}

/** The error for a partition with no committed offset under resetStrategy 'none'. */
export function noOffsetError(c: PartitionState): KafkaError {
  return new KafkaError(`no committed offset for ${c.topic}-${c.partition} and resetStrategy is 'none'`, { code: 'NO_OFFSET_FOR_PARTITION' })
}

/**
 * Positions every unpositioned cursor in `cursors`. A cursor seeked meanwhile (its version
 * changed) is left alone.
 * @returns cursors that could not be positioned, with why (they stay unpositioned, or 'failed'
 *   for NO_OFFSET_FOR_PARTITION)
 * @throws KafkaError when a look-up fails as a whole (e.g. the coordinator is unreachable)
 */
export async function positionCursors(ctx: StartOffsetsContext, cursors: readonly PartitionState[]): Promise<[PartitionState, KafkaError][]> {
  const todo = cursors.filter((c) => c.state === 'unpositioned').map((c) => ({ c, version: c.version }))
  const failed: [PartitionState, KafkaError][] = []
  const committed = todo.filter((t) => t.c.reset === 'committed')
  if (committed.length > 0) {
    if (ctx.groupId === null) throw new KafkaError('a committed start needs a groupId', { code: 'INVALID_CONFIG' })
    const found = await fetchCommittedOffsets(ctx.cluster, ctx.groupId, committed.map((t) => t.c), ctx.readCommitted, { owner: ctx.owner })
    for (const t of committed) {
      if (t.c.version !== t.version) continue
      const o = found.get(t.c.key)
      if (o !== undefined && o.offset >= 0n) {
        t.c.positioned(o.offset, o.leaderEpoch)
      } else {
        t.c.fallBackTo(ctx.resetStrategy)
      }
    }
  }
  const queries: OffsetQuery[] = []
  const timed: OffsetQuery[] = []
  const pending: { c: PartitionState; version: number }[] = []
  for (const t of todo) {
    if (t.c.version !== t.version || t.c.state !== 'unpositioned') continue
    const reset = t.c.reset
    if (reset === 'none') {
      t.c.fail()
      failed.push([t.c, noOffsetError(t.c)])
      continue
    }
    if (reset === 'committed') continue
    pending.push(t)
    const tp = { topic: t.c.topic, partition: t.c.partition }
    if (typeof reset === 'object' && 'timestamp' in reset) {
      // The first offset at or after the timestamp (Java's offsetsForTimes); the end when none.
      timed.push({ ...tp, timestamp: reset.timestamp })
      queries.push({ ...tp, timestamp: LATEST_TIMESTAMP })
      continue
    }
    if (reset === 'earliest' || typeof reset === 'object') queries.push({ ...tp, timestamp: EARLIEST_TIMESTAMP })
    if (reset === 'latest' || typeof reset === 'object') queries.push({ ...tp, timestamp: LATEST_TIMESTAMP })
  }
  if (queries.length === 0) return failed
  const level = ctx.readCommitted ? 1 : 0
  const [earliest, latest, byTime] = await Promise.all([
    listOffsets(ctx.cluster, queries.filter((q) => q.timestamp === EARLIEST_TIMESTAMP), level, { owner: ctx.owner }),
    listOffsets(ctx.cluster, queries.filter((q) => q.timestamp === LATEST_TIMESTAMP), level, { owner: ctx.owner }),
    listOffsets(ctx.cluster, timed, level, { owner: ctx.owner }),
  ])
  for (const t of pending) {
    if (t.c.version !== t.version || t.c.state !== 'unpositioned') continue
    const reset = t.c.reset
    const start = earliest.get(t.c.key)
    const end = latest.get(t.c.key)
    let at: bigint | null = null
    if (reset === 'earliest' && start) at = start.offset
    else if (reset === 'latest' && end) at = end.offset
    else if (typeof reset === 'object' && 'timestamp' in reset) {
      const found = byTime.get(t.c.key)
      if (found && found.offset >= 0n) at = found.offset
      else if (found && end) at = end.offset
    } else if (typeof reset === 'object' && start && end) {
      const target = end.offset - reset.relative
      at = target < start.offset ? start.offset : target
    }
    if (at === null) continue
    // Nothing handed out yet: giving this partition up loses no progress (issue 13 item 5).
    t.c.positioned(at)
  }
  return failed
}
