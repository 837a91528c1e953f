/**
 * Offset look-ups and commits: ListOffsets to a partition's leader (earliest, latest, or by
 * timestamp), OffsetFetch and OffsetCommit to the group coordinator, each retried past the
 * transient errors (leader moved, coordinator moved or loading) with backoff.
 */
import { KafkaError } from '../errors.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { ListOffsets } from '../protocol/messages/list-offsets.js'
import { OffsetCommit } from '../protocol/messages/offset-commit.js'
import { OffsetFetch } from '../protocol/messages/offset-fetch.js'
import type { Broker } from '../pool/broker.js'
import type { Cluster } from '../pool/cluster.js'
import { backoffMs, sleep } from '../pool/retry.js'
import type { ConnectionOwner } from '../pool/connection-routing.js'
import { partitionKey } from './cursor.js'

/** ListOffsets timestamps with a special meaning (protocol guide, ListOffsets). */
export const LATEST_TIMESTAMP = -1n
export const EARLIEST_TIMESTAMP = -2n

export interface OffsetQuery {
  topic: string
  partition: number
  /** A timestamp in ms, or LATEST_TIMESTAMP / EARLIEST_TIMESTAMP. */
  timestamp: bigint
}

export interface OffsetAndEpoch {
  offset: bigint
  leaderEpoch: number
}

/** Transient coordinator errors: find the coordinator again (or wait) and retry. */
const COORDINATOR_RETRY = new Set<number>([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
])

function isCoordinatorMoved(code: number): boolean {
  return code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE
}

/**
 * Offsets of partitions at `timestamp` from their leaders (ListOffsets). Under read_committed
 * (`isolationLevel` 1) LATEST is the last stable offset.
 * @returns partitionKey(topic, partition) → offset and leader epoch
 * @throws ResponseError for a non-retriable partition error or after the retries
 */
export async function listOffsets(cluster: Cluster, queries: readonly OffsetQuery[], isolationLevel: 0 | 1): Promise<Map<string, OffsetAndEpoch>> {
  const out = new Map<string, OffsetAndEpoch>()
  let remaining = [...queries]
  const retries = 10
  for (let attempt = 0; remaining.length > 0; attempt++) {
    const byLeader = new Map<Broker, OffsetQuery[]>()
    const failed: OffsetQuery[] = []
    let lastError: KafkaError | null = null
    for (const q of remaining) {
      try {
        const leader = await cluster.leaderFor(q.topic, q.partition)
        const list = byLeader.get(leader)
        if (list) list.push(q)
        else byLeader.set(leader, [q])
      } catch (err) {
        if (!(err instanceof KafkaError) || !err.retriable) throw err
        lastError = err
        failed.push(q)
      }
    }
    await Promise.all(
      [...byLeader].map(async ([broker, qs]) => {
        try {
          const errors = await listOffsetsAt(broker, qs, isolationLevel, out)
          for (const [q, err] of errors) {
            if (!err.retriable) throw err
            lastError = err
            failed.push(q)
          }
        } catch (err) {
          if (!(err instanceof KafkaError) || !err.retriable) throw err
          lastError = err
          failed.push(...qs)
        }
      }),
    )
    remaining = failed
    if (remaining.length === 0) break
    if (attempt >= retries) throw lastError ?? new KafkaError('ListOffsets failed', { code: 'LIST_OFFSETS_FAILED' })
    for (const q of remaining) cluster.invalidate(q.topic)
    await sleep(backoffMs(attempt, cluster.retryPolicy))
  }
  return out
}

async function listOffsetsAt(broker: Broker, queries: OffsetQuery[], isolationLevel: 0 | 1, out: Map<string, OffsetAndEpoch>): Promise<[OffsetQuery, KafkaError][]> {
  const byTopic = new Map<string, OffsetQuery[]>()
  for (const q of queries) {
    const list = byTopic.get(q.topic)
    if (list) list.push(q)
    else byTopic.set(q.topic, [q])
  }
  const res = await broker.send(ListOffsets, (v) => ({
    replicaId: -1,
    isolationLevel,
    topics: [...byTopic].map(([name, qs]) => ({
      name,
      partitions: qs.map((q) => ({ partitionIndex: q.partition, timestamp: q.timestamp, ...(v === 0 ? { maxNumOffsets: 1 } : {}) })),
    })),
    ...(v >= 10 ? { timeoutMs: 30_000 } : {}),
  }))
  const errors: [OffsetQuery, KafkaError][] = []
  const seen = new Set<string>()
  for (const t of res.topics) {
    for (const p of t.partitions) {
      const key = partitionKey(t.name, p.partitionIndex)
      const q = queries.find((x) => x.topic === t.name && x.partition === p.partitionIndex)
      if (!q) continue
      seen.add(key)
      if (p.errorCode !== 0) {
        errors.push([q, responseError(p.errorCode, null, `ListOffsets ${t.name}-${p.partitionIndex}`)])
        continue
      }
      const offset = p.offset
      out.set(key, { offset, leaderEpoch: p.leaderEpoch ?? -1 })
    }
  }
  for (const q of queries) {
    if (!seen.has(partitionKey(q.topic, q.partition))) {
      errors.push([q, new KafkaError(`ListOffsets response lacks ${q.topic}-${q.partition}`, { code: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true, refreshMetadata: true })])
    }
  }
  return errors
}

/** A committed offset; `offset` -1n when the group has none for the partition. */
export interface CommittedOffset extends OffsetAndEpoch {
  metadata: string | null
}

/**
 * The group's committed offsets of these partitions (OffsetFetch). `requireStable` (KIP-447)
 * makes the coordinator wait for pending transactional commits.
 * @returns partitionKey → committed offset (offset -1n when none)
 * @throws ResponseError (e.g. GROUP_AUTHORIZATION_FAILED) for non-retriable errors
 */
export async function fetchCommittedOffsets(
  cluster: Cluster,
  groupId: string,
  partitions: readonly { topic: string; partition: number }[],
  requireStable: boolean,
  owner?: ConnectionOwner,
): Promise<Map<string, CommittedOffset>> {
  const byTopic = new Map<string, number[]>()
  for (const p of partitions) {
    const list = byTopic.get(p.topic)
    if (list) list.push(p.partition)
    else byTopic.set(p.topic, [p.partition])
  }
  const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }))
  for (let attempt = 0; ; attempt++) {
    let code = 0
    try {
      const coordinator = await cluster.coordinator('group', groupId)
      const res = await coordinator.send(
        OffsetFetch,
        (v) =>
          v >= 8
            ? { groups: [{ groupId, topics, ...(v >= 9 ? { memberId: null, memberEpoch: -1 } : {}) }], requireStable }
            : { groupId, topics, ...(v >= 7 ? { requireStable } : {}) },
        { owner },
      )
      const group = res.groups?.[0]
      code = group ? group.errorCode : (res.errorCode ?? 0)
      if (code === 0) {
        const out = new Map<string, CommittedOffset>()
        const resTopics = group ? group.topics : (res.topics ?? [])
        for (const t of resTopics) {
          for (const p of t.partitions) {
            if (p.errorCode !== 0) {
              code = p.errorCode
              break
            }
            out.set(partitionKey(t.name ?? '', p.partitionIndex), {
              offset: p.committedOffset,
              leaderEpoch: p.committedLeaderEpoch ?? -1,
              metadata: p.metadata ?? null,
            })
          }
        }
        if (code === 0) return out
      }
      const err = responseError(code, null, `OffsetFetch group ${groupId}`)
      if (!COORDINATOR_RETRY.has(code) && code !== ErrorCode.UNSTABLE_OFFSET_COMMIT && !err.retriable) throw err
      if (isCoordinatorMoved(code)) cluster.invalidateCoordinator('group', groupId)
      if (attempt >= 10) throw err
    } catch (err) {
      if (!(err instanceof KafkaError) || !err.retriable || attempt >= 10) throw err
      cluster.invalidateCoordinator('group', groupId)
    }
    await sleep(backoffMs(attempt, cluster.retryPolicy))
  }
}

export interface OffsetToCommit {
  topic: string
  partition: number
  offset: bigint
  leaderEpoch: number
  metadata: string | null
}

/** Who commits: a group member (generation and member id) or a standalone client (-1, ''). */
export interface CommitIdentity {
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

/**
 * Commits offsets for the group (OffsetCommit), retrying past coordinator moves and loads.
 * @returns per-partition error codes that are not 0 (the caller decides what they mean)
 * @throws KafkaError when the coordinator cannot be reached after the retries
 */
export async function commitOffsets(
  cluster: Cluster,
  groupId: string,
  identity: CommitIdentity,
  offsets: readonly OffsetToCommit[],
  owner?: ConnectionOwner,
): Promise<Map<string, number>> {
  const byTopic = new Map<string, OffsetToCommit[]>()
  for (const o of offsets) {
    const list = byTopic.get(o.topic)
    if (list) list.push(o)
    else byTopic.set(o.topic, [o])
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const coordinator = await cluster.coordinator('group', groupId)
      const res = await coordinator.send(
        OffsetCommit,
        (v) => ({
          groupId,
          generationIdOrMemberEpoch: identity.generationId,
          memberId: identity.memberId,
          ...(v >= 7 ? { groupInstanceId: identity.groupInstanceId } : {}),
          ...(v >= 2 && v <= 4 ? { retentionTimeMs: -1n } : {}),
          topics: [...byTopic].map(([name, list]) => ({
            name,
            partitions: list.map((o) => ({
              partitionIndex: o.partition,
              committedOffset: o.offset,
              ...(v >= 6 ? { committedLeaderEpoch: o.leaderEpoch } : {}),
              ...(v === 1 ? { commitTimestamp: -1n } : {}),
              committedMetadata: o.metadata ?? '',
            })),
          })),
        }),
        { owner },
      )
      const errors = new Map<string, number>()
      let retry = 0
      for (const t of res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode === 0) continue
          if (COORDINATOR_RETRY.has(p.errorCode)) retry = p.errorCode
          errors.set(partitionKey(t.name ?? '', p.partitionIndex), p.errorCode)
        }
      }
      if (retry === 0) return errors
      if (isCoordinatorMoved(retry)) cluster.invalidateCoordinator('group', groupId)
      if (attempt >= 10) return errors
    } catch (err) {
      if (!(err instanceof KafkaError) || !err.retriable || attempt >= 10) throw err
      cluster.invalidateCoordinator('group', groupId)
    }
    await sleep(backoffMs(attempt, cluster.retryPolicy))
  }
}
