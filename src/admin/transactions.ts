/**
 * The tools for hanging transactions (KIP-664): ListTransactions (asked of every broker),
 * DescribeTransactions (via each transactional id's transaction coordinator), DescribeProducers
 * (at each partition's leader) and abortTransaction (a WriteTxnMarkers abort marker written by
 * the partition leader, as Java's Admin#abortTransaction).
 */
import { UnsupportedVersionError } from '../errors.js'
import { responseError } from '../protocol/error-codes.js'
import { DescribeProducers } from '../protocol/messages/describe-producers.js'
import { DescribeTransactions } from '../protocol/messages/describe-transactions.js'
import { ListTransactions } from '../protocol/messages/list-transactions.js'
import { WriteTxnMarkers } from '../protocol/messages/write-txn-markers.js'
import { byTopic, partitionKey, type TopicPartition } from '../offsets/topic-partition.js'
import type { AdminContext } from './admin-context.js'
import { perCoordinator } from './coordinator-routing.js'
import { type ItemError, itemError, missingItem } from './item-error.js'
import { perLeader } from './leader-routing.js'
import type { TransactionState } from './transaction-states.js'

/** Filters of {@link listTransactions}; each one left out (or empty) matches everything. */
export interface ListTransactionsOptions {
  /** Only transactions in one of these states, e.g. `['Ongoing']`. */
  states?: readonly TransactionState[]
  /** Only transactions of these producer ids. */
  producerIds?: ReadonlyArray<bigint | number>
  /** Only transactions running longer than this, in ms (ListTransactions v1+, KIP-994). */
  durationMs?: number
  /** Only transactional ids matching this regular expression (Java's syntax; ListTransactions v2+, KIP-1152). */
  transactionalIdPattern?: string
}

/** A transaction as ListTransactions reports it. */
export interface ListedTransaction {
  transactionalId: string
  /** The producer id the transactional id currently has. */
  producerId: bigint
  /** E.g. `Ongoing`, `CompleteCommit`, `Empty` (see {@link TransactionState}). */
  state: string
  /** The broker (the transaction coordinator) that reported it. */
  coordinator: number
}

/** Lists transactions on every broker; see {@link Admin.listTransactions}. */
export async function listTransactions(ctx: AdminContext, options: ListTransactionsOptions = {}): Promise<ListedTransaction[]> {
  const { cluster } = ctx
  await cluster.withRetry(() => cluster.refreshAllTopics())
  const durationMs = options.durationMs
  const pattern = options.transactionalIdPattern
  const lists = await Promise.all(
    cluster.brokerList().map((b) =>
      cluster.withRetry(async () => {
        const res = await cluster.send(b.nodeId, ListTransactions, (v) => {
          if (v < 1 && durationMs !== undefined) throw new UnsupportedVersionError(`broker ${b.nodeId} cannot filter transactions by duration (ListTransactions v${v} < 1)`)
          if (v < 2 && pattern !== undefined) throw new UnsupportedVersionError(`broker ${b.nodeId} cannot filter transactions by transactional id pattern (ListTransactions v${v} < 2)`)
          return {
            stateFilters: [...(options.states ?? [])],
            producerIdFilters: (options.producerIds ?? []).map((p) => BigInt(p)),
            ...(v >= 1 ? { durationFilter: BigInt(durationMs ?? -1) } : {}),
            ...(v >= 2 ? { transactionalIdPattern: pattern ?? null } : {}),
          }
        })
        if (res.errorCode !== 0) throw responseError(res.errorCode, null, `ListTransactions on broker ${b.nodeId}`)
        return res.transactionStates.map((t): ListedTransaction => ({ transactionalId: t.transactionalId, producerId: t.producerId, state: t.transactionState, coordinator: b.nodeId }))
      }),
    ),
  )
  return lists.flat().sort((a, b) => (a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0))
}

/** One transactional id of a {@link describeTransactions} result. */
export interface TransactionDescription extends ItemError {
  transactionalId: string
  /** The transaction coordinator that answered, -1 when none was found. */
  coordinator: number
  /** E.g. `Ongoing`, `PrepareCommit`, `CompleteAbort`, `Empty`; '' on error. */
  state: string
  /** The producer id, -1n on error. */
  producerId: bigint
  /** The producer epoch, -1 on error. */
  producerEpoch: number
  /** The transaction timeout the producer asked for (InitProducerId), in ms; -1 on error. */
  transactionTimeoutMs: number
  /** When the open transaction started, in ms since the epoch; -1 when no transaction is open. */
  transactionStartTimeMs: number
  /**
   * The partitions of the open transaction (while it prepares to commit or abort: those still
   * without a marker).
   */
  partitions: TopicPartition[]
}

/** Describes transactions; see {@link Admin.describeTransactions}. */
export async function describeTransactions(ctx: AdminContext, transactionalIds: readonly string[]): Promise<TransactionDescription[]> {
  const failed = (transactionalId: string, e: ItemError, coordinator = -1): TransactionDescription => ({
    transactionalId,
    ...e,
    coordinator,
    state: '',
    producerId: -1n,
    producerEpoch: -1,
    transactionTimeoutMs: -1,
    transactionStartTimeMs: -1,
    partitions: [],
  })
  return perCoordinator(
    ctx,
    transactionalIds,
    async (coordinator, ids) => {
      const res = await ctx.cluster.send(coordinator, DescribeTransactions, () => ({ transactionalIds: ids }))
      const byId = new Map(res.transactionStates.map((t) => [t.transactionalId, t]))
      return ids.map((id) => {
        const t = byId.get(id)
        if (!t) return failed(id, missingItem(`transactional id ${id}`), coordinator.nodeId)
        if (t.errorCode !== 0) return failed(id, itemError(t.errorCode), coordinator.nodeId)
        return {
          transactionalId: id,
          ...itemError(0),
          coordinator: coordinator.nodeId,
          state: t.transactionState,
          producerId: t.producerId,
          producerEpoch: t.producerEpoch,
          transactionTimeoutMs: t.transactionTimeoutMs,
          transactionStartTimeMs: Number(t.transactionStartTimeMs),
          partitions: t.topics.flatMap((tp) => tp.partitions.map((partition) => ({ topic: tp.topic, partition }))),
        }
      })
    },
    (id, e) => failed(id, e),
    'transaction',
  )
}

/** A producer with state on a partition (DescribeProducers). */
export interface ActiveProducer {
  producerId: bigint
  producerEpoch: number
  /** The last sequence number the partition accepted from it, -1 when none. */
  lastSequence: number
  /** The timestamp of its last write, in ms since the epoch, -1 when unknown. */
  lastTimestamp: number
  /** The epoch of the transaction coordinator that last wrote a marker for it, -1 when none has. */
  coordinatorEpoch: number
  /** The first offset of its open transaction on this partition, -1n when none is open. */
  currentTransactionStartOffset: bigint
}

/** One partition of a {@link describeProducers} result. */
export interface DescribeProducersResult extends TopicPartition, ItemError {
  /** The producers the partition leader keeps state for (empty on error). */
  activeProducers: ActiveProducer[]
}

/** Describes the active producers of partitions at their leaders; see {@link Admin.describeProducers}. */
export async function describeProducers(ctx: AdminContext, partitions: readonly TopicPartition[]): Promise<DescribeProducersResult[]> {
  const failed = (i: TopicPartition, e: ItemError): DescribeProducersResult => ({ topic: i.topic, partition: i.partition, ...e, activeProducers: [] })
  return perLeader(
    ctx,
    partitions,
    async (leader, pending) => {
      const res = await ctx.cluster.send(leader, DescribeProducers, () => ({
        topics: [...byTopic(pending)].map(([name, ps]) => ({ name, partitionIndexes: ps.map((p) => p.partition) })),
      }))
      const byKey = new Map<string, (typeof res.topics)[number]['partitions'][number]>()
      for (const t of res.topics) for (const p of t.partitions) byKey.set(partitionKey(t.name, p.partitionIndex), p)
      return pending.map((i): DescribeProducersResult => {
        const p = byKey.get(partitionKey(i.topic, i.partition))
        if (!p) return failed(i, missingItem(`${i.topic}-${i.partition}`))
        if (p.errorCode !== 0) return failed(i, itemError(p.errorCode, p.errorMessage ?? null))
        return {
          topic: i.topic,
          partition: i.partition,
          ...itemError(0),
          activeProducers: p.activeProducers.map((s) => ({
            producerId: s.producerId,
            producerEpoch: s.producerEpoch,
            lastSequence: s.lastSequence,
            lastTimestamp: Number(s.lastTimestamp),
            coordinatorEpoch: s.coordinatorEpoch,
            currentTransactionStartOffset: s.currentTxnStartOffset,
          })),
        }
      })
    },
    failed,
  )
}

/**
 * Which transaction to abort on which partition: the producer id and epoch and the coordinator
 * epoch (-1 when unknown), as {@link describeProducers} reports them for the partition.
 */
export interface AbortTransactionSpec extends TopicPartition {
  producerId: bigint | number
  producerEpoch: number
  coordinatorEpoch: number
}

/** The result of {@link abortTransaction}. */
export interface AbortTransactionResult extends TopicPartition, ItemError {}

/** Writes an abort marker at the partition's leader; see {@link Admin.abortTransaction}. */
export async function abortTransaction(ctx: AdminContext, spec: AbortTransactionSpec): Promise<AbortTransactionResult> {
  const failed = (i: TopicPartition, e: ItemError): AbortTransactionResult => ({ topic: i.topic, partition: i.partition, ...e })
  const [result] = await perLeader(
    ctx,
    [spec],
    async (leader, pending) => {
      const res = await ctx.cluster.send(leader, WriteTxnMarkers, () => ({
        markers: [
          {
            producerId: BigInt(spec.producerId),
            producerEpoch: spec.producerEpoch,
            transactionResult: false,
            topics: [{ name: spec.topic, partitionIndexes: [spec.partition] }],
            coordinatorEpoch: spec.coordinatorEpoch,
            // v2 (KIP-1228): 0 is the legacy marker, whose epoch may equal the producer's.
            transactionVersion: 0,
          },
        ],
      }))
      const marker = res.markers.find((m) => m.producerId === BigInt(spec.producerId))
      const p = marker?.topics.find((t) => t.name === spec.topic)?.partitions.find((x) => x.partitionIndex === spec.partition)
      return pending.map((i) => (p ? failed(i, itemError(p.errorCode)) : failed(i, missingItem(`${i.topic}-${i.partition}`))))
    },
    failed,
  )
  return result
}
