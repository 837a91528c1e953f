/**
 * One client connection of the gateway: parses its RESP requests, runs Rafka's commands
 * (rafka-protocol: RPUSHX, DUMP, CLIENT SETNAME/GETNAME, BLPOP, RPUSH acks, HGETALL/DEL stats,
 * KEYS topics:, PING, QUIT, MONITOR) and writes the replies in request order.
 *
 * Commands run in order. Most answer at once; an ack answers once its commit settled and a
 * first RPUSHX to a topic once the topic is known to exist, without holding later commands back;
 * BLPOP and DUMP block the connection (later pipelined commands wait, as on Redis). Replies that
 * are not ready yet keep their place in a queue of slots.
 *
 * Flow control: when the client does not read its replies (more than `maxReplyBufferBytes`
 * unwritten) or keeps sending while blocked (more than `maxRequestBytes` unparsed), reading from
 * this socket pauses; other connections are not affected.
 */
import type { Socket } from 'node:net'
import { KafkaError } from '../errors.js'
import type { RecordMetadata } from '../producer/producer-record.js'
import { topicNameProblem } from '../topic-name.js'
import { consumerOverrides } from './gateway-config.js'
import type { GatewayHost } from './gateway-host.js'
import { GatewayMember, type AckWaiter } from './gateway-member.js'
import { RespProtocolError } from './gateway-errors.js'
import { RespParser } from './resp-parser.js'
import {
  arrayReply,
  bulkReply,
  EMPTY_ARRAY,
  errorReply,
  integerReply,
  NULL_ARRAY,
  OK_BULK,
  OK_SIMPLE,
  ONE,
  PONG,
  recordReply,
  ZERO,
  type Reply,
} from './resp-reply.js'

/** A reply that is not ready yet, in its place among the connection's replies. */
class Slot implements AckWaiter {
  reply: Reply | null = null
  constructor(private readonly conn: GatewayConnection) {}

  done(error: string | null): void {
    this.conn.fill(this, error === null ? ONE : errorReply(error))
  }
}

const SHUTDOWN = 'Server shutdown'

export class GatewayConnection {
  /** Rafka's client id: the peer address until CLIENT SETNAME `<group>:<name>`. */
  id: string
  private named = false
  private group = ''
  member: GatewayMember | null = null
  /** Records given to the producer and not yet acknowledged or failed. */
  unflushed = 0
  private produced = false
  /** Delivery failures since the last DUMP, and the last one's text. */
  private failures = 0
  private lastFailure = ''
  /** Waiters for this connection's records to be delivered (DUMP, close, shutdown). */
  private flushWaiters: (() => void)[] = []
  private readonly parser: RespParser
  private readonly slots: Slot[] = []
  /** A BLPOP or DUMP is running: later commands wait. */
  private blocked = false
  private blpopAbort: AbortController | null = null
  private readPaused = false
  /** Reply text not yet written (see write()). */
  private out = ''
  closed = false
  private quitting = false

  constructor(
    private readonly host: GatewayHost,
    readonly socket: Socket,
  ) {
    this.id = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`
    this.parser = new RespParser(host.options.maxRequestBytes)
    socket.on('data', this.onData)
    socket.on('drain', this.onDrain)
  }

  // ---- input -------------------------------------------------------------------------------

  private readonly onData = (chunk: Buffer): void => {
    this.parser.push(chunk)
    this.process()
  }

  private readonly onDrain = (): void => {
    this.process()
  }

  /** Runs the buffered commands until one blocks, the output backs up, or none is left. */
  process(): void {
    if (this.closed) return
    const socket = this.socket
    socket.cork()
    try {
      while (!this.blocked && !this.quitting && !this.closed) {
        if (socket.writableLength > this.host.options.maxReplyBufferBytes) break
        let command: Buffer[] | null
        try {
          command = this.parser.next()
        } catch (err) {
          const message = err instanceof RespProtocolError ? err.message : String(err)
          this.host.log.debug('gateway', { client: this.id, error: message }, 'malformed request; closing the connection')
          this.send(errorReply(`ERR ${message}`))
          this.flush()
          this.quit()
          return
        }
        if (command === null) break
        this.run(command)
        if (this.out.length > 65536) this.flush()
      }
    } finally {
      this.flush()
      socket.uncork()
    }
    this.flowControl()
  }

  private flowControl(): void {
    const socket = this.socket
    const full = socket.writableLength > this.host.options.maxReplyBufferBytes || (this.blocked && this.parser.buffered > this.host.options.maxRequestBytes)
    if (full && !this.readPaused && !this.closed) {
      this.readPaused = true
      socket.pause()
    } else if (!full && this.readPaused) {
      this.readPaused = false
      socket.resume()
    }
  }

  // ---- output ------------------------------------------------------------------------------

  /** Writes a reply now, or queues it behind replies still pending. */
  send(reply: Reply): void {
    if (this.slots.length > 0) {
      const s = new Slot(this)
      s.reply = reply
      this.slots.push(s)
      return
    }
    this.write(reply)
  }

  /**
   * Queues a reply's bytes: text is joined into one string written by `flush()` (one socket
   * write per batch of pipelined commands, not one per reply); Buffers go out in order.
   */
  private write(reply: Reply): void {
    if (this.closed) return
    if (typeof reply === 'string') {
      this.out += reply
      return
    }
    for (const part of reply) {
      if (typeof part === 'string') this.out += part
      else {
        this.flush()
        this.socket.write(part)
      }
    }
  }

  /** Writes the text queued by `write()`. */
  private flush(): void {
    if (this.out.length === 0 || this.closed) return
    this.socket.write(this.out)
    this.out = ''
  }

  /** A place for a reply that comes later. */
  private defer(): Slot {
    const s = new Slot(this)
    this.slots.push(s)
    return s
  }

  /** Fills a deferred reply; writes every ready reply at the head. */
  fill(slot: Slot, reply: Reply): void {
    slot.reply = reply
    const slots = this.slots
    if (slots[0] !== slot) return
    this.socket.cork()
    let n = 0
    while (n < slots.length && slots[n].reply !== null) this.write(slots[n++].reply as Reply)
    slots.splice(0, n)
    this.flush()
    this.socket.uncork()
    if (this.quitting && slots.length === 0) this.socket.end()
  }

  // ---- commands ----------------------------------------------------------------------------

  private run(args: Buffer[]): void {
    const host = this.host
    if (host.monitors.size > 0) host.monitor(this, args)
    const name = args[0].toString('utf8').toUpperCase()
    switch (name) {
      case 'RPUSHX':
        return this.rpushx(args)
      case 'BLPOP':
        return this.blpop(args)
      case 'RPUSH':
        return this.rpush(args)
      case 'DUMP':
        return this.dump(args)
      case 'CLIENT':
        return this.client(args)
      case 'PING':
        return this.send(PONG)
      case 'QUIT':
        this.send(OK_BULK)
        return this.quit()
      case 'HGETALL': {
        const key = arg(args, 1).toUpperCase()
        if (key !== 'STATS') return this.send(errorReply(`ERR Expected key to be 'stats', got ${key}`))
        return this.send(arrayReply(host.stats.toRedis()))
      }
      case 'DEL': {
        const key = arg(args, 1).toUpperCase()
        if (key !== 'STATS') return this.send(errorReply(`ERR Expected key to be 'stats', got ${key}`))
        host.stats.reset()
        return this.send(ONE)
      }
      case 'KEYS':
        return this.keys(args)
      case 'MONITOR':
        if (args.length > 1) return this.send(errorReply("ERR command 'monitor' does not accept any extra arguments"))
        host.monitors.add(this)
        return this.send(OK_SIMPLE)
      case 'HELLO':
        // RESP3 is not spoken: clients that try it fall back to RESP2 on this error (Redis's own wording).
        return this.send(errorReply('NOPROTO unsupported protocol version'))
      default:
        return this.send(errorReply(`Command not supported: ${name}`))
    }
  }

  private client(args: Buffer[]): void {
    const sub = arg(args, 1).toUpperCase()
    if (sub === 'GETNAME') return this.send(bulkReply(this.id))
    if (sub !== 'SETNAME') return this.send(errorReply(`Command not supported: ${sub}`))
    const newId = arg(args, 2)
    if (this.host.clients.has(newId)) return this.send(errorReply(`CONS id ${newId} is already taken`))
    if (this.named) return this.send(errorReply(`CONS Client ID is already set to ${this.id}`))
    const colon = newId.indexOf(':')
    if (colon < 0) return this.send(errorReply('CONS Cannot parse group.id'))
    this.host.clients.delete(this.id)
    this.id = newId
    this.group = newId.slice(0, colon)
    this.named = true
    this.host.clients.set(newId, this)
    this.send(OK_BULK)
  }

  // ---- produce -----------------------------------------------------------------------------

  private rpushx(args: Buffer[]): void {
    const argc = args.length - 1
    if (argc !== 2) return this.send(errorReply(`PROD RPUSHX accepts 2 arguments, got ${argc}`))
    const parts = args[1].toString('utf8').split(':')
    if ((parts.length !== 2 && parts.length !== 3) || parts[0] !== 'topics') {
      return this.send(errorReply("PROD First argument must be in the form of 'topics:<topic>' or 'topics:<topic>:<key>'"))
    }
    const topic = parts[1]
    const problem = topicNameProblem(topic)
    if (problem !== undefined) return this.send(errorReply(`PROD illegal topic name '${topic}': ${problem}`))
    if (this.host.teardown) return this.send(errorReply(`PROD ${SHUTDOWN}`))
    const key = parts.length === 3 ? parts[2] : null
    const value = args[2]
    this.produced = true
    if (this.host.knownTopics.has(topic)) {
      this.produce(topic, key, value)
      return this.send(ONE)
    }
    // A topic not seen yet: answer once it is known to exist (an error if it does not and won't be created).
    const slot = this.defer()
    this.host.checkTopic(topic).then(
      () => {
        if (this.host.teardown && !this.closed) return this.fill(slot, errorReply(`PROD ${SHUTDOWN}`))
        this.produce(topic, key, value)
        this.fill(slot, ONE)
      },
      (err: unknown) => this.fill(slot, errorReply(`PROD ${(err as Error).message}`)),
    )
  }

  private produce(topic: string, key: string | null, value: Buffer): void {
    this.unflushed++
    this.host.producer.send({ topic, key, value }).then(this.delivered, this.failed)
  }

  private readonly delivered = (_m: RecordMetadata): void => {
    if (--this.unflushed === 0) this.wakeDump()
  }

  private readonly failed = (err: unknown): void => {
    this.failures++
    this.lastFailure = err instanceof Error ? err.message : String(err)
    this.host.stats.deliveryErrors++
    this.host.log.warn({ client: this.id, error: this.lastFailure }, 'gateway: delivery failed')
    if (--this.unflushed === 0) this.wakeDump()
  }

  private wakeDump(): void {
    const waiters = this.flushWaiters
    if (waiters.length === 0) return
    this.flushWaiters = []
    for (const w of waiters) w()
  }

  private dump(args: Buffer[]): void {
    if (!this.produced) return this.send(ZERO)
    const argc = args.length - 1
    if (argc !== 1) return this.send(errorReply(`PROD DUMP accepts 1 argument, got ${argc}`))
    const text = args[1].toString('utf8')
    if (!/^[+-]?\d+$/.test(text)) return this.send(errorReply('PROD NaN'))
    const timeoutMs = Math.max(0, Number(text))
    const slot = this.defer()
    this.blocked = true
    void this.waitFlushed(timeoutMs).then(() => {
      const failures = this.failures
      this.failures = 0
      this.blocked = false
      this.fill(slot, failures > 0 ? errorReply(`PROD ${failures} record(s) failed since the last DUMP; last: ${this.lastFailure}`) : integerReply(this.unflushed))
      this.process()
    })
  }

  /** Resolves when this connection's records are all delivered or failed, or after timeoutMs. */
  waitFlushed(timeoutMs: number): Promise<void> {
    if (this.unflushed === 0) return Promise.resolve()
    void this.host.producer.flush()
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        const i = this.flushWaiters.indexOf(done)
        if (i >= 0) this.flushWaiters.splice(i, 1)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      this.flushWaiters.push(done)
    })
  }

  // ---- consume -----------------------------------------------------------------------------

  private blpop(args: Buffer[]): void {
    const spec = arg(args, 1)
    const parsed = parseTopicsAndConfig(spec)
    if (typeof parsed === 'string') return this.send(errorReply(`CONS ${parsed}`))
    if (this.host.teardown) return this.send(errorReply(`CONS ${SHUTDOWN}`))
    const member = this.memberFor(parsed.topics, parsed.config)
    if (typeof member === 'string') return this.send(errorReply(`CONS ${member}`))
    // The last argument: seconds (Rafka); not a number → the gateway's default; 0 → until a record comes.
    const last = args.length > 2 ? args[args.length - 1].toString('utf8') : ''
    let timeoutMs = this.host.options.blpopTimeoutMs
    if (/^[+-]?\d+$/.test(last)) {
      const seconds = Number(last)
      if (seconds < 0) return this.send(errorReply('CONS timeout is negative'))
      timeoutMs = seconds === 0 ? Infinity : seconds * 1000
    }
    // Fast path: a record already polled is answered at once.
    const ready = member.take()
    if (ready !== null) return this.send(recordReply(ready))
    const slot = this.defer()
    this.blocked = true
    // One controller per connection, aborted only by shutdown or close (then no BLPOP follows).
    this.blpopAbort ??= new AbortController()
    member.next(timeoutMs, this.blpopAbort.signal).then(
      (record) => {
        if (this.host.teardown && record === null) return this.unblock(slot, errorReply(`CONS ${SHUTDOWN}`))
        this.unblock(slot, record === null ? NULL_ARRAY : recordReply(record))
      },
      (err: unknown) => this.unblock(slot, errorReply(this.host.teardown ? `CONS ${SHUTDOWN}` : `CONS Poll ${(err as Error).message}`)),
    )
  }

  private unblock(slot: Slot, reply: Reply): void {
    this.blocked = false
    this.fill(slot, reply)
    this.process()
  }

  /** This connection's member, created on the first BLPOP. @returns it, or Rafka's error text */
  private memberFor(topics: string[], config: Record<string, unknown> | null): GatewayMember | string {
    if (!this.named) return 'Connection not ready. Identify yourself using `CLIENT SETNAME` first'
    const cid = `${this.id}|${topics.join(',')}`
    if (this.member !== null) {
      if (this.member.id !== cid) return `Client '${this.id}' has Consumer '${this.member.id}' registered (new consID: '${cid}')`
      return this.member
    }
    try {
      const options = config === null ? this.host.options.consumer : consumerOverrides(config, this.host.options.consumer)
      const consumer = this.host.kafka.consumer({ ...options, groupId: this.group, topics, autoCommit: false })
      this.member = new GatewayMember(consumer, cid)
      return this.member
    } catch (err) {
      return `Failed to register Consumer '${cid}' for Client '${this.id}': ${(err as Error).message}`
    }
  }

  private rpush(args: Buffer[]): void {
    if (arg(args, 1).toUpperCase() !== 'ACKS') return this.send(errorReply("CONS You can only RPUSH to the 'acks' key"))
    const ack = arg(args, 2)
    const m = /^(.+):(-?\d+):(-?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|\d+))$/.exec(ack)
    if (m === null) return this.send(errorReply(`CONS Cannot parse ack: '${ack}'`))
    const partition = Number(m[2])
    if (!Number.isInteger(partition) || partition < 0 || partition > 2147483647) return this.send(errorReply(`CONS Cannot parse ack: '${ack}'`))
    let offset: bigint
    try {
      const o = m[3]
      offset = o.startsWith('-') ? -BigInt(o.slice(1)) : BigInt(o.length > 1 && o[0] === '0' && /\d/.test(o[1]) ? `0o${o.slice(1)}` : o)
    } catch {
      return this.send(errorReply(`CONS Cannot parse ack: '${ack}'`))
    }
    if (offset < 0n) return this.send(errorReply(`CONS offset cannot be negative, got ${offset}`))
    if (this.member === null) return this.send(errorReply(`CONS No consumer registered for Client ${this.id}`))
    const slot = this.defer()
    const refused = this.member.ack(m[1], partition, offset, slot)
    if (refused !== null) this.fill(slot, errorReply(refused))
  }

  // ---- metadata ----------------------------------------------------------------------------

  private keys(args: Buffer[]): void {
    const a = arg(args, 1)
    if (a !== 'topics:') return this.send(errorReply(`ERR Expected argument to be 'topics:', got ${a}`))
    const slot = this.defer()
    this.host.listTopics().then(
      (topics) => this.fill(slot, topics.length === 0 ? EMPTY_ARRAY : arrayReply(topics.map((t) => `topics:${t}`))),
      (err: unknown) => this.fill(slot, errorReply(`ERR Error getting metadata: ${(err as Error).message}`)),
    )
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Stops reading; ends the socket once every pending reply is written. */
  quit(): void {
    this.quitting = true
    this.flush()
    if (this.slots.length === 0) this.socket.end()
  }

  /** Shutdown: a blocked BLPOP answers `CONS Server shutdown` now. */
  interrupt(): void {
    this.blpopAbort?.abort()
  }

  /**
   * After the socket closed: commits what was acked and leaves the group; waits up to
   * `timeoutMs` for this connection's records (Rafka's producer close), counting the rest as
   * unflushed in the stats.
   */
  async cleanup(timeoutMs: number): Promise<void> {
    this.closed = true
    this.blpopAbort?.abort()
    const member = this.member
    await Promise.all([
      member?.close().catch((err: unknown) => this.host.log.warn({ client: this.id, error: (err as KafkaError).message }, 'gateway: closing a consumer failed')),
      this.waitFlushed(timeoutMs),
    ])
    if (this.unflushed > 0) this.host.stats.unflushedMessages += this.unflushed
  }
}

function arg(args: Buffer[], i: number): string {
  return i < args.length ? args[i].toString('utf8') : ''
}

/**
 * `topics:<t1>[,<t2>…][:<JSON>]` → topics and config, or Rafka's error text.
 */
export function parseTopicsAndConfig(s: string): { topics: string[]; config: Record<string, unknown> | null } | string {
  const first = s.indexOf(':')
  if (first < 0 || s.slice(0, first) !== 'topics') return `Cannot parse topics from \`${s}\``
  const second = s.indexOf(':', first + 1)
  const list = second < 0 ? s.slice(first + 1) : s.slice(first + 1, second)
  const topics = list.split(',')
  if (list === '') return `Not enough topics in \`${s}\``
  for (const t of topics) {
    const problem = topicNameProblem(t)
    if (problem !== undefined) return `Cannot parse topics from \`${s}\`: illegal topic name '${t}': ${problem}`
  }
  const json = second < 0 ? '' : s.slice(second + 1)
  if (json === '') return { topics, config: null }
  let config: unknown
  try {
    config = JSON.parse(json)
  } catch (err) {
    return `Error parsing configuration from '${json}'; ${(err as Error).message}`
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return `Error parsing configuration from '${json}'; expected a JSON object`
  return { topics, config: config as Record<string, unknown> }
}
