/**
 * Routing of coordinator requests: each group id (or transactional id) goes to its group (or
 * transaction) coordinator (FindCoordinator key type 0 or 1), ids that share a coordinator go
 * in one request, and ids answered NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE or
 * COORDINATOR_LOAD_IN_PROGRESS are sent again after the coordinator is looked up anew.
 */
import { ResponseError } from '../errors.js'
import type { Broker } from '../pool/broker.js'
import type { CoordinatorType } from '../pool/cluster.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { AdminContext } from './admin-context.js'
import { type ItemError, itemError } from './item-error.js'
import { settleItems } from './item-retry.js'

export const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
])

/**
 * Sends `request(coordinator, ids)` per coordinator and returns one result per id, in order.
 * `failed(id, error)` makes the result of an id whose coordinator cannot be found. `type` is
 * the kind of coordinator and of id: `group` (group ids, the default) or `transaction`
 * (transactional ids).
 */
export async function perCoordinator<R extends ItemError>(
  ctx: AdminContext,
  ids: readonly string[],
  request: (coordinator: Broker, ids: string[]) => Promise<R[]>,
  failed: (id: string, error: ItemError) => R,
  type: CoordinatorType = 'group',
): Promise<R[]> {
  const { cluster } = ctx
  const idOf = new WeakMap<R, string>()
  return settleItems(
    cluster,
    ids,
    async (pending) => {
      const byCoordinator = new Map<Broker, number[]>()
      const out: R[] = new Array<R>(pending.length)
      await Promise.all(
        pending.map(async (id, k) => {
          try {
            const c = await cluster.coordinator(type, id)
            let g = byCoordinator.get(c)
            if (!g) byCoordinator.set(c, (g = []))
            g.push(k)
          } catch (err) {
            if (!(err instanceof ResponseError)) throw err
            out[k] = failed(id, itemError(err.errorCode, err.errorMessage))
          }
        }),
      )
      await Promise.all(
        [...byCoordinator].map(async ([broker, ks]) => {
          const batch = ks.map((k) => pending[k])
          const rs = await cluster.withRetry(() => request(broker, batch))
          ks.forEach((k, j) => (out[k] = rs[j]))
        }),
      )
      pending.forEach((id, k) => idOf.set(out[k], id))
      return out
    },
    (r) => COORDINATOR_ERRORS.has(r.errorCode),
    (retried) => {
      for (const r of retried) {
        const id = idOf.get(r)
        if (id !== undefined) cluster.invalidateCoordinator(type, id)
      }
    },
  )
}
