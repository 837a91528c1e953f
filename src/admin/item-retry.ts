/**
 * Per-item retry: a batch request (CreateTopics, ListOffsets, DescribeGroups, ...) can fail
 * for some items with a transient error (NOT_CONTROLLER, NOT_LEADER_OR_FOLLOWER,
 * NOT_COORDINATOR) while the rest succeed. Only the failed items are sent again, so a
 * topic created in the first round does not come back as TOPIC_ALREADY_EXISTS in the next.
 */
import type { Cluster } from '../pool/cluster.js'
import { backoffMs, sleep } from '../pool/retry.js'
import type { ItemError } from './item-error.js'

/**
 * Runs `round` on all items, then again on the items whose result `again` flags (after
 * `beforeRetry` and a backoff of the one retry policy, src/pool/retry.ts), while a retry can start
 * before `deadline` (default: now + the cluster's `defaultApiTimeoutMs`). `round(pending)` returns one
 * result per pending item, in the same order. The last result of each item is returned.
 */
export async function settleItems<I, R>(
  cluster: Cluster,
  items: readonly I[],
  round: (pending: I[]) => Promise<R[]>,
  again: (result: R) => boolean,
  beforeRetry?: (retried: R[]) => void,
  deadline = Date.now() + cluster.defaultApiTimeoutMs,
): Promise<R[]> {
  if (items.length === 0) return []
  const results: R[] = new Array<R>(items.length)
  let pending = items.map((_, i) => i)
  for (let attempt = 0; ; attempt++) {
    const out = await round(pending.map((i) => items[i]))
    const next: number[] = []
    const retried: R[] = []
    for (let k = 0; k < pending.length; k++) {
      results[pending[k]] = out[k]
      if (again(out[k])) {
        next.push(pending[k])
        retried.push(out[k])
      }
    }
    const delay = backoffMs(attempt, cluster.retryPolicy)
    if (next.length === 0 || Date.now() + delay >= deadline || cluster.isClosed) return results
    beforeRetry?.(retried)
    await sleep(delay)
    pending = next
  }
}

/** Whether an item failed with one of these error codes. */
export function failedWith(codes: ReadonlySet<number>): (r: ItemError) => boolean {
  return (r) => codes.has(r.errorCode)
}
