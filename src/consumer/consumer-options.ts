/**
 * Consumer options, validated with zod into a ConfigError that names the bad field. Names
 * follow the Java consumer's config names in camelCase where one exists (docs/consumer.md).
 */
import { z } from 'zod'
import { ConfigError } from '../errors.js'
import { partitionKey } from '../offsets/topic-partition.js'
import { configErrorFrom } from '../options.js'
import { topicNameProblem } from '../topic-name.js'
import { parseSubscription, type TopicSubscription } from './topic-subscription.js'
import { resolveAssignor, type Assignor, type AssignorName } from './group/assignors/index.js'

/** Where a partition without a committed offset starts (Java's auto.offset.reset). */
export type ResetStrategy = 'earliest' | 'latest' | 'none'

/**
 * The start of a partition of a consumer without a group subscription:
 * an absolute offset (number or bigint, >= 0); a negative number `-n` meaning n records before
 * the end (high watermark − n, clamped at the log start offset); `'earliest'`, `'latest'`; or
 * `'committed'` (the group's committed offset, needs `groupId`; `resetStrategy` when none).
 */
export type StartOffset = number | bigint | 'earliest' | 'latest' | 'committed'

/** One fixed partition of a consumer without a group subscription. */
export interface PartitionAssignment {
  topic: string
  partition: number
  /** Default `'committed'` with a groupId, else `resetStrategy` (`'latest'` when that is 'none'). */
  offset?: StartOffset
}

/** Options of `kafka.consumer(options)`: either `topics` with `groupId`, or `assignments`. */
export interface ConsumerOptions {
  /** Consumer group (Java's group.id). Needed for `topics`, commits and `'committed'` starts. */
  groupId?: string
  /**
   * Topics to subscribe to as a member of `groupId`: names and RegExps, each RegExp matching
   * whole topic names (Java's subscribe(Collection) / subscribe(Pattern); topic-subscription.ts).
   * Without `topics` nor `assignments`, a consumer with a `groupId` subscribes later with
   * `consumer.subscribe()`.
   */
  topics?: (string | RegExp)[]
  /** Fixed partitions to read without group membership (a "partition consumer"). */
  assignments?: PartitionAssignment[]
  /** Static membership id (Java's group.instance.id, KIP-345; KIP-848 for the consumer protocol). */
  groupInstanceId?: string
  /**
   * The group protocol (Java's group.protocol): `'classic'` (JoinGroup/SyncGroup, the
   * assignment computed by one member with `assignors`) or `'consumer'` (KIP-848, Kafka 4.0+:
   * ConsumerGroupHeartbeat, the assignment computed by the coordinator with
   * `groupRemoteAssignor`, incremental rebalances). Default `'classic'`. docs/consumer.md,
   * "Choosing a protocol".
   */
  groupProtocol?: 'classic' | 'consumer'
  /**
   * The coordinator's assignor for `groupProtocol: 'consumer'` (Java's group.remote.assignor):
   * `'uniform'` or `'range'`. Default: the broker's first configured one (uniform).
   */
  groupRemoteAssignor?: 'uniform' | 'range'
  /** Where partitions without a committed offset start (Java's auto.offset.reset). Default `'latest'`. */
  resetStrategy?: ResetStrategy
  /**
   * Assignors in order of preference (Java's partition.assignment.strategy). Default
   * `['range']`. The rebalance protocol is cooperative (KIP-429) only when every listed
   * assignor is cooperative, as in the Java client.
   */
  assignors?: (AssignorName | 'roundrobin' | 'cooperative-sticky' | Assignor)[]
  /** Session timeout in ms (Java's session.timeout.ms). Default 45000. */
  sessionTimeoutMs?: number
  /**
   * Longest time in ms between two calls of `poll()` (or two iterations) before this member
   * leaves the group (Java's max.poll.interval.ms); also sent as JoinGroup's rebalance timeout.
   * Default 300000.
   */
  maxPollIntervalMs?: number
  /** @deprecated Alias of {@link maxPollIntervalMs}; used only when that is not given. */
  rebalanceTimeoutMs?: number
  /** Heartbeat interval in ms (Java's heartbeat.interval.ms). Default 3000. */
  heartbeatIntervalMs?: number
  /** Commit handed-out offsets periodically (Java's enable.auto.commit). Default false. */
  autoCommit?: boolean
  /** Auto commit interval in ms (Java's auto.commit.interval.ms). Default 5000. */
  autoCommitIntervalMs?: number
  /** Longest a Fetch waits on the broker for `minBytes`, in ms (Java's fetch.max.wait.ms). Default 500. */
  maxWaitMs?: number
  /** Bytes a Fetch waits for (Java's fetch.min.bytes). Default 1. */
  minBytes?: number
  /** Largest Fetch response in bytes (Java's fetch.max.bytes). Default 52428800. */
  maxBytes?: number
  /** Largest data per partition in a Fetch response, bytes (Java's max.partition.fetch.bytes). Default 1048576. */
  maxPartitionBytes?: number
  /** Records `poll()` returns at most (Java's max.poll.records). Default 10000. */
  maxPollRecords?: number
  /** Fetch responses buffered per broker ahead of the application. Default 2. */
  maxBufferedResponsesPerBroker?: number
  /** Transactional visibility (Java's isolation.level). Default `'read_uncommitted'`. */
  isolationLevel?: 'read_uncommitted' | 'read_committed'
  /** End iteration once every partition reached its high watermark as seen at start (kcat -e). Default false. */
  exitAtEnd?: boolean
  /** Verify record batch CRC-32C (Java's check.crcs). Default true. */
  checkCrcs?: boolean
  /** Emit `stats` ({@link ConsumerStats}) every this many ms; 0 turns it off (librdkafka's statistics.interval.ms). Default 0. */
  statisticsIntervalMs?: number
  /**
   * The rack of this consumer (Java's client.rack, KIP-392), sent with every Fetch: a broker whose
   * `replica.selector.class` picks replicas by rack answers with a preferred read replica, which
   * the consumer then fetches from (falling back to the leader on any error). With
   * `groupProtocol: 'consumer'` it is also ConsumerGroupHeartbeat's RackId (KIP-848), which
   * rack-aware server assignors use. Default none.
   */
  clientRack?: string
  /**
   * Largest amount of fetched record data, in KiB, held for the application before it is handed
   * out (librdkafka's queued.max.messages.kbytes; the Java consumer has no such bound). Each
   * Fetch asks for at most what is left (its `maxBytes` cut down), and at the budget fetching
   * stops until the application takes records, so the consumer holds at most this plus one record
   * batch (the broker returns a first batch whole, KIP-74). When everything held belongs to
   * paused partitions, the other partitions still fetch (a batch at a time). Counted as record
   * set bytes on the wire (compressed size). Default 65536 (64 MiB).
   */
  queuedMaxMessagesKbytes?: number
  /**
   * Incremental fetch sessions (KIP-227). With `true` (default) the first Fetch to a broker opens
   * a session and later ones carry only partitions whose position changed, which keeps a
   * consumer of many partitions cheap for both sides. `false` sends every Fetch full and
   * sessionless (epoch -1), as a pre-2.3 client does: for comparison benchmarks and for brokers
   * whose session cache (`max.incremental.fetch.session.cache.slots`) is exhausted. The Java
   * consumer has no such switch; librdkafka has none either.
   */
  fetchSessions?: boolean
}

export interface ResolvedConsumerOptions {
  groupId: string | null
  /** The subscription given at construction (null: none, or a partition consumer). */
  subscription: TopicSubscription | null
  assignments: PartitionAssignment[] | null
  groupInstanceId: string | null
  groupProtocol: 'classic' | 'consumer'
  groupRemoteAssignor: 'uniform' | 'range' | null
  resetStrategy: ResetStrategy
  assignors: Assignor[]
  sessionTimeoutMs: number
  maxPollIntervalMs: number
  heartbeatIntervalMs: number
  autoCommit: boolean
  autoCommitIntervalMs: number
  maxWaitMs: number
  minBytes: number
  maxBytes: number
  maxPartitionBytes: number
  maxPollRecords: number
  maxBufferedResponsesPerBroker: number
  isolationLevel: 'read_uncommitted' | 'read_committed'
  exitAtEnd: boolean
  checkCrcs: boolean
  statisticsIntervalMs: number
  clientRack: string
  /** queuedMaxMessagesKbytes in bytes. */
  queuedMaxBytes: number
  fetchSessions: boolean
}

const positiveInt = z.number().int().positive()
const startOffset = z.union([
  z.number().int(),
  z.bigint(),
  z.enum(['earliest', 'latest', 'committed']),
])

/** Kafka's topic name rule: a group subscribed to an illegal name would otherwise get nothing, silently. */
const topicName = z.string().superRefine((name, ctx) => {
  const problem = topicNameProblem(name)
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `illegal topic name: ${problem}` })
})

const schema = z.object({
  groupId: z.string().min(1).optional(),
  topics: z.array(z.union([topicName, z.instanceof(RegExp)])).min(1).optional(),
  assignments: z
    .array(z.object({ topic: topicName, partition: z.number().int().min(0), offset: startOffset.optional() }))
    .min(1)
    .optional(),
  groupInstanceId: z.string().min(1).optional(),
  groupProtocol: z.enum(['classic', 'consumer']).default('classic'),
  groupRemoteAssignor: z.enum(['uniform', 'range']).optional(),
  resetStrategy: z.enum(['earliest', 'latest', 'none']).default('latest'),
  assignors: z.array(z.unknown()).min(1).optional(),
  sessionTimeoutMs: positiveInt.default(45_000),
  maxPollIntervalMs: positiveInt.optional(),
  rebalanceTimeoutMs: positiveInt.optional(),
  heartbeatIntervalMs: positiveInt.default(3_000),
  autoCommit: z.boolean().default(false),
  autoCommitIntervalMs: positiveInt.default(5_000),
  maxWaitMs: z.number().int().min(0).default(500),
  minBytes: z.number().int().min(0).default(1),
  maxBytes: positiveInt.default(52_428_800),
  maxPartitionBytes: positiveInt.default(1_048_576),
  maxPollRecords: positiveInt.default(10_000),
  maxBufferedResponsesPerBroker: positiveInt.default(2),
  isolationLevel: z.enum(['read_uncommitted', 'read_committed']).default('read_uncommitted'),
  exitAtEnd: z.boolean().default(false),
  checkCrcs: z.boolean().default(true),
  statisticsIntervalMs: z.number().int().min(0).default(0),
  clientRack: z.string().default(''),
  queuedMaxMessagesKbytes: z.number().int().min(1).max(2_097_151).default(65_536),
  fetchSessions: z.boolean().default(true),
}).strict()

/**
 * Validates consumer options.
 * @throws ConfigError naming the bad field, or when neither/both of `topics` and `assignments` are given.
 */
export function resolveConsumerOptions(options: ConsumerOptions): ResolvedConsumerOptions {
  const parsed = schema.safeParse(options)
  if (!parsed.success) throw configErrorFrom('consumer options', parsed.error)
  const o = parsed.data
  if (o.topics !== undefined && o.assignments !== undefined) {
    throw new ConfigError('invalid consumer options: give either topics (with groupId) or assignments')
  }
  if (o.topics === undefined && o.assignments === undefined && o.groupId === undefined) {
    throw new ConfigError('invalid consumer options: give topics (with groupId), assignments, or a groupId to subscribe() later')
  }
  if (o.topics !== undefined && o.groupId === undefined) {
    throw new ConfigError('invalid consumer options: groupId: required with topics')
  }
  if (o.groupProtocol === 'consumer' && o.assignors !== undefined) {
    throw new ConfigError("invalid consumer options: assignors: only for groupProtocol 'classic' (the consumer protocol assigns on the coordinator: use groupRemoteAssignor)")
  }
  if (o.groupProtocol === 'classic' && o.groupRemoteAssignor !== undefined) {
    throw new ConfigError("invalid consumer options: groupRemoteAssignor: only for groupProtocol 'consumer' (the classic protocol uses assignors)")
  }
  if (o.heartbeatIntervalMs >= o.sessionTimeoutMs) {
    throw new ConfigError('invalid consumer options: heartbeatIntervalMs: must be lower than sessionTimeoutMs')
  }
  if (o.assignments) {
    for (const a of o.assignments) {
      if (a.offset === 'committed' && o.groupId === undefined) {
        throw new ConfigError(`invalid consumer options: assignments: ${a.topic}-${a.partition} starts at 'committed' without a groupId`)
      }
    }
    const seen = new Set<string>()
    for (const a of o.assignments) {
      const key = partitionKey(a.topic, a.partition)
      if (seen.has(key)) throw new ConfigError(`invalid consumer options: assignments: ${a.topic}-${a.partition} appears twice`)
      seen.add(key)
    }
  }
  const assignorSpecs = (o.assignors ?? ['range']) as Parameters<typeof resolveAssignor>[0][]
  return {
    groupId: o.groupId ?? null,
    subscription: o.topics ? parseSubscription('invalid consumer options: topics', o.topics) : null,
    assignments: (o.assignments as PartitionAssignment[] | undefined) ?? null,
    groupInstanceId: o.groupInstanceId ?? null,
    groupProtocol: o.groupProtocol,
    groupRemoteAssignor: o.groupRemoteAssignor ?? null,
    resetStrategy: o.resetStrategy,
    assignors: assignorSpecs.map((s) => resolveAssignor(s)),
    sessionTimeoutMs: o.sessionTimeoutMs,
    maxPollIntervalMs: o.maxPollIntervalMs ?? o.rebalanceTimeoutMs ?? 300_000,
    heartbeatIntervalMs: o.heartbeatIntervalMs,
    autoCommit: o.autoCommit,
    autoCommitIntervalMs: o.autoCommitIntervalMs,
    maxWaitMs: o.maxWaitMs,
    minBytes: o.minBytes,
    maxBytes: o.maxBytes,
    maxPartitionBytes: o.maxPartitionBytes,
    maxPollRecords: o.maxPollRecords,
    maxBufferedResponsesPerBroker: o.maxBufferedResponsesPerBroker,
    isolationLevel: o.isolationLevel,
    exitAtEnd: o.exitAtEnd,
    checkCrcs: o.checkCrcs,
    statisticsIntervalMs: o.statisticsIntervalMs,
    clientRack: o.clientRack,
    queuedMaxBytes: o.queuedMaxMessagesKbytes * 1024,
    fetchSessions: o.fetchSessions,
  }
}
