/**
 * Topic lifecycle: CreateTopics (KIP-4, KIP-464 broker defaults), DeleteTopics (KIP-516 topic
 * ids), CreatePartitions (KIP-195). Sent to any broker: KRaft brokers forward them to the
 * active controller; items answered NOT_CONTROLLER are sent again after a metadata refresh.
 */
import { type ApiDefinition, ZERO_UUID } from '../protocol/api.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { CreatePartitions } from '../protocol/messages/create-partitions.js'
import { CreateTopics } from '../protocol/messages/create-topics.js'
import { DeleteTopics } from '../protocol/messages/delete-topics.js'
import { type AdminContext, requestTimeout } from './admin-context.js'
import { type ItemError, itemError, missingItem } from './item-error.js'
import { failedWith, settleItems } from './item-retry.js'

/** A topic to create. */
export interface NewTopic {
  name: string
  /** Partition count; default (left out, or -1) the broker's `num.partitions` (KIP-464). Leave out with `assignments`. */
  partitions?: number
  /** Replication factor; default (left out, or -1) the broker's `default.replication.factor`. Leave out with `assignments`. */
  replicationFactor?: number
  /** Explicit replica placement: the broker ids of each partition, leader preferred first. */
  assignments?: ReadonlyArray<{ partition: number; replicas: readonly number[] }>
  /**
   * Topic configs, e.g. `{ 'cleanup.policy': 'compact', 'retention.ms': 60000 }`: numbers and
   * booleans are sent as their string form (`String(value)`).
   */
  configs?: Readonly<Record<string, string | number | boolean>>
}

/** A config of a created topic, as the broker reports it (CreateTopics v5+). */
export interface CreatedTopicConfig {
  name: string
  value: string | null
  readOnly: boolean
  /** Config source code (see {@link ConfigSource}); -1 when unknown. */
  source: number
  isSensitive: boolean
}

/** One topic of a {@link createTopics} result. */
export interface CreateTopicResult extends ItemError {
  name: string
  /** The new topic's id (v7+), `ZERO_UUID` when the broker did not say. */
  topicId: string
  /** Partitions (v5+), -1 when unknown or on error. */
  numPartitions: number
  /** Replication factor (v5+), -1 when unknown or on error. */
  replicationFactor: number
  /** Effective configs (v5+), empty when unknown or on error. */
  configs: CreatedTopicConfig[]
}

export interface CreateTopicsOptions {
  /** Validate without creating (v1+). */
  validateOnly?: boolean
  /** How long the controller may take, in ms. Default the admin's `timeoutMs`. */
  timeoutMs?: number
}

const CONTROLLER_MOVED = new Set([ErrorCode.NOT_CONTROLLER])

/**
 * One topic request for `items` to any broker (forwarded to the controller), on the admin's own
 * slow-request connections: retried whole under the one retry policy, and items answered
 * NOT_CONTROLLER sent again after a metadata refresh ({@link settleItems}). The cached metadata
 * of the named topics is forgotten afterwards, since they changed.
 */
async function settleOnController<I, Req, Res, R extends ItemError>(
  ctx: AdminContext,
  items: readonly I[],
  topicOf: (item: I) => string,
  api: ApiDefinition<Req, Res>,
  serverTimeoutMs: number,
  build: (pending: I[], version: number) => Req,
  answer: (res: Res, pending: I[]) => R[],
): Promise<R[]> {
  const { cluster } = ctx
  const send = (pending: I[]): Promise<Res> =>
    cluster.withRetry(() => cluster.send('any', api, (v) => build(pending, v), { timeoutMs: requestTimeout(ctx, serverTimeoutMs), owner: ctx.owner }))
  return settleItems(cluster, items, async (pending) => answer(await send(pending), pending), failedWith(CONTROLLER_MOVED), () => cluster.invalidate()).finally(() => {
    for (const i of items) cluster.invalidate(topicOf(i))
  })
}

/** Creates topics; see {@link Admin.createTopics}. */
export async function createTopics(ctx: AdminContext, topics: readonly NewTopic[], options: CreateTopicsOptions = {}): Promise<CreateTopicResult[]> {
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs
  return settleOnController(
    ctx,
    topics,
    (t) => t.name,
    CreateTopics,
    timeoutMs,
    (pending) => ({
      topics: pending.map((t) => ({
        name: t.name,
        numPartitions: t.assignments ? -1 : (t.partitions ?? -1),
        replicationFactor: t.assignments ? -1 : (t.replicationFactor ?? -1),
        assignments: (t.assignments ?? []).map((a) => ({ partitionIndex: a.partition, brokerIds: [...a.replicas] })),
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value: String(value) })),
      })),
      timeoutMs,
      validateOnly: options.validateOnly ?? false,
    }),
    (res, pending) => {
      const byName = new Map(res.topics.map((t) => [t.name, t]))
      return pending.map((t): CreateTopicResult => {
        const r = byName.get(t.name)
        if (!r) return { name: t.name, topicId: ZERO_UUID, ...missingItem(`topic ${t.name}`), numPartitions: -1, replicationFactor: -1, configs: [] }
        return {
          name: t.name,
          topicId: r.topicId ?? ZERO_UUID,
          ...itemError(r.errorCode, r.errorMessage ?? null),
          numPartitions: r.numPartitions ?? -1,
          replicationFactor: r.replicationFactor ?? -1,
          configs: (r.configs ?? []).map((c) => ({
            name: c.name,
            value: c.value ?? null,
            readOnly: c.readOnly,
            source: c.configSource,
            isSensitive: c.isSensitive,
          })),
        }
      })
    },
  )
}

/** One topic of a {@link deleteTopics} result. */
export interface DeleteTopicResult extends ItemError {
  name: string
  /** The deleted topic's id (v6+), `ZERO_UUID` when the broker did not say. */
  topicId: string
}

/** Deletes topics by name; see {@link Admin.deleteTopics}. */
export async function deleteTopics(ctx: AdminContext, names: readonly string[], options: { timeoutMs?: number } = {}): Promise<DeleteTopicResult[]> {
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs
  return settleOnController(
    ctx,
    names,
    (name) => name,
    DeleteTopics,
    timeoutMs,
    (pending, v) => (v >= 6 ? { topics: pending.map((name) => ({ name, topicId: ZERO_UUID })), timeoutMs } : { topicNames: [...pending], timeoutMs }),
    (res, pending) => {
      const byName = new Map(res.responses.map((r) => [r.name, r]))
      return pending.map((name): DeleteTopicResult => {
        const r = byName.get(name)
        if (!r) return { name, topicId: ZERO_UUID, ...missingItem(`topic ${name}`) }
        return { name, topicId: r.topicId ?? ZERO_UUID, ...itemError(r.errorCode, r.errorMessage ?? null) }
      })
    },
  )
}

/** A topic to grow. */
export interface NewPartitions {
  topic: string
  /** The new total partition count (not the number added). */
  count: number
  /** Replicas of each added partition (broker ids), in partition order; default broker-chosen. */
  assignments?: ReadonlyArray<readonly number[]>
}

/** One topic of a {@link createPartitions} result. */
export interface CreatePartitionsResult extends ItemError {
  topic: string
}

/** Adds partitions to topics; see {@link Admin.createPartitions}. */
export async function createPartitions(
  ctx: AdminContext,
  topics: readonly NewPartitions[],
  options: { validateOnly?: boolean; timeoutMs?: number } = {},
): Promise<CreatePartitionsResult[]> {
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs
  return settleOnController(
    ctx,
    topics,
    (t) => t.topic,
    CreatePartitions,
    timeoutMs,
    (pending) => ({
      topics: pending.map((t) => ({
        name: t.topic,
        count: t.count,
        assignments: t.assignments ? t.assignments.map((brokerIds) => ({ brokerIds: [...brokerIds] })) : null,
      })),
      timeoutMs,
      validateOnly: options.validateOnly ?? false,
    }),
    (res, pending) => {
      const byName = new Map(res.results.map((r) => [r.name, r]))
      return pending.map((t): CreatePartitionsResult => {
        const r = byName.get(t.topic)
        return r ? { topic: t.topic, ...itemError(r.errorCode, r.errorMessage ?? null) } : { topic: t.topic, ...missingItem(`topic ${t.topic}`) }
      })
    },
  )
}
