// The broker under test: its address, its Kafka version, and the topics each run gets.
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultClusterFilePath, readClusterFile } from '../../scripts/kafka/cluster-file.js'
import { kafkaVersion } from '../../scripts/kafka/layout.js'
import { exec } from './exec.js'
import { peersDir } from './paths.js'

export interface BrokerTarget {
  /** PLAINTEXT bootstrap list, host:port,… */
  bootstrap: string
  /** Apache Kafka release of the broker (for the Java tools of the same version). */
  version: string
}

/** KAFKA_BOOTSTRAP, else the cluster file (KAFKATS_CLUSTER_FILE, default .kafka/cluster.json). */
export function brokerTarget (): BrokerTarget {
  const file = process.env.KAFKATS_CLUSTER_FILE ?? defaultClusterFilePath()
  const cluster = existsSync(file) ? readClusterFile(file) : undefined
  const bootstrap = process.env.KAFKA_BOOTSTRAP ?? cluster?.plaintext
  if (bootstrap === undefined) {
    throw new Error(`no broker: ${file} does not exist and KAFKA_BOOTSTRAP is not set (start one: node --import tsx scripts/kafka/start.ts)`)
  }
  const version = cluster !== undefined && cluster.version !== 'external' ? cluster.version : kafkaVersion
  return { bootstrap, version }
}

/** Resolves when the first bootstrap address accepts a TCP connection within 3 s. */
export function probe (bootstrap: string): Promise<void> {
  const first = bootstrap.split(',')[0].trim()
  const i = first.lastIndexOf(':')
  const host = first.slice(0, i)
  const port = Number(first.slice(i + 1))
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 3000 })
    socket.once('connect', () => { socket.destroy(); resolve() })
    socket.once('timeout', () => { socket.destroy(); reject(new Error(`broker ${first} did not answer in 3 s`)) })
    socket.once('error', err => reject(new Error(`broker ${first} is not reachable (${err.message}); start one: node --import tsx scripts/kafka/start.ts`)))
  })
}

/** A topic or group name no other run uses. */
export function uniqueName (prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
}

interface KafkaJsAdmin {
  connect(): Promise<void>
  disconnect(): Promise<void>
  createTopics(o: { topics: Array<{ topic: string, numPartitions: number, replicationFactor: number }>, waitForLeaders: boolean }): Promise<boolean>
  deleteTopics(o: { topics: string[] }): Promise<void>
  fetchTopicOffsets(topic: string): Promise<Array<{ partition: number, high: string }>>
}

interface KafkaJsModule {
  Kafka: new (o: { clientId: string, brokers: string[], logLevel: number }) => { admin(): KafkaJsAdmin }
}

/**
 * Topic administration through the KafkaJS admin client from bench/peers (installed
 * before this is used): it works whatever state kafkats' own admin is in. Each operation
 * uses a new admin client, because KafkaJS keeps asking for the metadata of topics it once
 * saw and fails its metadata refresh once they are deleted.
 */
export class Topics {
  constructor (private readonly bootstrap: string) {}

  private async withAdmin<T> (fn: (admin: KafkaJsAdmin) => Promise<T>): Promise<T> {
    const require = createRequire(join(peersDir, 'package.json'))
    const kafkajs = require('kafkajs') as KafkaJsModule
    const admin = new kafkajs.Kafka({ clientId: 'bench-admin', brokers: this.bootstrap.split(','), logLevel: 0 }).admin()
    await admin.connect()
    try {
      return await fn(admin)
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }

  /**
   * Creates `topic` with `partitions` partitions (replication factor 1) and waits up to 30 s
   * until every partition's leader answers ListOffsets, so the client's first request finds a
   * ready topic (on a loaded broker that can take seconds after CreateTopics returns).
   */
  async create (topic: string, partitions: number): Promise<void> {
    await this.withAdmin(admin => admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: false }))
    const deadline = Date.now() + 30_000
    for (;;) {
      try {
        await this.records(topic)
        return
      } catch (err) {
        if (Date.now() > deadline) throw err
        await new Promise(resolve => setTimeout(resolve, 500))
      }
    }
  }

  async delete (topic: string): Promise<void> {
    await this.withAdmin(admin => admin.deleteTopics({ topics: [topic] }))
  }

  /** Sum of the partitions' high watermarks. */
  async records (topic: string): Promise<number> {
    const offsets = await this.withAdmin(admin => admin.fetchTopicOffsets(topic))
    return offsets.reduce((sum, p) => sum + Number(p.high), 0)
  }

  /** Nothing stays open between operations; kept so callers need not know. */
  async close (): Promise<void> {}
}

/**
 * Fills `topic` for a consume scenario with `records` records of the scenario's key and value
 * (random letters when it has no fixed value), written by kcat (librdkafka) from a file:
 * 'per-partition' writes records/partitions to each partition; 'spread' writes keyless
 * records once and lets the partitioner place each one (random, not sticky). Checks the total.
 */
export async function preProduce (topics: Topics, bootstrap: string, topic: string,
  s: { partitions: number, records: number, key: string | null, value: string | null, valueSize: number }, fill: 'per-partition' | 'spread'): Promise<void> {
  const value = s.value ?? letters(s.valueSize)
  const line = s.key === null ? `${value}\n` : `${s.key}\t${value}\n`
  const keyArgs = s.key === null ? [] : ['-K', '\t']
  const settings = ['-X', 'linger.ms=5', '-X', 'batch.size=1048576', '-X', 'acks=1', '-X', 'queue.buffering.max.messages=2000000',
    '-X', 'queue.buffering.max.kbytes=1048576', '-X', 'sticky.partitioning.linger.ms=0']
  const dir = mkdtempSync(join(tmpdir(), 'kafkats-bench-fill-'))
  const file = join(dir, 'records.txt')
  try {
    if (fill === 'spread') {
      writeLines(file, line, s.records)
      await exec('kcat', ['-P', '-b', bootstrap, '-t', topic, ...keyArgs, '-l', file, ...settings], { timeoutMs: 600_000 })
    } else {
      const perPartition = s.records / s.partitions
      writeLines(file, line, perPartition)
      for (let p = 0; p < s.partitions; p++) {
        await exec('kcat', ['-P', '-b', bootstrap, '-t', topic, '-p', String(p), ...keyArgs, '-l', file, ...settings], { timeoutMs: 600_000 })
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  // Right after many partitions were written, a metadata answer can still be stale
  // (NOT_LEADER_OR_FOLLOWER): ask again for up to 30 s.
  const deadline = Date.now() + 30_000
  for (;;) {
    const total = await topics.records(topic).catch((err: Error) => { if (Date.now() > deadline) throw err; return NaN })
    if (total === s.records) return
    if (Date.now() > deadline) throw new Error(`pre-produce wrote ${total} records to ${topic}, expected ${s.records}`)
    await new Promise(resolve => setTimeout(resolve, 500))
  }
}

/** `count` copies of `line` into `file`, written in chunks (1 GiB does not fit in one string). */
function writeLines (file: string, line: string, count: number): void {
  const perChunk = Math.max(1, Math.floor(8 * 1048576 / line.length))
  const chunk = Buffer.from(line.repeat(Math.min(perChunk, count)))
  const fd = openSync(file, 'w')
  try {
    for (let left = count; left > 0;) {
      const n = Math.min(perChunk, left)
      writeSync(fd, n === perChunk || n === count ? chunk : chunk.subarray(0, n * Buffer.byteLength(line)))
      left -= n
    }
  } finally {
    closeSync(fd)
  }
}

/** `size` random letters A–Z (the consume scenarios' 1 KiB and 100-byte values). */
function letters (size: number): string {
  let out = ''
  for (let i = 0; i < size; i++) out += String.fromCharCode(65 + Math.floor(Math.random() * 26))
  return out
}
