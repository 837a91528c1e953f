/**
 * Offsets: ListOffsets (KIP-79 timestamps, KIP-734 max timestamp) and DeleteRecords (KIP-107)
 * sent to partition leaders; committed offsets of a group via its coordinator: OffsetFetch,
 * OffsetCommit as an admin (generation -1, no member id: only while the group is empty, as the
 * Java admin's alterConsumerGroupOffsets) and OffsetDelete (KIP-496).
 */
import { ConfigError, UnsupportedVersionError } from '../errors.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { DeleteRecords } from '../protocol/messages/delete-records.js'
import { OffsetDelete } from '../protocol/messages/offset-delete.js'
import { requestListOffsets, requestOffsetCommit, requestOffsetFetch } from '../offsets/offset-requests.js'
import { byTopic, partitionKey, type TopicPartition } from '../offsets/topic-partition.js'
import { type AdminContext, requestTimeout } from './admin-context.js'
import { COORDINATOR_ERRORS, perCoordinator } from './coordinator-routing.js'
import { type ItemError, itemError, missingItem } from './item-error.js'
import { perLeader } from './leader-routing.js'

/**
 * Which offset to look up: `earliest` (log start offset), `latest` (high watermark, or last
 * stable offset under read_committed), `maxTimestamp` (the record with the largest timestamp,
 * v7+), `earliestLocal` (v8+, KIP-405), `latestTiered` (v9+), or a timestamp in ms (the first
 * offset whose timestamp is at or after it).
 */
export type OffsetSpec = 'earliest' | 'latest' | 'maxTimestamp' | 'earliestLocal' | 'latestTiered' | number

const SPECIAL: Record<Exclude<OffsetSpec, number>, { timestamp: bigint; minVersion: number }> = {
  latest: { timestamp: -1n, minVersion: 0 },
  earliest: { timestamp: -2n, minVersion: 0 },
  maxTimestamp: { timestamp: -3n, minVersion: 7 },
  earliestLocal: { timestamp: -4n, minVersion: 8 },
  latestTiered: { timestamp: -5n, minVersion: 9 },
}

/** The ListOffsets timestamp of a spec. @throws ConfigError, UnsupportedVersionError. */
export function offsetSpecTimestamp(at: OffsetSpec, version: number): bigint {
  if (typeof at === 'number') {
    if (!Number.isSafeInteger(at) || at < 0) throw new ConfigError(`listOffsets: timestamp must be a non-negative integer in ms, got ${at}`)
    return BigInt(at)
  }
  const s = (SPECIAL as Record<string, { timestamp: bigint; minVersion: number } | undefined>)[at]
  if (!s) throw new ConfigError(`listOffsets: unknown offset spec ${JSON.stringify(at)}`)
  if (version < s.minVersion) throw new UnsupportedVersionError(`listOffsets: '${at}' needs ListOffsets v${s.minVersion}, the broker speaks v${version}`)
  return s.timestamp
}

export interface ListOffsetsRequestItem extends TopicPartition {
  at: OffsetSpec
}

export interface ListOffsetsResult extends TopicPartition, ItemError {
  /** The offset found, -1n when none (e.g. no record at or after the timestamp). */
  offset: bigint
  /** Timestamp of the record at that offset in ms, -1 for `earliest`/`latest`. */
  timestamp: number
  /** Leader epoch of that offset (v4+), -1 when unknown. */
  leaderEpoch: number
}

export type IsolationLevel = 'read_uncommitted' | 'read_committed'

/** Looks offsets up at partition leaders; see {@link Admin.listOffsets}. */
export async function listOffsets(
  ctx: AdminContext,
  items: readonly ListOffsetsRequestItem[],
  options: { isolationLevel?: IsolationLevel } = {},
): Promise<ListOffsetsResult[]> {
  const isolation = options.isolationLevel === 'read_committed' ? 1 : 0
  const failed = (i: ListOffsetsRequestItem, e: ItemError): ListOffsetsResult => ({ topic: i.topic, partition: i.partition, ...e, offset: -1n, timestamp: -1, leaderEpoch: -1 })
  for (const i of items) offsetSpecTimestamp(i.at, 100)
  return perLeader(ctx, items, async (leader, pending) => {
    const res = await requestListOffsets(ctx.cluster, leader, pending.map((p) => ({ topic: p.topic, partition: p.partition, timestamp: (v: number) => offsetSpecTimestamp(p.at, v) })), isolation, {
      timeoutMs: ctx.requestTimeoutMs,
    })
    return pending.map((i): ListOffsetsResult => {
      const p = res.get(partitionKey(i.topic, i.partition))
      if (!p) return failed(i, missingItem(`${i.topic}-${i.partition}`))
      return { topic: i.topic, partition: i.partition, ...itemError(p.errorCode), offset: p.offset, timestamp: Number(p.timestamp), leaderEpoch: p.leaderEpoch }
    })
  }, failed)
}

export interface DeleteRecordsRequestItem extends TopicPartition {
  /** Records before this offset are deleted; -1 means the high watermark (everything). */
  beforeOffset: bigint | number
}

export interface DeleteRecordsResult extends TopicPartition, ItemError {
  /** The partition's new log start offset, -1n on error. */
  lowWatermark: bigint
}

/** Deletes records at partition leaders; see {@link Admin.deleteRecords}. */
export async function deleteRecords(ctx: AdminContext, items: readonly DeleteRecordsRequestItem[], options: { timeoutMs?: number } = {}): Promise<DeleteRecordsResult[]> {
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs
  const failed = (i: DeleteRecordsRequestItem, e: ItemError): DeleteRecordsResult => ({ topic: i.topic, partition: i.partition, ...e, lowWatermark: -1n })
  return perLeader(ctx, items, async (leader, pending) => {
    const res = await ctx.cluster.send(
      leader,
      DeleteRecords,
      () => ({
        topics: [...byTopic(pending)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: BigInt(p.beforeOffset) })) })),
        timeoutMs,
      }),
      { timeoutMs: requestTimeout(ctx, timeoutMs) },
    )
    const byKey = new Map<string, (typeof res.topics)[number]['partitions'][number]>()
    for (const t of res.topics) for (const p of t.partitions) byKey.set(partitionKey(t.name, p.partitionIndex), p)
    return pending.map((i) => {
      const p = byKey.get(partitionKey(i.topic, i.partition))
      return p ? { topic: i.topic, partition: i.partition, ...itemError(p.errorCode), lowWatermark: p.lowWatermark } : failed(i, missingItem(`${i.topic}-${i.partition}`))
    })
  }, failed)
}

/** A committed offset of a group. */
export interface CommittedOffset extends TopicPartition, ItemError {
  /** The committed offset, -1n when the group has none for the partition. */
  offset: bigint
  /** Leader epoch of the committed offset (v5+), -1 when unknown. */
  leaderEpoch: number
  /** The metadata string committed with it. */
  metadata: string | null
}

/** Topics whose committed offsets to fetch: a topic name means all its partitions. */
export type CommittedOffsetsTopics = ReadonlyArray<string | { topic: string; partitions: readonly number[] }>

interface GroupRound<P> extends ItemError {
  groupId: string
  partitions: P[]
}

/** The first coordinator error among partition results, else the group's own error. */
function roundError(groupError: ItemError, partitions: readonly ItemError[]): ItemError {
  if (groupError.errorCode !== 0) return groupError
  return partitions.find((p) => COORDINATOR_ERRORS.has(p.errorCode)) ?? itemError(0)
}

/** Throws the group-level error of the last round, if any. */
function throwIfGroupFailed(r: ItemError, what: string): void {
  if (r.errorCode !== 0) throw responseError(r.errorCode, r.errorMessage, what)
}

async function resolvePartitions(ctx: AdminContext, topics: CommittedOffsetsTopics): Promise<Map<string, number[]>> {
  const named = topics.filter((t): t is string => typeof t === 'string')
  const out = new Map<string, number[]>()
  if (named.length > 0) {
    const meta = await ctx.cluster.withRetry(() => ctx.cluster.metadata(named))
    for (const name of named) {
      const t = meta.get(name)
      if (!t || t.errorCode !== 0) throw responseError(t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, `topic ${name}`)
      out.set(name, t.partitions.filter((p) => p !== undefined).map((p) => p.partition))
    }
  }
  for (const t of topics) if (typeof t !== 'string') out.set(t.topic, [...new Set([...(out.get(t.topic) ?? []), ...t.partitions])])
  return out
}

/** A group's committed offsets; see {@link Admin.fetchCommittedOffsets}. */
export async function fetchCommittedOffsets(
  ctx: AdminContext,
  groupId: string,
  topics?: CommittedOffsetsTopics,
  options: { requireStable?: boolean } = {},
): Promise<CommittedOffset[]> {
  const wanted = topics === undefined ? null : await resolvePartitions(ctx, topics)
  const [round] = await perCoordinator<GroupRound<CommittedOffset>>(
    ctx,
    [groupId],
    async (coordinator) => {
      const res = await requestOffsetFetch(ctx.cluster, coordinator, groupId, wanted, options.requireStable ?? false)
      if (res.errorCode === -1) return [{ groupId, ...missingItem(`group ${groupId}`), partitions: [] }]
      const partitions = res.partitions.map((p): CommittedOffset => ({
        topic: p.topic,
        partition: p.partition,
        ...itemError(p.errorCode),
        offset: p.offset,
        leaderEpoch: p.leaderEpoch,
        metadata: p.metadata,
      }))
      return [{ groupId, ...roundError(itemError(res.errorCode), partitions), partitions }]
    },
    (id, e) => ({ groupId: id, ...e, partitions: [] }),
  )
  throwIfGroupFailed(round, `OffsetFetch ${groupId}`)
  return round.partitions.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
}

/** An offset to commit for a group. */
export interface OffsetToCommit extends TopicPartition {
  offset: bigint | number
  /** Leader epoch of the offset (v6+); default -1 (unknown). */
  leaderEpoch?: number
  /** Metadata string stored with the offset; default null. */
  metadata?: string | null
}

export interface AlterOffsetResult extends TopicPartition, ItemError {}

/**
 * Commits offsets as an admin, without joining the group; see {@link Admin.alterCommittedOffsets}.
 * Partitions of a group with members fail with UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION.
 */
export async function alterCommittedOffsets(ctx: AdminContext, groupId: string, offsets: readonly OffsetToCommit[]): Promise<AlterOffsetResult[]> {
  const [round] = await perCoordinator<GroupRound<AlterOffsetResult>>(
    ctx,
    [groupId],
    async (coordinator) => {
      const byKey = await requestOffsetCommit(
        ctx.cluster,
        coordinator,
        groupId,
        { generationId: -1, memberId: '', groupInstanceId: null },
        offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: o.leaderEpoch ?? -1, metadata: o.metadata ?? null })),
      )
      const partitions = offsets.map((o): AlterOffsetResult => {
        const code = byKey.get(partitionKey(o.topic, o.partition))
        return { topic: o.topic, partition: o.partition, ...(code === undefined ? missingItem(`${o.topic}-${o.partition}`) : itemError(code)) }
      })
      return [{ groupId, ...roundError(itemError(0), partitions), partitions }]
    },
    (id, e) => ({ groupId: id, ...e, partitions: offsets.map((o) => ({ topic: o.topic, partition: o.partition, ...e })) }),
  )
  return round.partitions
}

export interface DeleteOffsetResult extends TopicPartition, ItemError {}

/**
 * Deletes a group's committed offsets (OffsetDelete, KIP-496); see
 * {@link Admin.deleteCommittedOffsets}. Rejects with the group-level error (e.g.
 * GROUP_ID_NOT_FOUND); partitions the group still consumes fail with GROUP_SUBSCRIBED_TO_TOPIC.
 */
export async function deleteCommittedOffsets(ctx: AdminContext, groupId: string, partitions: readonly TopicPartition[]): Promise<DeleteOffsetResult[]> {
  const [round] = await perCoordinator<GroupRound<DeleteOffsetResult>>(
    ctx,
    [groupId],
    async (coordinator) => {
      const res = await ctx.cluster.send(coordinator, OffsetDelete, () => ({
        groupId,
        topics: [...byTopic(partitions)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition })) })),
      }))
      const byKey = new Map<string, number>()
      for (const t of res.topics) for (const p of t.partitions) byKey.set(partitionKey(t.name, p.partitionIndex), p.errorCode)
      const out = partitions.map((o): DeleteOffsetResult => {
        const code = byKey.get(partitionKey(o.topic, o.partition))
        return { topic: o.topic, partition: o.partition, ...(code === undefined ? missingItem(`${o.topic}-${o.partition}`) : itemError(code)) }
      })
      return [{ groupId, ...roundError(itemError(res.errorCode), out), partitions: out }]
    },
    (id, e) => ({ groupId: id, ...e, partitions: [] }),
  )
  throwIfGroupFailed(round, `OffsetDelete ${groupId}`)
  return round.partitions
}
