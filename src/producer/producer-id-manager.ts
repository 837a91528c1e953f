/**
 * The producer's id and epoch, the one owner of both (KIP-98): InitProducerId to any broker for
 * an idempotent producer, to the transaction coordinator with the transactional id for a
 * transactional one (which fences older producers of that id); the epoch bump of KIP-360
 * (InitProducerId v3+ with the current id and epoch) after the broker lost or rejected this
 * producer's state; and, with transactions v2 (KIP-890), the id and epoch every EndTxn v5 answers
 * with ({@link ProducerIdManager.set}). Older brokers get a new id. Retried under the one retry
 * policy (src/pool/retry.ts), bounded by the caller's deadline.
 *
 * Each broker hands out producer ids from a block of its own, which it asks the controller for
 * (AllocateProducerIds) only when an InitProducerId finds it without one, answering
 * COORDINATOR_LOAD_IN_PROGRESS meanwhile (Kafka's RPCProducerIdManager). So the retry after that
 * answer goes back to the same broker, whose block is on its way, instead of a random one that
 * would start a fetch of its own and answer the same (docs/reliability.md, "Leader-kill failover").
 */
import { ClosedError, ConnectionError, type KafkaError } from '../errors.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { InitProducerId } from '../protocol/messages/init-producer-id.js'
import type { Broker } from '../pool/broker.js'
import type { Cluster } from '../pool/cluster.js'
import { retry, type RetryPolicy } from '../pool/retry.js'
import type { ProducerIdAndEpoch } from './accumulator.js'

const INT32_MAX = 2147483647

/** What makes InitProducerId transactional: the id, and how long a transaction may stay open. */
export interface TransactionalIdentity {
  transactionalId: string
  transactionTimeoutMs: number
}

/** Answers after which the transaction coordinator is looked up again. */
const COORDINATOR_MOVED: ReadonlySet<string> = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE'])

/**
 * Retries in a row that an idempotent producer's InitProducerId stays with a broker answering
 * COORDINATOR_LOAD_IN_PROGRESS (it is fetching a producer id block) before trying any broker
 * again: with the default backoff that is about 1.5 s, several times what a block takes on a
 * healthy cluster (one metadata log commit: 20–800 ms measured on a loaded machine).
 */
export const MAX_PINNED_RETRIES = 4

export class ProducerIdManager {
  /** The id and epoch in use, null before the first InitProducerId succeeds. */
  current: ProducerIdAndEpoch | null = null
  /** An epoch bump must happen before more batches are sent. */
  bumpNeeded = false
  /** The last error of InitProducerId while retrying, reported when records expire meanwhile. */
  lastError: KafkaError | null = null
  private stopped = false

  constructor(
    private readonly cluster: Cluster,
    private readonly policy: RetryPolicy,
    private readonly requestTimeoutMs: number,
    private readonly onRetry: (err: KafkaError, attempt: number) => void = () => {},
    /** Set for a transactional producer: InitProducerId goes to its transaction coordinator. */
    readonly transactional: TransactionalIdentity | null = null,
  ) {}

  stop(): void {
    this.stopped = true
  }

  /** Takes the id and epoch an EndTxn v5 answered with (transactions v2 bump the epoch at every end, KIP-890). */
  set(producerId: bigint, epoch: number): void {
    this.current = { producerId, epoch }
    this.bumpNeeded = false
  }

  /**
   * Gets a producer id (`bump` false) or bumps the epoch of the current one, retrying retriable
   * errors (coordinator loading or moved, CONCURRENT_TRANSACTIONS while the coordinator ends a
   * transaction left open, disconnects) with backoff while a retry can start before `deadline`
   * (ms since the epoch).
   * @throws ClosedError when the producer or the client is closed; the error for a non-retriable
   *   answer (e.g. CLUSTER_AUTHORIZATION_FAILED, TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
   *   PRODUCER_FENCED); the last retriable one at the deadline.
   */
  async init(bump: boolean, deadline: number): Promise<void> {
    const previous = bump ? this.current : null
    const txn = this.transactional
    // Idempotent producer: the broker that answered COORDINATOR_LOAD_IN_PROGRESS (it is fetching
    // a producer id block) gets the retry, at most MAX_PINNED_RETRIES times in a row.
    let pinned: number | null = null
    let pinnedRetries = 0
    let target: Broker | number | null = null
    await retry(
      async () => {
        if (this.stopped) throw new ClosedError('the producer was closed while getting a producer id')
        target = txn !== null ? await this.cluster.coordinator('transaction', txn.transactionalId, { deadline }) : (pinned ?? this.cluster.anyBroker())
        const res = await this.cluster.send(
          target,
          InitProducerId,
          (v) => ({
            transactionalId: txn === null ? null : txn.transactionalId,
            transactionTimeoutMs: txn === null ? INT32_MAX : txn.transactionTimeoutMs,
            ...(v >= 3 ? { producerId: previous?.producerId ?? -1n, producerEpoch: previous?.epoch ?? -1 } : {}),
          }),
          { timeoutMs: this.requestTimeoutMs },
        )
        if (res.errorCode !== ErrorCode.NONE) throw responseError(res.errorCode, null, txn === null ? 'InitProducerId' : `InitProducerId (transactionalId ${txn.transactionalId})`)
        this.current = { producerId: res.producerId, epoch: res.producerEpoch }
        this.bumpNeeded = false
        this.lastError = null
      },
      {
        deadline,
        policy: this.policy,
        stopped: () => this.stopped || this.cluster.isClosed,
        beforeRetry: (err, attempt) => {
          this.lastError = err
          if (txn !== null && (COORDINATOR_MOVED.has(err.code) || err instanceof ConnectionError)) this.cluster.invalidateCoordinator('transaction', txn.transactionalId)
          if (txn === null) {
            const nodeId = target === null ? null : typeof target === 'number' ? target : target.nodeId
            if (err.code === 'COORDINATOR_LOAD_IN_PROGRESS' && nodeId !== null && nodeId >= 0 && pinnedRetries < MAX_PINNED_RETRIES) {
              pinnedRetries = nodeId === pinned ? pinnedRetries + 1 : 1
              pinned = nodeId
            } else {
              pinned = null
              pinnedRetries = 0
            }
          }
          this.onRetry(err, attempt)
        },
      },
    )
  }
}
