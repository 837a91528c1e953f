/**
 * Routing of group requests: each group id goes to its coordinator (FindCoordinator), ids that
 * share a coordinator go in one request, and ids answered NOT_COORDINATOR,
 * COORDINATOR_NOT_AVAILABLE or COORDINATOR_LOAD_IN_PROGRESS are sent again after the
 * coordinator is looked up anew.
 */
import { ResponseError } from '../errors.js'
import type { Broker } from '../pool/broker.js'
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
 * Sends `request(coordinator, ids)` per coordinator and returns one result per group id, in
 * order. `failed(id, error)` makes the result of a group whose coordinator cannot be found.
 */
export async function perCoordinator<R extends ItemError & { groupId: string }>(
  ctx: AdminContext,
  groupIds: readonly string[],
  request: (coordinator: Broker, ids: string[]) => Promise<R[]>,
  failed: (groupId: string, error: ItemError) => R,
): Promise<R[]> {
  const { cluster } = ctx
  return settleItems(
    cluster,
    groupIds,
    async (pending) => {
      const byCoordinator = new Map<Broker, number[]>()
      const out: R[] = new Array<R>(pending.length)
      await Promise.all(
        pending.map(async (id, k) => {
          try {
            const c = await cluster.coordinator('group', id)
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
          const ids = ks.map((k) => pending[k])
          const rs = await cluster.withRetry(() => request(broker, ids))
          ks.forEach((k, j) => (out[k] = rs[j]))
        }),
      )
      return out
    },
    (r) => COORDINATOR_ERRORS.has(r.errorCode),
    (retried) => {
      for (const r of retried) cluster.invalidateCoordinator('group', r.groupId)
    },
  )
}
