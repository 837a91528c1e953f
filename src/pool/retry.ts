/**
 * The one retry policy of kafkats: the Java client's exponential backoff (retry.backoff.ms,
 * retry.backoff.max.ms, KIP-580: doubling, ±20% jitter), bounded by a deadline (Java's
 * default.api.timeout.ms for admin and consumer calls, delivery.timeout.ms for the producer).
 * Only errors that say `retriable` are retried; anything else ends the call at once.
 *
 * Every retry loop in the library goes through {@link retry} (usually via `Cluster.withRetry`,
 * which adds the metadata refresh) or, where a loop is driven by timers instead of awaits
 * (producer batches, fetch backoff, reconnects), takes its delays from {@link backoffMs}.
 */
import { KafkaError } from '../errors.js'

/** Backoff settings (docs/connecting.md, "Timeouts and retries"). */
export interface RetryPolicy {
  /** First backoff in ms (Java's retry.backoff.ms). Default 100. */
  retryBackoffMs: number
  /** Largest backoff in ms before jitter (Java's retry.backoff.max.ms). Default 1000. */
  retryBackoffMaxMs: number
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ retryBackoffMs: 100, retryBackoffMaxMs: 1000 })

/** Jitter of every backoff: the delay is multiplied by a random factor in [0.8, 1.2). */
export const RETRY_JITTER = 0.2

/**
 * The delay before the retry that follows `attempt` failures (0 = after the first failure), in
 * ms: `retryBackoffMs · 2^attempt`, capped at `retryBackoffMaxMs`, times a random factor in
 * [0.8, 1.2) (Java's ExponentialBackoff with jitter 0.2).
 */
export function backoffMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY, random: () => number = Math.random): number {
  const base = Math.min(policy.retryBackoffMaxMs, policy.retryBackoffMs * 2 ** Math.min(Math.max(attempt, 0), 30))
  return Math.max(0, Math.floor(base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random())))
}

/** How one call of {@link retry} is bounded and what it does between attempts. */
export interface RetryOptions {
  /** Absolute time (ms since the epoch, as `Date.now()`) after which no attempt starts. */
  deadline: number
  /** Aborts the waiting between attempts (rejects with the signal's reason). */
  signal?: AbortSignal
  /** Called before each backoff with the retriable error (refresh metadata, forget a coordinator). */
  beforeRetry?: (err: KafkaError, attempt: number) => void
  /** Checked before each retry: when it returns true the last error is thrown (a closed client). */
  stopped?: () => boolean
  /** Backoff settings; default {@link DEFAULT_RETRY_POLICY}. */
  policy?: RetryPolicy
}

/**
 * Runs `fn(attempt)` until it resolves. A retriable {@link KafkaError} is retried after
 * {@link backoffMs}, as long as the retry can start before `deadline`; any other error, and the
 * last retriable one when the deadline (or `stopped()`) ends the loop, is thrown as it is.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (err) {
      if (!(err instanceof KafkaError) || !err.retriable) throw err
      if (options.stopped?.() === true) throw err
      const delay = backoffMs(attempt, policy)
      if (Date.now() + delay >= options.deadline) throw err
      options.beforeRetry?.(err, attempt)
      await sleep(delay, options.signal)
    }
  }
}

/** Resolves after `ms` milliseconds; rejects early with the signal's reason if aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    function onAbort(): void {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
