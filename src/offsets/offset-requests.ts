/**
 * The wire side of offsets, written once for the consumer and the admin: one ListOffsets to a
 * partition leader, one OffsetFetch or OffsetCommit to a group coordinator (protocol guide;
 * KIP-79 timestamps, KIP-447 requireStable, KIP-709 batched OffsetFetch v8+). No retries here:
 * callers retry through the one retry policy (offsets.ts for the consumer, the admin's
 * per-leader/per-coordinator routing for the admin). Results carry per-partition error codes.
 */
import { UnsupportedVersionError } from '../errors.js'
import { ListOffsets } from '../protocol/messages/list-offsets.js'
import { OffsetCommit } from '../protocol/messages/offset-commit.js'
import { OffsetFetch } from '../protocol/messages/offset-fetch.js'
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
  cluster: Pick<Cluster, 'send'>,
  coordinator: Broker,
  groupId: string,
  topics: ReadonlyMap<string, readonly number[]> | null,
  requireStable: boolean,
  owner?: ConnectionOwner,
): Promise<{ errorCode: number; partitions: FetchedOffset[] }> {
  const res = await cluster.send(
    coordinator,
    OffsetFetch,
    (v) => {
      if (v < 2 && topics === null) throw new UnsupportedVersionError(`fetching all committed offsets needs OffsetFetch v2, the broker speaks v${v}`)
      const reqTopics = topics === null ? null : [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes: [...partitionIndexes] }))
      if (v >= 8) return { groups: [{ groupId, ...(v >= 9 ? { memberId: null, memberEpoch: -1 } : {}), topics: reqTopics }], requireStable }
      return { groupId, topics: reqTopics, ...(v >= 7 ? { requireStable } : {}) }
    },
    { owner },
  )
  const group = res.groups ? res.groups.find((g) => g.groupId === groupId) : { topics: res.topics ?? [], errorCode: res.errorCode ?? 0 }
  if (group === undefined) return { errorCode: -1, partitions: [] }
  const partitions: FetchedOffset[] = []
  for (const t of group.topics) {
    for (const p of t.partitions) {
      partitions.push({ topic: t.name ?? '', partition: p.partitionIndex, errorCode: p.errorCode, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch ?? -1, metadata: p.metadata ?? null })
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
  cluster: Pick<Cluster, 'send'>,
  coordinator: Broker,
  groupId: string,
  identity: CommitIdentity,
  offsets: readonly OffsetToCommit[],
  owner?: ConnectionOwner,
): Promise<Map<string, number>> {
  const res = await cluster.send(
    coordinator,
    OffsetCommit,
    (v) => ({
      groupId,
      generationIdOrMemberEpoch: identity.generationId,
      memberId: identity.memberId,
      ...(v >= 7 ? { groupInstanceId: identity.groupInstanceId } : {}),
      ...(v >= 2 && v <= 4 ? { retentionTimeMs: -1n } : {}),
      topics: [...byTopic(offsets)].map(([name, list]) => ({
        name,
        partitions: list.map((o) => ({
          partitionIndex: o.partition,
          committedOffset: o.offset,
          ...(v >= 6 ? { committedLeaderEpoch: o.leaderEpoch } : {}),
          ...(v === 1 ? { commitTimestamp: -1n } : {}),
          committedMetadata: o.metadata,
        })),
      })),
    }),
    { owner },
  )
  const out = new Map<string, number>()
  for (const t of res.topics) for (const p of t.partitions) out.set(partitionKey(t.name ?? '', p.partitionIndex), p.errorCode)
  return out
}
