/**
 * The connections of one workload lane to one broker. `lease()` hands out the connection with
 * the fewest requests in flight, opening another (up to `maxConnections`) when every open one
 * is busy. Failed connections are dropped; the next lease reconnects after a backoff with jitter.
 * The pool never resends a request: failures reach the caller, who decides.
 */
import { ConnectionError, KafkaError } from '../errors.js'
import { ClientErrorCode } from '../client-error-codes.js'
import { Connection, type ConnectionOptions } from './connection.js'
import { backoffMs, DEFAULT_RETRY_POLICY, sleep, type RetryPolicy } from './retry.js'

export class ConnectionPool {
  private readonly connections: Connection[] = []
  private failures = 0
  private nextAttemptAt = 0
  private closed = false
  constructor(
    private readonly options: ConnectionOptions,
    readonly maxConnections = 1,
    private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  /** The open (or opening) connections. */
  get size(): number {
    return this.connections.length
  }

  /** Requests in flight over all connections. */
  get inFlight(): number {
    let n = 0
    for (const c of this.connections) n += c.inFlight
    return n
  }

  /**
   * True while the last connection attempt failed and none has succeeded since: the broker
   * looks down (refused, unreachable, timed out), and requests that may go anywhere avoid it.
   */
  get unreachable(): boolean {
    return this.failures > 0
  }

  /** A snapshot of the connections, for stats and tests. */
  list(): readonly Connection[] {
    return this.connections
  }

  /**
   * The least-loaded usable connection, opening one when all are busy and the pool has room;
   * synchronous so that concurrent callers see each other's requests. Returns null only while
   * every connection has failed and the reconnect backoff has not passed.
   */
  tryLease(): Connection | null {
    if (this.closed) throw new ConnectionError(`pool for ${this.options.host}:${this.options.port} is closed`, ClientErrorCode.CONNECTION_CLOSED)
    this.prune()
    let best: Connection | null = null
    for (const c of this.connections) {
      if (best === null || c.inFlight < best.inFlight) best = c
    }
    if (best !== null && (best.inFlight === 0 || this.connections.length >= this.maxConnections)) return best
    if (this.nextAttemptAt > Date.now()) return best
    const conn = new Connection(this.options)
    this.connections.push(conn)
    conn.connect().then(
      () => {
        this.failures = 0
        this.nextAttemptAt = 0
        this.options.health?.connected(this.options.host, this.options.port)
      },
      (err: unknown) => {
        this.options.health?.failed(this.options.host, this.options.port, err)
        this.failures++
        this.nextAttemptAt = Date.now() + backoffMs(this.failures - 1, this.retry)
        this.remove(conn)
      },
    )
    return conn
  }

  /** {@link tryLease}, waiting out the reconnect backoff when needed. */
  async lease(): Promise<Connection> {
    for (;;) {
      const conn = this.tryLease()
      if (conn !== null) return conn
      await sleep(Math.max(1, this.nextAttemptAt - Date.now()))
    }
  }

  /** Connects one connection now (used to check reachability). */
  async connect(): Promise<Connection> {
    const conn = await this.lease()
    await conn.connect()
    return conn
  }

  private prune(): void {
    for (let i = this.connections.length - 1; i >= 0; i--) {
      if (this.connections[i].closed) this.connections.splice(i, 1)
    }
  }

  private remove(conn: Connection): void {
    const i = this.connections.indexOf(conn)
    if (i >= 0) this.connections.splice(i, 1)
  }

  /** Closes every connection after its in-flight requests settle. */
  async close(): Promise<void> {
    this.closed = true
    const all = this.connections.splice(0)
    await Promise.all(all.map((c) => c.close()))
  }

  /** Closes every connection now, rejecting in-flight requests with `err`. */
  destroy(err?: KafkaError): void {
    this.closed = true
    for (const c of this.connections.splice(0)) c.destroy(err)
  }
}
