/**
 * Which connection a request uses: decided here and nowhere else, from the request's API key
 * and the client that sends it (franz-go's broker.loadConnection is the model).
 *
 * A broker answers the requests of one connection strictly in order, so a request that the
 * broker may hold (a JoinGroup for a whole rebalance, a long-poll Fetch, a CreateTopics with a
 * server-side timeout) delays everything queued behind it on that connection. The rules
 * (docs/DESIGN.md, "Connection ownership"):
 *
 * - Produce: the shared `produce` lane of the broker; producers pipeline there safely.
 * - A consumer's Fetch: its own `fetch:<id>` connection per broker, so one consumer's long poll
 *   never delays another's.
 * - A consumer's JoinGroup and SyncGroup: its own `join:<id>` connection to the coordinator (the
 *   coordinator may hold them for a whole rebalance).
 * - A consumer's Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch and TxnOffsetCommit: its own
 *   `coordinator:<id>` connection, so they never wait behind its own JoinGroup nor behind
 *   another member's.
 * - Slow admin requests (CreateTopics, DeleteTopics, CreatePartitions, DeleteRecords,
 *   ElectLeaders, AlterPartitionReassignments, which a broker may hold up to their timeout): the
 *   admin's own `admin-slow:<id>` lane (the shared `admin-slow` lane when sent without an owner),
 *   several connections per broker.
 * - Every other request of an admin goes over the shared `default` lane: it is answered at once.
 * - Everything else (Metadata, FindCoordinator, ListOffsets, describes, ...): the shared
 *   `default` lane.
 *
 * A client's own connections are closed when it closes (`Cluster.release(owner)`).
 */

/** Kafka API keys the routing rules name (protocol guide, "Api Keys"). */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  TxnOffsetCommit: 28,
  CreatePartitions: 37,
  ElectLeaders: 43,
  AlterPartitionReassignments: 45,
  ConsumerGroupHeartbeat: 68,
} as const

/** The kind of client that owns connections. */
export type OwnerKind = 'producer' | 'consumer' | 'admin'

/** A producer, consumer or admin client, as the pool knows it: a kind and a unique id. */
export interface ConnectionOwner {
  readonly kind: OwnerKind
  /** Unique within the process. */
  readonly id: number
}

let nextOwnerId = 1

/** A new owner identity for a client of `kind`. */
export function newConnectionOwner(kind: OwnerKind): ConnectionOwner {
  return Object.freeze({ kind, id: nextOwnerId++ })
}

/** A lane: the name of a set of connections to one broker. Owned lanes end in `:<owner id>`. */
export type LaneKey = 'default' | 'produce' | 'fetch' | 'admin-slow' | `admin-slow:${number}` | `fetch:${number}` | `join:${number}` | `coordinator:${number}`

/** Requests a broker may hold up to a server-side timeout: kept off the default lane. */
const SLOW_ADMIN = new Set<number>([
  ApiKey.CreateTopics,
  ApiKey.DeleteTopics,
  ApiKey.CreatePartitions,
  ApiKey.DeleteRecords,
  ApiKey.ElectLeaders,
  ApiKey.AlterPartitionReassignments,
])

/** A consumer's requests to its group coordinator that must not wait behind its JoinGroup. */
const MEMBER_COORDINATOR = new Set<number>([
  ApiKey.Heartbeat,
  ApiKey.LeaveGroup,
  ApiKey.OffsetCommit,
  ApiKey.OffsetFetch,
  ApiKey.TxnOffsetCommit,
  ApiKey.ConsumerGroupHeartbeat,
])

/** The lane of a request with API key `apiKey` sent by `owner` (none: the shared lanes). */
export function laneFor(apiKey: number, owner?: ConnectionOwner): LaneKey {
  if (apiKey === ApiKey.Produce) return 'produce'
  if (owner?.kind === 'consumer') {
    if (apiKey === ApiKey.Fetch) return `fetch:${owner.id}`
    if (apiKey === ApiKey.JoinGroup || apiKey === ApiKey.SyncGroup) return `join:${owner.id}`
    if (MEMBER_COORDINATOR.has(apiKey)) return `coordinator:${owner.id}`
  }
  if (apiKey === ApiKey.Fetch) return 'fetch'
  if (SLOW_ADMIN.has(apiKey)) return owner?.kind === 'admin' ? `admin-slow:${owner.id}` : 'admin-slow'
  return 'default'
}

/**
 * Connections a lane may open to one broker: `shared` for the default and produce lanes, a few
 * for slow admin requests (each may be held up to its timeout), one for each owned consumer lane.
 */
export function laneMaxConnections(lane: LaneKey, shared: number): number {
  if (lane === 'default' || lane === 'produce') return shared
  if (lane === 'admin-slow' || lane.startsWith('admin-slow:')) return Math.max(shared, 4)
  return 1
}

/** Whether `lane` belongs to `owner` (closed with it). */
export function laneOwnedBy(lane: LaneKey, owner: ConnectionOwner): boolean {
  return lane.endsWith(`:${owner.id}`)
}
