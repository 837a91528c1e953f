/** What the admin operations share: the cluster view and the timeouts of one Admin. */
import type { Cluster } from '../pool/cluster.js'

export interface AdminContext {
  readonly cluster: Cluster
  /** Default server-side timeout of CreateTopics, DeleteTopics, CreatePartitions, DeleteRecords, in ms. */
  readonly timeoutMs: number
  /** The client's request timeout, in ms (a request carrying a server timeout waits this much longer). */
  readonly requestTimeoutMs: number
}

/** Client-side timeout of a request that asks the broker to wait up to `serverTimeoutMs`. */
export function requestTimeout(ctx: AdminContext, serverTimeoutMs: number): number {
  return ctx.requestTimeoutMs + serverTimeoutMs
}
