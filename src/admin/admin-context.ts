/** What the admin operations share: the cluster view and the timeouts of one Admin. */
import type { Broker } from '../pool/broker.js'
import type { Cluster } from '../pool/cluster.js'
import type { ConnectionOwner } from '../pool/connection-routing.js'

export interface AdminContext {
  readonly cluster: Cluster
  /** This admin: its slow requests go over its own connections (src/pool/connection-routing.ts), closed with it. */
  readonly owner: ConnectionOwner
  /** Default server-side timeout of CreateTopics, DeleteTopics, CreatePartitions, DeleteRecords, in ms. */
  readonly timeoutMs: number
  /** The client's request timeout, in ms (a request carrying a server timeout waits this much longer). */
  readonly requestTimeoutMs: number
}

/** Client-side timeout of a request that asks the broker to wait up to `serverTimeoutMs`. */
export function requestTimeout(ctx: AdminContext, serverTimeoutMs: number): number {
  return ctx.requestTimeoutMs + serverTimeoutMs
}

/**
 * The broker with `nodeId`, refreshing the cluster's metadata once when it does not know it
 * (the admin's own Metadata requests do not fill the cluster's broker list), or null.
 */
export async function knownBroker(ctx: AdminContext, nodeId: number): Promise<Broker | null> {
  const { cluster } = ctx
  if (!cluster.brokerList().some((b) => b.nodeId === nodeId)) await cluster.withRetry(() => cluster.refreshAllTopics())
  return cluster.brokerList().some((b) => b.nodeId === nodeId) ? cluster.broker(nodeId) : null
}
