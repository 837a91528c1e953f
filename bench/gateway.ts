/**
 * Gateway benchmark (docs/gateway.md): records/s through `kafkats gateway`'s protocol, with a
 * real Redis client (node-redis, RESP2) pipelining, against kafkats used directly, on the local
 * broker. The gateway runs in this process (one `Kafka`), like the direct client.
 *
 * - produce: N records of 100 bytes, no key, acks all, into a new 8-partition topic. Gateway:
 *   RPUSHX pipelined (WINDOW commands in flight on each of C connections), then DUMP. Direct:
 *   producer.sendBatch in chunks, then flush.
 * - consume: those N records by one group member. Gateway: BLPOP pipelined (WINDOW in flight),
 *   then the acks of each window pipelined (one commit each). Direct: consumer.poll, then
 *   commit() after each poll.
 *
 *   node --import tsx bench/gateway.ts [--records N] [--connections C] [--window W]
 *   npm run bench -- gateway [--records N] …
 *
 * The broker comes from KAFKA_BOOTSTRAP or the cluster file (.kafka/cluster.json).
 */
import { pathToFileURL } from 'node:url'
import { createClient } from 'redis'
import { defaultClusterFilePath, readClusterFile } from '../scripts/kafka/cluster-file.js'
import { Kafka } from '../src/client.js'
import { Gateway } from '../src/gateway/gateway.js'
import type { ProducerRecord } from '../src/producer/producer.js'

interface Args {
  records: number
  connections: number
  window: number
}

function parse(args: string[]): Args {
  const out: Args = { records: 200_000, connections: 4, window: 1000 }
  for (let i = 0; i < args.length; i += 2) {
    const v = Number(args[i + 1])
    if (args[i] === '--records') out.records = v
    else if (args[i] === '--connections') out.connections = v
    else if (args[i] === '--window') out.window = v
    else throw new Error(`unknown argument ${args[i]} (--records N, --connections C, --window W)`)
  }
  return out
}

function bootstrap(): string {
  return process.env.KAFKA_BOOTSTRAP ?? readClusterFile(process.env.KAFKATS_CLUSTER_FILE ?? defaultClusterFilePath()).plaintext
}

const VALUE = Buffer.alloc(100, 'x')

async function newTopic(kafka: Kafka, name: string): Promise<string> {
  const admin = kafka.admin()
  try {
    const [r] = await admin.createTopics([{ name, partitions: 8, replicationFactor: 1 }])
    if (r.errorCode !== 0) throw new Error(`CreateTopics ${name}: ${r.errorName}`)
  } finally {
    await admin.close()
  }
  return name
}

function redis(port: number, name?: string) {
  return createClient({ RESP: 2, name, socket: { host: '127.0.0.1', port, reconnectStrategy: false } })
}

interface Row {
  what: string
  records: number
  ms: number
  cpuUs: number
}

async function measure(what: string, records: number, fn: () => Promise<void>): Promise<Row> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await fn()
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return { what, records, ms, cpuUs: cpu.user + cpu.system }
}

async function directProduce(kafka: Kafka, topic: string, n: number): Promise<void> {
  const producer = kafka.producer()
  await producer.send({ topic, value: VALUE })
  const pending: Promise<unknown>[] = []
  for (let sent = 1; sent < n; ) {
    const k = Math.min(10_000, n - sent)
    const batch = new Array<ProducerRecord>(k)
    for (let i = 0; i < k; i++) batch[i] = { topic, value: VALUE }
    pending.push(producer.sendBatch(batch))
    sent += k
    if (pending.length >= 32) await pending.shift()
  }
  await producer.flush()
  await Promise.all(pending)
  await producer.close()
}

async function directConsume(kafka: Kafka, topic: string, n: number): Promise<void> {
  const consumer = kafka.consumer({ groupId: `bench-gw-direct-${Date.now()}`, topics: [topic], resetStrategy: 'earliest' })
  let got = 0
  while (got < n) {
    const e = await consumer.poll(5000)
    if (e.type === 'records') {
      got += e.records.length
      if (e.records.length > 0) await consumer.commit()
    }
  }
  await consumer.stop()
}

async function gatewayProduce(port: number, topic: string, n: number, a: Args): Promise<void> {
  const clients = await Promise.all(Array.from({ length: a.connections }, async () => {
    const c = redis(port)
    await c.connect()
    return c
  }))
  const target = `topics:${topic}`
  await clients[0].sendCommand(['RPUSHX', target, VALUE])
  let next = 1
  await Promise.all(clients.map(async (c) => {
    while (next < n) {
      const k = Math.min(a.window, n - next)
      next += k
      const replies = new Array<Promise<unknown>>(k)
      for (let i = 0; i < k; i++) replies[i] = c.sendCommand(['RPUSHX', target, VALUE])
      await Promise.all(replies)
    }
    const left = await c.sendCommand(['DUMP', '60000'])
    if ((left as unknown) !== 0) throw new Error(`DUMP answered ${String(left)}`)
  }))
  for (const c of clients) await c.quit()
}

async function gatewayConsume(port: number, topic: string, n: number, a: Args): Promise<void> {
  const c = redis(port, `bench-gw-${Date.now()}:member`)
  await c.connect()
  const spec = `topics:${topic}:{"auto.offset.reset":"earliest"}`
  let got = 0
  while (got < n) {
    const k = Math.min(a.window, n - got)
    const replies = await Promise.all(Array.from({ length: k }, () => c.sendCommand(['BLPOP', spec, '5'])))
    const acks: Promise<unknown>[] = []
    for (const r of replies as unknown as (unknown[] | null)[]) {
      if (r === null) continue
      got++
      acks.push(c.sendCommand(['RPUSH', 'acks', `${String(r[1])}:${String(r[3])}:${String(r[5])}`]))
    }
    await Promise.all(acks)
  }
  await c.quit()
}

function line(r: Row, base?: Row): string {
  const rate = r.records / (r.ms / 1000)
  const vs = base === undefined ? '' : `${((rate / (base.records / (base.ms / 1000))) * 100).toFixed(0)}% of direct`
  return `${r.what.padEnd(18)} ${String(r.records).padStart(8)} ${Math.round(rate).toString().padStart(10)} ${(r.cpuUs / r.records).toFixed(2).padStart(11)}  ${vs}`
}

export async function run(args: string[]): Promise<void> {
  const a = parse(args)
  const kafka = new Kafka({ clientId: 'kafkats-bench-gateway', bootstrapServers: bootstrap(), logger: { debug() {}, info() {}, warn: (o, m) => console.error(m, o), error: (o, m) => console.error(m, o) } })
  const gateway = new Gateway(kafka, { listen: '127.0.0.1:0' })
  try {
    const { port } = await gateway.listen()
    const stamp = Date.now().toString(36)
    console.log(`kafkats gateway bench (node ${process.version}): ${a.records} records of ${VALUE.length} B, 8 partitions, acks all; gateway: node-redis RESP2, ${a.window} commands in flight per connection, ${a.connections} producing connections, 1 consuming`)
    console.log('path                records  records/s  CPU µs/rec')
    const dp = await measure('direct produce', a.records, async () => directProduce(kafka, await newTopic(kafka, `bench-gw-direct-${stamp}`), a.records))
    console.log(line(dp))
    const gTopic = await newTopic(kafka, `bench-gw-${stamp}`)
    const gp = await measure('gateway RPUSHX', a.records, () => gatewayProduce(port, gTopic, a.records, a))
    console.log(line(gp, dp))
    const dc = await measure('direct consume', a.records, () => directConsume(kafka, `bench-gw-direct-${stamp}`, a.records))
    console.log(line(dc))
    const gc = await measure('gateway BLPOP+ack', a.records, () => gatewayConsume(port, gTopic, a.records, a))
    console.log(line(gc, dc))
    console.log('(CPU is this whole process: with the gateway, the Redis client too.)')
  } finally {
    await gateway.close()
    await kafka.disconnectAll()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
}
