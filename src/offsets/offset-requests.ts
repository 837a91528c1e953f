/**
 * The wire side of offsets, written once for the consumer and the admin: one ListOffsets to a
 * partition leader, one OffsetFetch or OffsetCommit to a group coordinator (protocol guide;
 * KIP-79 timestamps, KIP-447 requireStable, KIP-709 batched OffsetFetch v8+). No retries here:
 * callers retry through the one retry policy (offsets.ts for the consumer, the admin's
 * per-leader/per-coordinator routing for the admin). Results carry per-partition error codes.
 *
 * OffsetFetch v10 and OffsetCommit v10 (KIP-848) name topics by id: the ids come from the
 * cluster's topic-id cache, and the answers are mapped back to names through the ids sent (or,
 * for "every committed offset", the cache). A topic whose id is not cached yet costs one metadata
 * refresh before the request; when it still has none the call fails with a retriable
 * UNKNOWN_TOPIC_ID (refreshMetadata). A broker without v10 gets the name versions (negotiation).
 */
import { UnsupportedVersionError } from '../errors.js'
import { ZERO_UUID } from '../protocol/api.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { ListOffsets } from '../protocol/messages/list-offsets.js'
import { OffsetCommit } from '../protocol/messages/offset-commit.js'
import { OffsetForLeaderEpoch } from '../protocol/messages/offset-for-leader-epoch.js'
import { OffsetFetch, type OffsetFetchResponseTopic, type OffsetFetchResponseTopics } from '../protocol/messages/offset-fetch.js'
import type { Broker } from '../pool/broker.js'
import type { Cluster } from '../pool/cluster.js'
import type { ConnectionOwner } from '../pool/connection-routing.js'
import { byTopic, partitionKey, type TopicPartition } from './topic-partition.js'

/** ListOffsets timestamps with a special meaning (protocol guide, ListOffsets). */
export const LATEST_TIMESTAMP = -1n
export const EARLIEST_TIMESTAMP = -2n

export interface ListOffsetsItem extends TopicPartition {
  /** A timestamp in ms or a special one (LATEST_TIMESTAMP…), given the request version. */
  timestamp: (version: number) => bigint
}

export interface ListedOffset {
  errorCode: number
  /** -1n when none. */
  offset: bigint
  /** Timestamp in ms of the record at `offset`, -1n when not given. */
  timestamp: bigint
  /** -1 when unknown. */
  leaderEpoch: number
}

/**
 * One ListOffsets to `broker` (sent through `cluster.send`, which refuses a closed client). Under read_committed (`isolationLevel` 1) LATEST is the last
 * stable offset.
 * @returns partitionKey → result; partitions the broker did not answer are absent
 * @throws UnsupportedVersionError for read_committed below v2; connection errors
 */
export async function requestListOffsets(
  cluster: Pick<Cluster, 'send'>,
  broker: Broker,
  items: readonly ListOffsetsItem[],
  isolationLevel: 0 | 1,
  options: { timeoutMs: number; owner?: ConnectionOwner },
): Promise<Map<string, ListedOffset>> {
  const res = await cluster.send(
    broker,
    ListOffsets,
    (v) => {
      if (v < 2 && isolationLevel === 1) throw new UnsupportedVersionError(`read_committed needs ListOffsets v2, the broker speaks v${v}`)
      return {
        replicaId: -1,
        ...(v >= 2 ? { isolationLevel } : {}),
        topics: [...byTopic(items)].map(([name, ps]) => ({
          name,
          partitions: ps.map((p) => ({
            partitionIndex: p.partition,
            ...(v >= 4 ? { currentLeaderEpoch: -1 } : {}),
            timestamp: p.timestamp(v),
            ...(v === 0 ? { maxNumOffsets: 1 } : {}),
          })),
        })),
        ...(v >= 10 ? { timeoutMs: options.timeoutMs } : {}),
      }
    },
    { owner: options.owner },
  )
  const out = new Map<string, ListedOffset>()
  for (const t of res.topics) {
    for (const p of t.partitions) {
      out.set(partitionKey(t.name, p.partitionIndex), {
        errorCode: p.errorCode,
        offset: p.offset,
        timestamp: p.timestamp ?? -1n,
        leaderEpoch: p.leaderEpoch ?? -1,
      })
    }
  }
  return out
}

export interface EpochQuery extends TopicPartition {
  /** The partition's leader epoch as the client knows it (fences a stale leader). */
  currentLeaderEpoch: number
  /** The epoch whose end offset is asked for: the epoch of the last record fetched. */
  leaderEpoch: number
}

export interface EpochEndOffset {
  errorCode: number
  /** The largest epoch at or below the one asked for that the leader's log has, -1 when none. */
  leaderEpoch: number
  /** The end offset of that epoch (exclusive), -1n when unknown. */
  endOffset: bigint
}

/**
 * One OffsetForLeaderEpoch to a partition leader (KIP-101, KIP-320): the end offset of each
 * partition's `leaderEpoch` in the leader's log. A consumer's fetch position past that end was
 * truncated away. No retries here.
 * @returns partitionKey → result; partitions the broker did not answer are absent
 * @throws connection errors
 */
export async function requestOffsetForLeaderEpoch(
  cluster: Pick<Cluster, 'send'>,
  broker: Broker,
  items: readonly EpochQuery[],
  options: { owner?: ConnectionOwner; timeoutMs?: number } = {},
): Promise<Map<string, EpochEndOffset>> {
  const res = await cluster.send(
    broker,
    OffsetForLeaderEpoch,
    (v) => ({
      ...(v >= 3 ? { replicaId: -1 } : {}),
      topics: [...byTopic(items)].map(([topic, ps]) => ({
        topic,
        partitions: ps.map((p) => ({ partition: p.partition, currentLeaderEpoch: p.currentLeaderEpoch, leaderEpoch: p.leaderEpoch })),
      })),
    }),
    { owner: options.owner, timeoutMs: options.timeoutMs },
  )
  const out = new Map<string, EpochEndOffset>()
  for (const t of res.topics) {
    for (const p of t.partitions) out.set(partitionKey(t.topic, p.partition), { errorCode: p.errorCode, leaderEpoch: p.leaderEpoch, endOffset: p.endOffset })
  }
  return out
}

/** What the offsets requests need of the cluster: sending, and the topic-id cache (KIP-516). */
export type OffsetsCluster = Pick<Cluster, 'send' | 'topicId' | 'topicName' | 'topicIds' | 'refreshAllTopics'>

/** Thrown by a request builder when a version names topics by id and some ids are not cached. */
class TopicIdsMissing extends Error {
  constructor(readonly topics: string[]) {
    super(`topic ids not known: ${topics.join(', ')}`)
  }
}

/** The cached ids of `names`; throws TopicIdsMissing naming those not cached. */
function idsFor(cluster: OffsetsCluster, names: Iterable<string>): Map<string, string> {
  const ids = new Map<string, string>()
  const missing: string[] = []
  for (const n of names) {
    const id = cluster.topicId(n)
    if (id === undefined) missing.push(n)
    else ids.set(n, id)
  }
  if (missing.length > 0) throw new TopicIdsMissing(missing)
  return ids
}

/**
 * Sends once; when the negotiated version needs topic ids the cache lacks, refreshes their
 * metadata and sends once more. Still unknown: a retriable UNKNOWN_TOPIC_ID for the caller's
 * retry policy.
 */
async function sendWithTopicIds<T>(cluster: OffsetsCluster, send: () => Promise<T>): Promise<T> {
  try {
    return await send()
  } catch (err) {
    if (!(err instanceof TopicIdsMissing)) throw err
    await cluster.topicIds(err.topics)
  }
  try {
    return await send()
  } catch (err) {
    if (!(err instanceof TopicIdsMissing)) throw err
    throw responseError(ErrorCode.UNKNOWN_TOPIC_ID, `no topic id known for ${err.topics.join(', ')}`, 'topic ids')
  }
}

/** A committed offset as OffsetFetch answers it. */
export interface FetchedOffset extends TopicPartition {
  errorCode: number
  /** -1n when the group has none for the partition. */
  offset: bigint
  /** -1 when unknown. */
  leaderEpoch: number
  metadata: string | null
}

/**
 * One OffsetFetch of `groupId` to its coordinator.
 * @param topics partitions per topic, or null for every partition with a committed offset (v2+)
 * @returns the group-level error code and the partitions answered
 */
export async function requestOffsetFetch(
  cluster: OffsetsCluster,
  coordinator: Broker,
  groupId: string,
  topics: ReadonlyMap<string, readonly number[]> | null,
  requireStable: boolean,
  owner?: ConnectionOwner,
): Promise<{ errorCode: number; partitions: FetchedOffset[] }> {
  let namesById: Map<string, string> | null = null
  const res = await sendWithTopicIds(cluster, () =>
    cluster.send(
      coordinator,
      OffsetFetch,
      (v) => {
        if (v < 2 && topics === null) throw new UnsupportedVersionError(`fetching all committed offsets needs OffsetFetch v2, the broker speaks v${v}`)
        namesById = null
        if (v >= 10) {
          const ids = topics === null ? new Map<string, string>() : idsFor(cluster, topics.keys())
          namesById = new Map([...ids].map(([name, id]) => [id, name]))
          const reqTopics = topics === null ? null : [...topics].map(([name, partitionIndexes]) => ({ topicId: ids.get(name) as string, partitionIndexes: [...partitionIndexes] }))
          return { groups: [{ groupId, memberId: null, memberEpoch: -1, topics: reqTopics }], requireStable }
        }
        const reqTopics = topics === null ? null : [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes: [...partitionIndexes] }))
        if (v >= 8) return { groups: [{ groupId, ...(v >= 9 ? { memberId: null, memberEpoch: -1 } : {}), topics: reqTopics }], requireStable }
        return { groupId, topics: reqTopics, ...(v >= 7 ? { requireStable } : {}) }
      },
      { owner },
    ),
  )
  const group: { topics: Array<OffsetFetchResponseTopics | OffsetFetchResponseTopic>; errorCode?: number } | undefined = res.groups
    ? res.groups.find((g) => g.groupId === groupId)
    : { topics: res.topics ?? [], errorCode: res.errorCode ?? 0 }
  if (group === undefined) return { errorCode: -1, partitions: [] }
  const sentIds = namesById as Map<string, string> | null
  // v10 answers by id. Every committed offset (topics null): ids not cached yet cost one refresh.
  if (topics === null && group.topics.some((t) => 'topicId' in t && t.name === undefined && cluster.topicName(t.topicId ?? ZERO_UUID) === undefined)) {
    await cluster.refreshAllTopics()
  }
  const partitions: FetchedOffset[] = []
  for (const t of group.topics) {
    const id = ('topicId' in t ? t.topicId : undefined) ?? ZERO_UUID
    const topic = t.name ?? sentIds?.get(id) ?? cluster.topicName(id)
    // An id no metadata names: a topic deleted since the offsets were committed.
    if (topic === undefined) continue
    for (const p of t.partitions) {
      partitions.push({ topic, partition: p.partitionIndex, errorCode: p.errorCode, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch ?? -1, metadata: p.metadata ?? null })
    }
  }
  return { errorCode: group.errorCode ?? 0, partitions }
}

/** Who commits: a group member (generation and member id) or an admin / standalone client (-1, ''). */
export interface CommitIdentity {
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

/** An offset to commit. */
export interface OffsetToCommit extends TopicPartition {
  offset: bigint
  /** -1 when unknown. */
  leaderEpoch: number
  metadata: string | null
}

/**
 * One OffsetCommit of `groupId` to its coordinator.
 * @returns partitionKey → error code (0 for success) of every partition answered
 */
export async function requestOffsetCommit(
  cluster: OffsetsCluster,
  coordinator: Broker,
  groupId: string,
  identity: CommitIdentity,
  offsets: readonly OffsetToCommit[],
  owner?: ConnectionOwner,
): Promise<Map<string, number>> {
  const grouped = byTopic(offsets)
  let namesById: Map<string, string> | null = null
  const res = await sendWithTopicIds(cluster, () =>
    cluster.send(
      coordinator,
      OffsetCommit,
      (v) => {
        const ids = v >= 10 ? idsFor(cluster, grouped.keys()) : null
        namesById = ids === null ? null : new Map([...ids].map(([name, id]) => [id, name]))
        return {
          groupId,
          generationIdOrMemberEpoch: identity.generationId,
          memberId: identity.memberId,
          ...(v >= 7 ? { groupInstanceId: identity.groupInstanceId } : {}),
          ...(v >= 2 && v <= 4 ? { retentionTimeMs: -1n } : {}),
          topics: [...grouped].map(([name, list]) => ({
            ...(ids === null ? { name } : { topicId: ids.get(name) as string }),
            partitions: list.map((o) => ({
              partitionIndex: o.partition,
              committedOffset: o.offset,
              ...(v >= 6 ? { committedLeaderEpoch: o.leaderEpoch } : {}),
              ...(v === 1 ? { commitTimestamp: -1n } : {}),
              committedMetadata: o.metadata,
            })),
          })),
        }
      },
      { owner },
    ),
  )
  const sentIds = namesById as Map<string, string> | null
  const out = new Map<string, number>()
  for (const t of res.topics) {
    const topic = t.name ?? sentIds?.get(t.topicId ?? ZERO_UUID) ?? ''
    for (const p of t.partitions) out.set(partitionKey(topic, p.partitionIndex), p.errorCode)
  }
  return out
}
