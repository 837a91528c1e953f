// What every chaos scenario shares: a 3-node cluster, a Toxiproxy proxy in front of each
// node's PLAINTEXT listener, Kafka clients whose every connection goes through those proxies
// (socketFactory), bounded producing with tracking, and reading a topic back to check it.
import net from 'node:net'
import type { ClusterFile } from '../kafka/cluster-file.js'
import { Kafka } from '../../src/client.js'
import type { KafkaOptions } from '../../src/options.js'
import type { Producer } from '../../src/producer/producer.js'
import type { RecordMetadata } from '../../src/producer/producer-record.js'
import { Toxiproxy } from '../kafka/toxiproxy.js'

export type Log = (line: string) => void

/** One scenario's outcome: its figures and whether its checks held. */
export interface ScenarioResult {
  name: string
  ok: boolean
  /** What was checked and what was found, one line each. */
  checks: string[]
  /** Figures for the report (records, lost, duplicated, seconds…). */
  figures: Record<string, number | string>
}

export interface ChaosContext {
  cluster: ClusterFile
  toxiproxy: Toxiproxy
  /** Toxiproxy proxy name of each node id. */
  proxyOf: Map<number, string>
  quick: boolean
  log: Log
  /** A Kafka whose every connection goes through the node proxies. */
  newKafka: (options?: Partial<KafkaOptions>) => Kafka
}

/** Proxies for every node of `cluster`, and a socketFactory that sends each connection to them. */
export async function proxyCluster (cluster: ClusterFile, toxiproxy: Toxiproxy): Promise<{ proxyOf: Map<number, string>, socketFactory: NonNullable<KafkaOptions['socketFactory']> }> {
  const proxyOf = new Map<number, string>()
  const portOf = new Map<string, number>()
  for (const b of cluster.brokers) {
    const name = `node-${b.nodeId}`
    const port = await toxiproxy.createProxy(name, b.plaintext)
    proxyOf.set(b.nodeId, name)
    portOf.set(b.plaintext, port)
  }
  const socketFactory = ({ host, port }: { host: string, port: number }): net.Socket => {
    const proxied = portOf.get(`${host}:${port}`)
    if (proxied === undefined) throw new Error(`no proxy for ${host}:${port}`)
    return net.connect(proxied, '127.0.0.1')
  }
  return { proxyOf, socketFactory }
}

export const quietLogger = { debug () {}, info () {}, warn () {}, error () {} }

/** Creates a topic and waits until every partition has a leader in the client's metadata. */
export async function createTopic (kafka: Kafka, name: string, partitions: number, replicationFactor: number, configs: Record<string, string> = {}): Promise<void> {
  const admin = kafka.admin()
  try {
    const [r] = await admin.createTopics([{ name, partitions, replicationFactor, configs }])
    if (r.errorCode !== 0) throw new Error(`createTopics ${name}: ${r.errorName ?? r.errorCode}`)
  } finally {
    await admin.close()
  }
  for (let i = 0; i < 300; i++) {
    const m = (await kafka.cluster.metadata([name], { force: true })).get(name)
    if (m !== undefined && m.errorCode === 0 && m.partitions.length === partitions && m.partitions.every(p => p !== undefined && p.leader >= 0)) return
    await sleep(100)
  }
  throw new Error(`topic ${name} has no leaders`)
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Records produced by {@link produceTracked}: value `i` (decimal), key `k<i mod 997>`. */
export interface Produced {
  /** Partition and offset of record i, once acknowledged. */
  metas: Array<RecordMetadata | undefined>
  /** Records whose send rejected, with the first error message. */
  failed: number
  firstError: string | null
}

/**
 * Sends `total` records in chunks of `chunk` with at most `window` chunks in flight, calling
 * `between(sentSoFar)` after each chunk is handed over. Stops early when `stopAt` (ms since
 * epoch) passes or `stopWhen(sentSoFar)` says so. Every send settles before it returns.
 */
export async function produceTracked (producer: Producer, topic: string, total: number, options: { chunk?: number, window?: number, between?: (sent: number) => Promise<void> | void, stopAt?: number, stopWhen?: (sent: number) => boolean } = {}): Promise<Produced> {
  const chunk = options.chunk ?? 2000
  const window = options.window ?? 4
  const out: Produced = { metas: new Array(total), failed: 0, firstError: null }
  const inFlight: Array<Promise<void>> = []
  let sent = 0
  for (let start = 0; start < total; start += chunk) {
    if (options.stopAt !== undefined && Date.now() > options.stopAt) break
    if (options.stopWhen?.(start) === true) break
    const n = Math.min(chunk, total - start)
    const records = Array.from({ length: n }, (_, j) => ({ topic, key: `k${(start + j) % 997}`, value: String(start + j) }))
    inFlight.push(producer.sendBatch(records).then(m => {
      for (let j = 0; j < m.length; j++) out.metas[start + j] = m[j]
    }, (err: unknown) => {
      out.failed += n
      out.firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    }))
    sent = start + n
    if (inFlight.length >= window) await inFlight.shift()
    await options.between?.(sent)
  }
  await Promise.all(inFlight)
  out.metas.length = sent
  return out
}

/**
 * Reads partitions of `topic` from the earliest offset to the current end (the last stable
 * offset under read_committed): values per partition.
 */
export async function readBack (kafka: Kafka, topic: string, partitions: number, isolationLevel: 'read_uncommitted' | 'read_committed' = 'read_uncommitted'): Promise<string[][]> {
  const out: string[][] = Array.from({ length: partitions }, () => [])
  const reader = kafka.consumer({
    assignments: Array.from({ length: partitions }, (_, p) => ({ topic, partition: p, offset: 'earliest' as const })),
    exitAtEnd: true,
    isolationLevel
  })
  try {
    for await (const batch of reader) {
      for (const r of batch.records) out[r.partition].push(r.value?.toString() ?? '')
    }
  } finally {
    await reader.stop()
  }
  return out
}

/** Lost, duplicated and out-of-order counts of acknowledged records against what was read. */
export function verify (produced: Produced, read: string[][]): { acknowledged: number, lost: number, duplicated: number, outOfOrder: number } {
  const expected: number[][] = read.map(() => [])
  let acknowledged = 0
  for (let i = 0; i < produced.metas.length; i++) {
    const m = produced.metas[i]
    if (m === undefined) continue
    acknowledged++
    expected[m.partition].push(i)
  }
  let lost = 0
  let duplicated = 0
  let outOfOrder = 0
  for (let p = 0; p < read.length; p++) {
    const seen = new Map<number, number>()
    let last = -1
    for (const v of read[p]) {
      const i = Number(v)
      seen.set(i, (seen.get(i) ?? 0) + 1)
      if (i < last) outOfOrder++
      last = Math.max(last, i)
    }
    for (const i of expected[p]) if (!seen.has(i)) lost++
    for (const n of seen.values()) if (n > 1) duplicated += n - 1
  }
  return { acknowledged, lost, duplicated, outOfOrder }
}

/** A check line and its outcome. */
export function check (checks: string[], ok: boolean, what: string): boolean {
  checks.push(`${ok ? 'ok' : 'FAILED'}: ${what}`)
  return ok
}

/** The node leading `partition` of `topic`, from fresh metadata. */
export async function leaderOf (kafka: Kafka, topic: string, partition: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const m = (await kafka.cluster.metadata([topic], { force: true })).get(topic)
    const leader = m?.partitions[partition]?.leader ?? -1
    if (leader >= 0) return leader
    await sleep(200)
  }
  throw new Error(`no leader for ${topic}-${partition}`)
}

/** A partition consumer reading `partitions` of `topic` from the earliest offset while a scenario runs. */
export interface LiveConsumer {
  /** Distinct record values seen so far. */
  readonly consumed: Set<string>
  /** Waits (at most 120 s) until `count` distinct records were seen, then stops reading. */
  finish: (count: number) => Promise<void>
}

export function liveConsumer (kafka: Kafka, topic: string, partitions: number): LiveConsumer {
  const consumed = new Set<string>()
  const consumer = kafka.consumer({ assignments: Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 'earliest' as const })) })
  let consuming = true
  const reading = (async () => {
    while (consuming) {
      const ev = await consumer.poll(500)
      if (ev.type === 'records') for (const r of ev.records) consumed.add(r.value?.toString() ?? '')
    }
  })()
  return {
    consumed,
    finish: async (count) => {
      const until = Date.now() + 120_000
      while (Date.now() < until && consumed.size < count) await sleep(200)
      consuming = false
      await reading
      await consumer.stop()
    }
  }
}
