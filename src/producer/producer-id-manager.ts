/**
 * The idempotent producer's id and epoch (KIP-98): InitProducerId to any broker without a
 * transactional id, and the epoch bump of KIP-360 (InitProducerId v3+ with the current id and
 * epoch) after the broker lost or rejected this producer's state. Older brokers get a new id.
 * Retried under the one retry policy (src/pool/retry.ts), bounded by the caller's deadline.
 */
import { ClosedError, type KafkaError } from '../errors.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { InitProducerId } from '../protocol/messages/init-producer-id.js'
import type { Cluster } from '../pool/cluster.js'
import { retry, type RetryPolicy } from '../pool/retry.js'
import type { ProducerIdAndEpoch } from './accumulator.js'

const INT32_MAX = 2147483647

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
  ) {}

  stop(): void {
    this.stopped = true
  }

  /**
   * Gets a producer id (`bump` false) or bumps the epoch of the current one, retrying retriable
   * errors (coordinator loading, disconnects) with backoff while a retry can start before
   * `deadline` (ms since the epoch).
   * @throws ClosedError when the producer or the client is closed; the error for a non-retriable
   *   answer (e.g. CLUSTER_AUTHORIZATION_FAILED); the last retriable one at the deadline.
   */
  async init(bump: boolean, deadline: number): Promise<void> {
    const previous = bump ? this.current : null
    await retry(
      async () => {
        if (this.stopped) throw new ClosedError('the producer was closed while getting a producer id')
        const res = await this.cluster.send(
          'any',
          InitProducerId,
          (v) => ({
            transactionalId: null,
            transactionTimeoutMs: INT32_MAX,
            ...(v >= 3 ? { producerId: previous?.producerId ?? -1n, producerEpoch: previous?.epoch ?? -1 } : {}),
          }),
          { timeoutMs: this.requestTimeoutMs },
        )
        if (res.errorCode !== ErrorCode.NONE) throw responseError(res.errorCode, null, 'InitProducerId')
        this.current = { producerId: res.producerId, epoch: res.producerEpoch }
        this.bumpNeeded = false
        this.lastError = null
      },
      {
        deadline,
        policy: this.policy,
        stopped: () => this.stopped,
        beforeRetry: (err, attempt) => {
          this.lastError = err
          this.onRetry(err, attempt)
        },
      },
    )
  }
}
