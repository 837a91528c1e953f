/**
 * The gateway's integration tests: a Gateway on a free port (the OS picks it: port 0) made from
 * one `Kafka` on the broker under test, and real Redis clients (node-redis, RESP2) connected to
 * it. Not a test itself.
 */
import { createClient } from 'redis'
import type { Admin } from '../../../src/admin/admin.js'
import type { Kafka } from '../../../src/client.js'
import { Gateway, type GatewayOptions } from '../../../src/gateway/gateway.js'
import { lineLogger, newKafka, uniqueTopic } from '../../helpers/cluster.js'

function makeClient(port: number, name: string | undefined) {
  return createClient({ RESP: 2, name, socket: { host: '127.0.0.1', port, reconnectStrategy: false } })
}

export type RedisClient = ReturnType<typeof makeClient>

export interface GatewayRecord {
  topic: string
  partition: number
  offset: number
  value: string
}

export interface GatewayFixture {
  kafka: Kafka
  admin: Admin
  gateway: Gateway
  port: number
  /** A connected node-redis client (RESP2: node-redis speaks RESP3 unless told); `name` sends CLIENT SETNAME on connect. */
  client(name?: string): Promise<RedisClient>
  /** Closes every client made so far. */
  closeClients(): void
  /** A new topic with `partitions` partitions. */
  topic(partitions: number, prefix?: string): Promise<string>
  close(): Promise<void>
}

/** How long close() may run before the fixture prints the gateway's last log lines (not a failure). */
const CLOSE_WATCHDOG_MS = 60_000

export async function startGateway(options: GatewayOptions = {}): Promise<GatewayFixture> {
  // The gateway's own log (its shutdown steps, warnings) kept in memory, printed only when
  // close() takes long: a hang then says which step it is in. KAFKATS_TEST_LOG takes over.
  const trail: string[] = []
  const logger = lineLogger((line) => {
    trail.push(line)
    if (trail.length > 200) trail.shift()
  })
  const kafka = process.env.KAFKATS_TEST_LOG ? newKafka() : newKafka({ logger, debug: 'gateway' })
  const admin = kafka.admin()
  const gateway = new Gateway(kafka, { listen: '127.0.0.1:0', ...options })
  const { port } = await gateway.listen()
  const clients: RedisClient[] = []
  return {
    kafka,
    admin,
    gateway,
    port,
    async client(name) {
      const c = makeClient(port, name)
      c.on('error', () => {})
      await c.connect()
      clients.push(c)
      return c
    },
    closeClients() {
      for (const c of clients.splice(0)) if (c.isOpen) c.destroy()
    },
    async topic(partitions, prefix = 'gateway') {
      const name = uniqueTopic(prefix)
      const [r] = await admin.createTopics([{ name, partitions, replicationFactor: 1 }])
      if (r.errorCode !== 0) throw new Error(`CreateTopics ${name}: ${r.errorName}`)
      return name
    },
    async close() {
      const watchdog = setTimeout(() => {
        process.stderr.write(`gateway fixture: close() still running after ${CLOSE_WATCHDOG_MS} ms; the last log lines:\n${trail.join('\n')}\n`)
      }, CLOSE_WATCHDOG_MS)
      try {
        for (const c of clients) if (c.isOpen) c.destroy()
        await gateway.close()
        logger.info({}, 'fixture: gateway closed')
        await admin.close()
        logger.info({}, 'fixture: admin closed')
        await kafka.disconnectAll()
      } finally {
        clearTimeout(watchdog)
      }
    },
  }
}

/** A BLPOP reply as a record, or null for the null array. */
export function asRecord(reply: unknown): GatewayRecord | null {
  if (reply === null) return null
  const a = reply as unknown[]
  if (!Array.isArray(a) || a.length !== 8 || a[0] !== 'topic' || a[2] !== 'partition' || a[4] !== 'offset' || a[6] !== 'value') {
    throw new Error(`not a BLPOP record reply: ${JSON.stringify(reply)}`)
  }
  return { topic: String(a[1]), partition: Number(a[3]), offset: Number(a[5]), value: String(a[7]) }
}

/** `topics:<topics>:{"auto.offset.reset":"earliest", …}` */
export function spec(topics: string | string[], config: Record<string, unknown> = { 'auto.offset.reset': 'earliest' }): string {
  return `topics:${Array.isArray(topics) ? topics.join(',') : topics}:${JSON.stringify(config)}`
}

export async function blpop(c: RedisClient, what: string, seconds = 1): Promise<GatewayRecord | null> {
  return asRecord(await c.sendCommand(['BLPOP', what, String(seconds)]))
}

/** BLPOPs until a record comes (bounded by `timeoutMs`). */
export async function nextRecord(c: RedisClient, what: string, timeoutMs = 30_000): Promise<GatewayRecord> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const r = await blpop(c, what, 1)
    if (r !== null) return r
  }
  throw new Error(`no record within ${timeoutMs} ms for ${what}`)
}

export async function ack(c: RedisClient, r: GatewayRecord): Promise<unknown> {
  return c.sendCommand(['RPUSH', 'acks', `${r.topic}:${r.partition}:${r.offset}`])
}

/** RPUSHXes values (pipelined: node-redis writes commands of one tick together), then DUMPs. */
export async function produce(c: RedisClient, topic: string, values: readonly string[], key?: string): Promise<void> {
  const target = key === undefined ? `topics:${topic}` : `topics:${topic}:${key}`
  const replies = await Promise.all(values.map((v) => c.sendCommand(['RPUSHX', target, v])))
  for (const r of replies) if ((r as unknown) !== 1) throw new Error(`RPUSHX answered ${JSON.stringify(r)}`)
  const left = await c.sendCommand(['DUMP', '10000'])
  if ((left as unknown) !== 0) throw new Error(`DUMP answered ${JSON.stringify(left)}`)
}

/** RPUSHXes each value with itself as the key (spread over the partitions by murmur2), then DUMPs. */
export async function produceKeyed(c: RedisClient, topic: string, values: readonly string[]): Promise<void> {
  const replies = await Promise.all(values.map((v) => c.sendCommand(['RPUSHX', `topics:${topic}:${v}`, v])))
  for (const r of replies) if ((r as unknown) !== 1) throw new Error(`RPUSHX answered ${JSON.stringify(r)}`)
  const left = await c.sendCommand(['DUMP', '10000'])
  if ((left as unknown) !== 0) throw new Error(`DUMP answered ${JSON.stringify(left)}`)
}

/** The error message a command is answered with. */
export async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    const r = await p
    return `no error: ${JSON.stringify(r)}`
  } catch (err) {
    return (err as Error).message
  }
}
