/**
 * The gateway (docs/gateway.md): Kafka behind the Redis protocol, speaking Rafka's command set
 * (skroutz/rafka) so that any Redis client can produce and consume. One `Kafka` serves it all:
 * one shared producer, and one group consumer per consuming connection (each connection is one
 * group member, named by CLIENT SETNAME `<group.id>:<name>`).
 *
 *   const gateway = new Gateway(kafka, { listen: '127.0.0.1:6380' })
 *   await gateway.listen()
 *   …
 *   await gateway.close()   // then kafka.disconnectAll()
 *
 * Shutdown (`close()`): stops accepting connections; answers blocked BLPOPs (and any later one)
 * `-CONS Server shutdown` and later RPUSHX `-PROD Server shutdown`; commits every acked offset
 * and leaves the groups; waits for the records of every connection to be delivered (up to
 * `closeFlushTimeoutMs` each); then closes the connections and the producer. Every `:1` an ack
 * got is committed; every record RPUSHX accepted was handed to the producer, which is flushed.
 */
import { createServer, type Server, type Socket } from 'node:net'
import type { Admin } from '../admin/admin.js'
import type { Kafka } from '../client.js'
import { resolveConsumerOptions } from '../consumer/consumer-options.js'
import { ClosedError } from '../errors.js'
import type { Log } from '../logger.js'
import type { Producer } from '../producer/producer.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { GatewayConnection } from './gateway-connection.js'
import type { GatewayHost } from './gateway-host.js'
import { resolveGatewayOptions, type GatewayOptions, type ResolvedGatewayOptions } from './gateway-options.js'
import { GatewayStats } from './gateway-stats.js'
import { simpleReply } from './resp-reply.js'

export type { GatewayOptions } from './gateway-options.js'

/** How long a topic being auto-created may stay unknown to Metadata, ms (KRaft propagates it late). */
const AUTO_CREATE_WAIT_MS = 5_000
/** How long shutdown waits for replies to be written before destroying a socket, ms. */
const END_WAIT_MS = 2_000

export class Gateway implements GatewayHost {
  readonly kafka: Kafka
  readonly producer: Producer
  readonly log: Log
  readonly options: ResolvedGatewayOptions
  readonly stats = new GatewayStats()
  readonly clients = new Map<string, GatewayConnection>()
  readonly monitors = new Set<GatewayConnection>()
  readonly knownTopics = new Set<string>()
  private readonly connections = new Set<GatewayConnection>()
  private readonly cleanups = new Set<Promise<void>>()
  private readonly topicChecks = new Map<string, Promise<void>>()
  private server: Server | null = null
  private admin: Admin | null = null
  private closing: Promise<void> | null = null
  teardown = false

  /**
   * @param kafka the client every producer and consumer of the gateway is made from; the
   *   gateway never closes it (call `kafka.disconnectAll()` after `close()`)
   * @throws ConfigError naming the bad field of `options` (consumer and producer options included)
   */
  constructor(kafka: Kafka, options: GatewayOptions = {}) {
    this.kafka = kafka
    this.log = kafka.log
    this.options = resolveGatewayOptions(options)
    // Consumer defaults are checked now, not at the first BLPOP.
    resolveConsumerOptions({ ...this.options.consumer, groupId: 'check', topics: ['check'] })
    this.producer = kafka.producer(this.options.producer)
  }

  /**
   * Starts listening. @returns the address listened on (the port chosen when it was 0)
   * @throws ClosedError after close(); the socket error (EADDRINUSE, EACCES…) when listening fails
   */
  async listen(): Promise<{ host: string; port: number }> {
    if (this.teardown) throw new ClosedError('the gateway is closed')
    if (this.server !== null) return this.address()
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    server.on('error', (err) => this.log.error({ error: err.message }, 'gateway: listener error'))
    const at = this.address()
    this.log.info({ host: at.host, port: at.port }, 'gateway: listening')
    return at
  }

  /** The address listened on. */
  address(): { host: string; port: number } {
    const a = this.server?.address()
    if (a === null || a === undefined || typeof a === 'string') return { host: this.options.host, port: this.options.port }
    return { host: a.address, port: a.port }
  }

  /** Connections open now. */
  get connectionCount(): number {
    return this.connections.size
  }

  private accept(socket: Socket): void {
    if (this.teardown || this.connections.size >= this.options.maxConnections) {
      socket.on('error', () => {})
      socket.end('-ERR max number of clients reached\r\n')
      // Read (and drop) what it sends, so its close is seen and the listener can close.
      socket.resume()
      setTimeout(() => socket.destroy(), END_WAIT_MS).unref()
      return
    }
    socket.setNoDelay(true)
    const conn = new GatewayConnection(this, socket)
    this.connections.add(conn)
    this.clients.set(conn.id, conn)
    socket.on('error', (err) => this.log.debug('gateway', { client: conn.id, error: err.message }, 'client socket error'))
    socket.once('close', () => this.closed(conn))
  }

  private closed(conn: GatewayConnection): void {
    this.connections.delete(conn)
    if (this.clients.get(conn.id) === conn) this.clients.delete(conn.id)
    this.monitors.delete(conn)
    const p = conn.cleanup(this.options.closeFlushTimeoutMs).finally(() => this.cleanups.delete(p))
    this.cleanups.add(p)
  }

  // ---- GatewayHost -------------------------------------------------------------------------

  checkTopic(topic: string): Promise<void> {
    let check = this.topicChecks.get(topic)
    if (check !== undefined) return check
    check = this.lookUpTopic(topic).finally(() => this.topicChecks.delete(topic))
    this.topicChecks.set(topic, check)
    return check
  }

  /**
   * Fails fast on a topic the broker does not have and won't create (otherwise its records
   * would wait out deliveryTimeoutMs). A KRaft broker answers UNKNOWN_TOPIC_OR_PARTITION to the
   * Metadata request that starts an auto-creation, so that answer is asked again for a while,
   * through the one retry policy.
   */
  private async lookUpTopic(topic: string): Promise<void> {
    const cluster = this.kafka.cluster
    const autoCreate = this.options.producer.allowAutoTopicCreation ?? true
    await cluster.withRetry(
      async () => {
        const meta = (await cluster.metadata([topic], { force: true, allowAutoTopicCreation: autoCreate })).get(topic)
        if (meta === undefined || meta.errorCode !== ErrorCode.NONE || meta.partitions.length === 0) {
          throw responseError(meta?.errorCode || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${topic} does not exist${autoCreate ? ' and the broker did not create it' : ''}`)
        }
      },
      { deadline: Date.now() + (autoCreate ? AUTO_CREATE_WAIT_MS : 0), refreshMetadata: false },
    )
    this.knownTopics.add(topic)
  }

  listTopics(): Promise<string[]> {
    this.admin ??= this.kafka.admin()
    return this.admin.listTopics({ includeInternal: true })
  }

  monitor(from: GatewayConnection, args: readonly Buffer[]): void {
    let line = `${(Date.now() / 1000).toFixed(6)} [0 ${from.id}]`
    for (const a of args) line += ` ${quote(a)}`
    const reply = simpleReply(line)
    for (const m of this.monitors) {
      // A monitor that does not read loses lines rather than holding memory (Rafka drops them too).
      if (m.closed || m.socket.writableLength > this.options.maxReplyBufferBytes) continue
      m.socket.write(reply)
    }
  }

  // ---- shutdown ----------------------------------------------------------------------------

  /** Shuts down as the file comment says. Idempotent; never rejects. */
  close(): Promise<void> {
    this.closing ??= this.doClose()
    return this.closing
  }

  private async doClose(): Promise<void> {
    this.teardown = true
    const server = this.server
    const stopped = server === null ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()))
    const open = [...this.connections]
    const step = (what: string): void => this.log.debug('gateway', { open: open.length, cleanups: this.cleanups.size }, `gateway: closing: ${what}`)
    step('started')
    for (const c of open) c.interrupt()
    // Acked offsets committed, groups left, each connection's records delivered.
    await Promise.all(open.map((c) => c.member?.close().catch((err: unknown) => this.log.warn({ client: c.id, error: (err as Error).message }, 'gateway: closing a consumer failed'))))
    step('consumers closed')
    await Promise.all(open.map((c) => c.waitFlushed(this.options.closeFlushTimeoutMs)))
    await this.producer.flush()
    step('records flushed')
    for (const c of open) c.quit()
    await Promise.all(open.map((c) => endWithin(c.socket, END_WAIT_MS)))
    await stopped
    step('connections ended')
    await Promise.all([...this.cleanups])
    step('cleanups done')
    await this.producer.close().catch(() => {})
    await this.admin?.close().catch(() => {})
    this.log.info({}, 'gateway: closed')
  }
}

/** Resolves when the socket closed; destroys it after `ms`. */
function endWithin(socket: Socket, ms: number): Promise<void> {
  if (socket.destroyed) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => socket.destroy(), ms)
    socket.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** A MONITOR argument: double-quoted, with Redis's escapes for quotes, backslashes and non-printables. */
function quote(a: Buffer): string {
  let out = '"'
  for (let i = 0; i < a.length && i < 1024; i++) {
    const b = a[i]
    if (b === 34 || b === 92) out += '\\' + String.fromCharCode(b)
    else if (b === 10) out += '\\n'
    else if (b === 13) out += '\\r'
    else if (b === 9) out += '\\t'
    else if (b >= 32 && b < 127) out += String.fromCharCode(b)
    else out += `\\x${b.toString(16).padStart(2, '0')}`
  }
  return out + (a.length > 1024 ? '..."' : '"')
}
