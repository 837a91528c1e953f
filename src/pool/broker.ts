/**
 * One broker (a node id and its address) and its connection lanes. Which lane a request uses
 * is decided by connection-routing.ts from its API key and its owner, never here.
 */
import type { KafkaError } from '../errors.js'
import type { ApiDefinition } from '../protocol/api.js'
import type { Connection, ConnectionOptions, SendOptions } from './connection.js'
import { ConnectionPool } from './connection-pool.js'
import { type ConnectionOwner, type LaneKey, laneFor, laneMaxConnections, laneOwnedBy } from './connection-routing.js'
import type { RetryPolicy } from './retry.js'

export interface BrokerAddress {
  nodeId: number
  host: string
  port: number
  rack?: string | null
}

export interface BrokerRequestOptions extends SendOptions {
  /** The client sending the request: picks its own connections where the routing rules say so. */
  owner?: ConnectionOwner
}

export class Broker {
  private readonly lanes = new Map<LaneKey, ConnectionPool>()

  constructor(
    readonly address: BrokerAddress,
    private readonly connectionOptions: Omit<ConnectionOptions, 'host' | 'port' | 'nodeId'>,
    /** Connections of each shared lane (default, produce). */
    private readonly connectionsPerBroker = 1,
    private readonly retry?: RetryPolicy,
  ) {}

  get nodeId(): number {
    return this.address.nodeId
  }

  toString(): string {
    return `${this.address.host}:${this.address.port}${this.address.nodeId >= 0 ? ` (node ${this.address.nodeId})` : ''}`
  }

  /** The pool of one lane, created on first use. */
  pool(lane: LaneKey = 'default'): ConnectionPool {
    let p = this.lanes.get(lane)
    if (!p) {
      p = new ConnectionPool(
        { ...this.connectionOptions, host: this.address.host, port: this.address.port, nodeId: this.address.nodeId },
        laneMaxConnections(lane, this.connectionsPerBroker),
        this.retry,
      )
      this.lanes.set(lane, p)
    }
    return p
  }

  /**
   * True when this broker's last connection attempt, on any lane, failed and no lane has an
   * open connection: it looks down (Java's NetworkClient keeps such a node out of
   * leastLoadedNode while it is in reconnect backoff).
   */
  get unreachable(): boolean {
    let failed = false
    for (const p of this.lanes.values()) {
      if (p.size > 0 && !p.unreachable) return false
      if (p.unreachable) failed = true
    }
    return failed
  }

  /** Requests in flight over every lane. */
  get inFlight(): number {
    let n = 0
    for (const p of this.lanes.values()) n += p.inFlight
    return n
  }

  /**
   * A ready connection of the lane that `apiKey` from `owner` uses (default: the default lane),
   * to read negotiated versions before building a request.
   */
  async connection(apiKey?: number, owner?: ConnectionOwner): Promise<Connection> {
    const conn = await this.pool(apiKey === undefined ? 'default' : laneFor(apiKey, owner)).lease()
    await conn.connect()
    return conn
  }

  /**
   * Sends one request built for the negotiated version: `build(version)` returns the message.
   * Errors as {@link Connection.send}; broker error codes stay in the response.
   */
  async send<Req, Res>(api: ApiDefinition<Req, Res>, build: (version: number) => Req, options: BrokerRequestOptions = {}): Promise<Res> {
    const pool = this.pool(laneFor(api.apiKey, options.owner))
    const conn = pool.tryLease() ?? (await pool.lease())
    return conn.request(api, build, options)
  }

  /** Closes the connections `owner` owns here, after their in-flight requests settle. */
  async release(owner: ConnectionOwner): Promise<void> {
    const owned: ConnectionPool[] = []
    for (const [lane, p] of this.lanes) {
      if (!laneOwnedBy(lane, owner)) continue
      this.lanes.delete(lane)
      owned.push(p)
    }
    await Promise.all(owned.map((p) => p.close()))
  }

  async close(): Promise<void> {
    const pools = [...this.lanes.values()]
    this.lanes.clear()
    await Promise.all(pools.map((p) => p.close()))
  }

  destroy(err?: KafkaError): void {
    for (const p of this.lanes.values()) p.destroy(err)
    this.lanes.clear()
  }
}
