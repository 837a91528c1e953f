/**
 * One broker (a node id and its address) and its connection lanes: a long-poll Fetch on the
 * `fetch` lane never queues behind a Produce, nor a Heartbeat behind either.
 */
import type { KafkaError } from '../errors.js'
import type { ApiDefinition } from '../protocol/api.js'
import type { Connection, ConnectionOptions, SendOptions } from './connection.js'
import { ConnectionPool } from './connection-pool.js'
import type { RetryOptions } from './retry.js'

/** Workloads that get their own connections. */
export type Lane = 'default' | 'produce' | 'fetch' | 'group'

export interface BrokerAddress {
  nodeId: number
  host: string
  port: number
  rack?: string | null
}

export interface BrokerRequestOptions extends SendOptions {
  /** Which connections to use. Default `default`. */
  lane?: Lane
}

export class Broker {
  private readonly lanes = new Map<Lane, ConnectionPool>()

  constructor(
    readonly address: BrokerAddress,
    private readonly connectionOptions: Omit<ConnectionOptions, 'host' | 'port' | 'nodeId'>,
    private readonly maxConnections: Partial<Record<Lane, number>> = {},
    private readonly retry: RetryOptions = {},
  ) {}

  get nodeId(): number {
    return this.address.nodeId
  }

  toString(): string {
    return `${this.address.host}:${this.address.port}${this.address.nodeId >= 0 ? ` (node ${this.address.nodeId})` : ''}`
  }

  /** The pool of one lane, created on first use. */
  pool(lane: Lane = 'default'): ConnectionPool {
    let p = this.lanes.get(lane)
    if (!p) {
      p = new ConnectionPool(
        { ...this.connectionOptions, host: this.address.host, port: this.address.port, nodeId: this.address.nodeId },
        this.maxConnections[lane] ?? 1,
        this.retry,
      )
      this.lanes.set(lane, p)
    }
    return p
  }

  /** Requests in flight over every lane. */
  get inFlight(): number {
    let n = 0
    for (const p of this.lanes.values()) n += p.inFlight
    return n
  }

  /** A ready connection on `lane` (to read negotiated versions before building a request). */
  async connection(lane: Lane = 'default'): Promise<Connection> {
    const conn = await this.pool(lane).lease()
    await conn.connect()
    return conn
  }

  /**
   * Sends one request built for the negotiated version: `build(version)` returns the message.
   * Errors as {@link Connection.send}; broker error codes stay in the response.
   */
  async send<Req, Res>(api: ApiDefinition<Req, Res>, build: (version: number) => Req, options: BrokerRequestOptions = {}): Promise<Res> {
    const pool = this.pool(options.lane)
    const conn = pool.tryLease() ?? (await pool.lease())
    return conn.request(api, build, options)
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
