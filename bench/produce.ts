/**
 * Producer benchmark, kafkats alone against the local broker. Two scenarios:
 * - publish-1m: 1,000,000 records, key "k", value "v", 8 partitions, no compression, acks 1
 *   (the constant key puts every record in one partition, as in the comparison harness);
 * - produce-1k: 200,000 records of 1 KiB (random letters, one value reused), no key, acks all
 *   (idempotent), lz4.
 * Records go in with `sendBatch` in chunks of 10,000 (at most 32 chunks unacknowledged), then
 * `flush()`. Prints records/s, MB/s of key+value bytes and the client's CPU time per record
 * (process.cpuUsage over the produce phase only). `--idempotence on` makes a scenario idempotent
 * (acks all, as idempotence needs), `off` not idempotent (acks unchanged); default as above.
 * `--api send` sends one record per `send()` call instead (the same window of 320,000 records).
 *
 *   node --import tsx bench/produce.ts [publish-1m] [produce-1k] [--records N] [--batch-size BYTES] [--linger MS] [--idempotence on|off] [--api sendBatch|send]
 *   npm run bench -- produce
 *
 * The broker comes from KAFKA_BOOTSTRAP or the cluster file (.kafka/cluster.json).
 */
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { defaultClusterFilePath, readClusterFile } from '../scripts/kafka/cluster-file.js'
import { Kafka } from '../src/client.js'
import type { ProducerOptions, ProducerRecord, RecordMetadata } from '../src/producer/producer.js'
import { CreateTopics } from '../src/protocol/messages/create-topics.js'
import { DeleteTopics } from '../src/protocol/messages/delete-topics.js'

interface Scenario {
  name: string
  records: number
  partitions: number
  key: string | null
  value: Buffer
  options: ProducerOptions
}

interface Args {
  scenarios: string[]
  records: number | null
  batchSize: number
  lingerMs: number
  idempotence: 'on' | 'off' | null
  api: 'sendBatch' | 'send'
}

function parse(args: string[]): Args {
  const out: Args = { scenarios: [], records: null, batchSize: 1_048_576, lingerMs: 5, idempotence: null, api: 'sendBatch' }
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1]
    if (args[i] === '--records') out.records = Number(v)
    else if (args[i] === '--batch-size') out.batchSize = Number(v)
    else if (args[i] === '--linger') out.lingerMs = Number(v)
    else if (args[i] === '--idempotence') {
      if (v !== 'on' && v !== 'off') throw new Error('--idempotence takes on or off')
      out.idempotence = v
    } else if (args[i] === '--api') {
      if (v !== 'send' && v !== 'sendBatch') throw new Error('--api takes send or sendBatch')
      out.api = v
    }
    else {
      if (!args[i].startsWith('--')) out.scenarios.push(args[i])
      continue
    }
    i++
  }
  if (out.scenarios.length === 0) out.scenarios = ['publish-1m', 'produce-1k']
  return out
}

function scenarios(a: Args): Scenario[] {
  const letters = Buffer.from(Array.from(randomBytes(1024), (b) => 65 + (b % 26)))
  const common: ProducerOptions = { lingerMs: a.lingerMs, batchSize: a.batchSize, maxBatchBytes: 8 * a.batchSize, maxBatchSize: 1_000_000, bufferMemory: 64 * 1024 * 1024 }
  const all: Scenario[] = [
    { name: 'publish-1m', records: a.records ?? 1_000_000, partitions: 8, key: 'k', value: Buffer.from('v'), options: { ...common, acks: 1, compression: 'none' } },
    { name: 'produce-1k', records: a.records ?? 200_000, partitions: 8, key: null, value: letters, options: { ...common, acks: 'all', compression: 'lz4' } },
  ]
  return a.scenarios.map((name) => {
    const s = all.find((x) => x.name === name)
    if (s === undefined) throw new Error(`unknown scenario ${name} (known: ${all.map((x) => x.name).join(', ')})`)
    if (a.idempotence === 'on') s.options = { ...s.options, idempotent: true, acks: 'all' }
    else if (a.idempotence === 'off') s.options = { ...s.options, idempotent: false }
    return s
  })
}

function bootstrap(): string {
  return process.env.KAFKA_BOOTSTRAP ?? readClusterFile(process.env.KAFKATS_CLUSTER_FILE ?? defaultClusterFilePath()).plaintext
}

async function createTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const res = await kafka.cluster.send('controller', CreateTopics, () => ({
    topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
    validateOnly: false,
    timeoutMs: 30_000,
  }))
  if (res.topics[0].errorCode !== 0) throw new Error(`CreateTopics failed: ${res.topics[0].errorCode}`)
  for (let i = 0; i < 100; i++) {
    const m = (await kafka.cluster.metadata([topic], { force: true })).get(topic)
    if (m && m.partitions.length === partitions && m.partitions.every((p) => p && p.leader >= 0)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`topic ${topic} has no leaders`)
}

async function runScenario(kafka: Kafka, s: Scenario, api: 'sendBatch' | 'send'): Promise<string> {
  const topic = `bench-produce-${s.name}-${Date.now().toString(36)}`
  await createTopic(kafka, topic, s.partitions)
  const producer = kafka.producer(s.options)
  // Connection, metadata and producer id before the clock starts.
  await producer.send({ topic, key: s.key, value: s.value, partition: 0 })
  const chunk = 10_000
  const pending: Array<Promise<RecordMetadata[]>> = []
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let sent = 0; sent < s.records; ) {
    const n = Math.min(chunk, s.records - sent)
    if (api === 'send') {
      const sends = new Array<Promise<RecordMetadata>>(n)
      for (let i = 0; i < n; i++) sends[i] = producer.send({ topic, key: s.key, value: s.value })
      pending.push(Promise.all(sends))
    } else {
      const records = new Array<ProducerRecord>(n)
      for (let i = 0; i < n; i++) records[i] = { topic, key: s.key, value: s.value }
      pending.push(producer.sendBatch(records))
    }
    sent += n
    if (pending.length >= 32) await pending.shift()
  }
  await producer.flush()
  await Promise.all(pending)
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const stats = producer.stats()
  await producer.close()
  await kafka.cluster
    .send('controller', DeleteTopics, (v) => (v >= 6 ? { topics: [{ name: topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], timeoutMs: 30_000 } : { topicNames: [topic], timeoutMs: 30_000 }))
    .catch(() => {})
  const bytes = s.records * ((s.key === null ? 0 : Buffer.byteLength(s.key)) + s.value.length)
  const cpuUs = cpu.user + cpu.system
  return (
    `${s.name.padEnd(11)} ${String(s.records).padStart(9)} ${Math.round(s.records / (ms / 1000)).toString().padStart(10)} ${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(8)} ` +
    `${(cpuUs / s.records).toFixed(2).padStart(12)} ${String(stats.batchesSent).padStart(8)} ${String(stats.retries).padStart(7)}`
  )
}

export async function run(args: string[]): Promise<void> {
  const a = parse(args)
  const kafka = new Kafka({ clientId: 'kafkats-bench', bootstrapServers: bootstrap(), debug: process.env.BENCH_DEBUG === undefined ? [] : 'producer', logger: { debug: (o, m) => { if (m.includes('retry')) console.error(m, o) }, info() {}, warn: (o, m) => console.error(m, o), error: (o, m) => console.error(m, o) } })
  try {
    console.log(`kafkats producer bench (node ${process.version}), batchSize ${a.batchSize} B, linger ${a.lingerMs} ms, ${a.api === 'send' ? 'one send() per record' : 'sendBatch chunks of 10000'}${a.idempotence === null ? '' : `, idempotence ${a.idempotence}`}`)
    console.log('scenario      records  records/s     MB/s  CPU µs/rec  batches retries')
    for (const s of scenarios(a)) console.log(await runScenario(kafka, s, a.api))
  } finally {
    await kafka.disconnectAll()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
}
