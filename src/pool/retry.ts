/**
 * Retry timing: exponential backoff with full jitter, bounded (the Java client's
 * retry.backoff.ms / retry.backoff.max.ms, KIP-580).
 */

/** Retry options (connecting guide, "Timeouts and retries"). */
export interface RetryOptions {
  /** How many times a retriable failure is retried. Default 5. */
  retries?: number
  /** First backoff in ms. Default 100. */
  initialRetryTimeMs?: number
  /** Largest backoff in ms. Default 1000. */
  maxRetryTimeMs?: number
}

export const DEFAULT_RETRY: Required<RetryOptions> = { retries: 5, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 }

/** The delay before attempt `attempt` (0-based count of failures so far), in ms. */
export function backoffMs(attempt: number, options: Required<RetryOptions>): number {
  const exp = Math.min(options.maxRetryTimeMs, options.initialRetryTimeMs * 2 ** Math.min(attempt, 20))
  // Jitter within [exp/2, exp] so retries of many clients spread out.
  return Math.floor(exp / 2 + Math.random() * (exp / 2))
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
