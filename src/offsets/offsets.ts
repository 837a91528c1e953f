/**
 * The retrying offsets path of the consumer: ListOffsets to partition leaders, OffsetFetch and
 * OffsetCommit to the group coordinator (wire side in offset-requests.ts). Every retry goes
 * through the one retry policy (`cluster.withRetry`, src/pool/retry.ts), bounded by the
 * caller's deadline or `cluster.defaultApiTimeoutMs` (Java's default.api.timeout.ms).
 */
import { KafkaError, ResponseError } from '../errors.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import type { Broker } from '../pool/broker.js'
import type { Cluster } from '../pool/cluster.js'
import type { ConnectionOwner } from '../pool/connection-routing.js'
import { type CommitIdentity, type OffsetToCommit, requestListOffsets, requestOffsetCommit, requestOffsetFetch } from './offset-requests.js'
import { partitionKey, type TopicPartition } from './topic-partition.js'

export { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type CommitIdentity, type OffsetToCommit } from './offset-requests.js'

/** How long a call may retry, and whose connections carry it. */
export interface OffsetsCallOptions {
  /** Absolute deadline (ms since the epoch); default now + `cluster.defaultApiTimeoutMs`. */
  deadline?: number
  owner?: ConnectionOwner
}

export interface OffsetQuery extends TopicPartition {
  /** A timestamp in ms, or LATEST_TIMESTAMP / EARLIEST_TIMESTAMP. */
  timestamp: bigint
}

export interface OffsetAndEpoch {
  offset: bigint
  leaderEpoch: number
}

/** A committed offset; `offset` -1n when the group has none for the partition. */
export interface CommittedOffset extends OffsetAndEpoch {
  metadata: string | null
}

/** ListOffsets v10+ broker-side wait (KIP-1075), as before: below the default request timeout. */
const LIST_OFFSETS_BROKER_TIMEOUT_MS = 30_000

/** Coordinator errors after which the coordinator is looked up again. */
const COORDINATOR_MOVED = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE])
const COORDINATOR_RETRY = new Set<number>([...COORDINATOR_MOVED, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS])

/**
 * Retries a coordinator call, finding the coordinator again after connection errors and moves.
 * After UNKNOWN_TOPIC_ID (a topic id the coordinator does not know: the topic was deleted, or
 * re-created under a new id) the next attempt first refreshes the metadata of `topics`, so the
 * topic-id cache holds the current ids.
 */
function withCoordinatorRetry<T>(cluster: Cluster, groupId: string, topics: readonly string[], options: OffsetsCallOptions, fn: (coordinator: Broker) => Promise<T>): Promise<T> {
  let refreshIds = false
  return cluster.withRetry(
    async () => {
      if (refreshIds) {
        refreshIds = false
        await cluster.metadata(topics, { force: true })
      }
      return fn(await cluster.coordinator('group', groupId))
    },
    {
      deadline: options.deadline,
      refreshMetadata: false,
      beforeRetry: (err) => {
        if (err.code === 'UNKNOWN_TOPIC_ID') refreshIds = true
        // A connection error or a moved coordinator: look it up again (not while it is loading).
        else if (!(err instanceof ResponseError) || COORDINATOR_MOVED.has(err.errorCode)) cluster.invalidateCoordinator('group', groupId)
      },
    },
  )
}

/**
 * Offsets of partitions at `timestamp` from their leaders (ListOffsets). Under read_committed
 * (`isolationLevel` 1) LATEST is the last stable offset. Partitions with a retriable error
 * (leader moved) are asked again after a metadata refresh.
 * @returns partitionKey(topic, partition) → offset and leader epoch
 * @throws ResponseError for a non-retriable partition error, or the last retriable one at the deadline
 */
export async function listOffsets(cluster: Cluster, queries: readonly OffsetQuery[], isolationLevel: 0 | 1, options: OffsetsCallOptions = {}): Promise<Map<string, OffsetAndEpoch>> {
  const out = new Map<string, OffsetAndEpoch>()
  let remaining = [...queries]
  if (remaining.length === 0) return out
  await cluster.withRetry(
    async () => {
      const byLeader = new Map<Broker, OffsetQuery[]>()
      for (const q of remaining) {
        const leader = await cluster.leaderFor(q.topic, q.partition)
        const list = byLeader.get(leader)
        if (list) list.push(q)
        else byLeader.set(leader, [q])
      }
      const failed: OffsetQuery[] = []
      let lastError: KafkaError | null = null
      await Promise.all(
        [...byLeader].map(async ([broker, qs]) => {
          try {
            const res = await requestListOffsets(cluster, broker, qs.map((q) => ({ topic: q.topic, partition: q.partition, timestamp: () => q.timestamp })), isolationLevel, { timeoutMs: LIST_OFFSETS_BROKER_TIMEOUT_MS, owner: options.owner })
            for (const q of qs) {
              const key = partitionKey(q.topic, q.partition)
              const p = res.get(key)
              const err =
                p === undefined
                  ? new KafkaError(`ListOffsets response lacks ${q.topic}-${q.partition}`, { code: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true, refreshMetadata: true })
                  : p.errorCode !== 0
                    ? responseError(p.errorCode, null, `ListOffsets ${q.topic}-${q.partition}`)
                    : null
              if (err === null) {
                out.set(key, { offset: (p as { offset: bigint }).offset, leaderEpoch: (p as { leaderEpoch: number }).leaderEpoch })
                continue
              }
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
      if (lastError !== null) {
        for (const q of remaining) cluster.invalidate(q.topic)
        throw lastError
      }
    },
    { deadline: options.deadline },
  )
  return out
}

/**
 * The group's committed offsets of these partitions (OffsetFetch). `requireStable` (KIP-447)
 * makes the coordinator wait for pending transactional commits (UNSTABLE_OFFSET_COMMIT is
 * retried).
 * @returns partitionKey → committed offset (offset -1n when none)
 * @throws ResponseError (e.g. GROUP_AUTHORIZATION_FAILED) for non-retriable errors, or the last
 *   retriable one at the deadline
 */
export async function fetchCommittedOffsets(
  cluster: Cluster,
  groupId: string,
  partitions: readonly TopicPartition[],
  requireStable: boolean,
  options: OffsetsCallOptions = {},
): Promise<Map<string, CommittedOffset>> {
  const topics = new Map<string, number[]>()
  for (const p of partitions) {
    const list = topics.get(p.topic)
    if (list) list.push(p.partition)
    else topics.set(p.topic, [p.partition])
  }
  return withCoordinatorRetry(cluster, groupId, [...topics.keys()], options, async (coordinator) => {
    const res = await requestOffsetFetch(cluster, coordinator, groupId, topics, requireStable, options.owner)
    const code = res.errorCode !== 0 ? res.errorCode : (res.partitions.find((p) => p.errorCode !== 0)?.errorCode ?? 0)
    if (code !== 0) throw responseError(code, null, `OffsetFetch group ${groupId}`)
    const out = new Map<string, CommittedOffset>()
    for (const p of res.partitions) out.set(partitionKey(p.topic, p.partition), { offset: p.offset, leaderEpoch: p.leaderEpoch, metadata: p.metadata })
    return out
  })
}

/**
 * Commits offsets for the group (OffsetCommit), retrying past coordinator moves and loads, and
 * past UNKNOWN_TOPIC_ID (OffsetCommit v10) after a metadata refresh.
 * @returns per-partition error codes that are not 0 (the caller decides what they mean)
 * @throws KafkaError when the coordinator cannot be reached (or keeps moving) until the deadline
 */
export async function commitOffsets(
  cluster: Cluster,
  groupId: string,
  identity: CommitIdentity,
  offsets: readonly OffsetToCommit[],
  options: OffsetsCallOptions = {},
): Promise<Map<string, number>> {
  return withCoordinatorRetry(cluster, groupId, [...new Set(offsets.map((o) => o.topic))], options, async (coordinator) => {
    const res = await requestOffsetCommit(cluster, coordinator, groupId, identity, offsets.map((o) => ({ ...o, metadata: o.metadata ?? '' })), options.owner)
    const errors = new Map<string, number>()
    for (const [key, code] of res) {
      if (code === 0) continue
      // UNKNOWN_TOPIC_ID: retried after refreshing the topic ids (a re-created topic has a new one).
      if (COORDINATOR_RETRY.has(code) || code === ErrorCode.UNKNOWN_TOPIC_ID) throw responseError(code, null, `OffsetCommit group ${groupId}`)
      errors.set(key, code)
    }
    return errors
  })
}
