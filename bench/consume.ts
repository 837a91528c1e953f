/**
 * Consumer benchmark: pre-produces N records (default 1,000,000, 100-byte values, 6
 * partitions) into a new topic, then reads them all with a partition consumer (exitAtEnd,
 * async iterator) and prints records/s, MB/s of key+value bytes and the client's CPU time per
 * record (process.cpuUsage over the consume phase only).
 *
 *   node --import tsx bench/consume.ts [--records N] [--partitions P] [--size BYTES] [--compression none|gzip|snappy|lz4|zstd]
 *   npm run bench -- consume
 *
 * The broker comes from KAFKA_BOOTSTRAP or the cluster file (.kafka/cluster.json).
 */
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { readClusterFile, defaultClusterFilePath } from '../scripts/kafka/cluster-file.js'
import { Kafka } from '../src/client.js'
import { CreateTopics } from '../src/protocol/messages/create-topics.js'
import { Produce } from '../src/protocol/messages/produce.js'
import type { CompressionCodec } from '../src/protocol/compression/index.js'
import { encodeRecordBatch, type ProduceRecord } from '../src/protocol/records/index.js'

interface Args {
  records: number
  partitions: number
  size: number
  compression: CompressionCodec
}

function parse(args: string[]): Args {
  const out: Args = { records: 1_000_000, partitions: 6, size: 100, compression: 'none' }
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1]
    if (args[i] === '--records') out.records = Number(v)
    else if (args[i] === '--partitions') out.partitions = Number(v)
    else if (args[i] === '--size') out.size = Number(v)
    else if (args[i] === '--compression') out.compression = v as CompressionCodec
    else continue
    i++
  }
  return out
}

function bootstrap(): string {
  return process.env.KAFKA_BOOTSTRAP ?? readClusterFile(process.env.KAFKATS_CLUSTER_FILE ?? defaultClusterFilePath()).plaintext
}

async function preProduce(kafka: Kafka, topic: string, a: Args): Promise<void> {
  const res = await kafka.cluster.send('controller', CreateTopics, () => ({
    topics: [{ name: topic, numPartitions: a.partitions, replicationFactor: 1, assignments: [], configs: [] }],
    validateOnly: false,
    timeoutMs: 30_000,
  }))
  if (res.topics[0].errorCode !== 0) throw new Error(`CreateTopics failed: ${res.topics[0].errorCode}`)
  for (let i = 0; i < 100; i++) {
    const m = (await kafka.cluster.metadata([topic], { force: true })).get(topic)
    if (m && m.partitions.length === a.partitions && m.partitions.every((p) => p && p.leader >= 0)) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const value = Buffer.alloc(a.size, 'v')
  const per = Math.ceil(a.records / a.partitions)
  const BATCH = 5_000
  await Promise.all(
    Array.from({ length: a.partitions }, async (_, p) => {
      const count = Math.min(per, a.records - p * per)
      for (let from = 0; from < count; from += BATCH) {
        const records: ProduceRecord[] = []
        for (let i = from; i < Math.min(count, from + BATCH); i++) records.push({ key: Buffer.from(`k${i}`), value })
        const batch = await encodeRecordBatch(records, { compression: a.compression })
        const leader = await kafka.cluster.leaderFor(topic, p)
        const r = await leader.send(Produce, (v) => ({ transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{ ...(v >= 13 ? { topicId: kafka.cluster.topicId(topic) } : { name: topic }), partitionData: [{ index: p, records: batch }] }] }))
        const code = r.responses[0].partitionResponses[0].errorCode
        if (code !== 0) throw new Error(`Produce failed: ${code}`)
      }
    }),
  )
}

/** Runs the benchmark with command-line style `args`. */
export async function run(args: string[]): Promise<void> {
  const a = parse(args)
  const topic = `bench-consume-${randomBytes(4).toString('hex')}`
  const kafka = new Kafka({ clientId: 'bench-consume', bootstrapServers: bootstrap() })
  try {
    const t0 = performance.now()
    await preProduce(kafka, topic, a)
    process.stderr.write(`pre-produced ${a.records} records (${a.size}-byte values, ${a.compression}) to ${a.partitions} partitions in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)

    const consumer = kafka.consumer({
      assignments: Array.from({ length: a.partitions }, (_, partition) => ({ topic, partition, offset: 'earliest' as const })),
      exitAtEnd: true,
    })
    let count = 0
    let bytes = 0
    const cpu0 = process.cpuUsage()
    const start = performance.now()
    for await (const batch of consumer) {
      const rs = batch.records
      for (let i = 0; i < rs.length; i++) bytes += (rs[i].key?.length ?? 0) + (rs[i].value?.length ?? 0)
      count += rs.length
    }
    const seconds = (performance.now() - start) / 1000
    const cpu = process.cpuUsage(cpu0)
    await consumer.stop()
    if (count !== a.records) throw new Error(`read ${count} of ${a.records} records`)
    const cpuUs = cpu.user + cpu.system
    console.log(`consume: ${count} records, ${a.size}-byte values, ${a.compression}, ${a.partitions} partitions (node ${process.version})`)
    console.log(`  ${Math.round(count / seconds).toLocaleString('en-US')} records/s  ${(bytes / 1e6 / seconds).toFixed(1)} MB/s  ${seconds.toFixed(2)} s`)
    console.log(`  client CPU ${(cpuUs / 1e6).toFixed(2)} s = ${(cpuUs / count).toFixed(2)} µs/record (user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s)`)
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
