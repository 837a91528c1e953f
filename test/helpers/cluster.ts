/**
 * How integration tests find the real broker: the cluster file named by KAFKATS_CLUSTER_FILE
 * (default .kafka/cluster.json, written by scripts/kafka/start.ts), or KAFKA_BOOTSTRAP.
 */
import { randomBytes } from 'node:crypto'
import { appendFileSync, readFileSync } from 'node:fs'
import { defaultClusterFilePath, readClusterFile, type ClusterFile } from '../../scripts/kafka/cluster-file.js'
import { Kafka } from '../../src/client.js'
import type { Logger } from '../../src/logger.js'
import type { KafkaOptions } from '../../src/options.js'

let cached: ClusterFile | undefined

/** The parsed cluster file of the broker under test. */
export function clusterFile(): ClusterFile {
  cached ??= readClusterFile(process.env.KAFKATS_CLUSTER_FILE ?? defaultClusterFilePath())
  return cached
}

/**
 * Whether the broker under test is Apache Kafka `version` (e.g. '3.0') or newer, from the cluster
 * file; an external cluster (`version: 'external'`) counts as current. For tests that also run against
 * older releases (`npm run test:compat`).
 */
export function brokerAtLeast(version: string): boolean {
  const cf = clusterFile()
  if (cf.external) return true
  const have = cf.version.split('.').map(Number)
  const want = version.split('.').map(Number)
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i]
  }
  return true
}

/** The PLAINTEXT bootstrap list (`host:port,…`). */
export function bootstrap(): string {
  return process.env.KAFKA_BOOTSTRAP ?? clusterFile().plaintext
}

/** The CA certificate (PEM) that signed the broker certificates. */
export function caPem(): Buffer {
  const f = clusterFile().caFile
  if (f === null) throw new Error('the cluster file names no CA')
  return readFileSync(f)
}

/** A topic name no other test run uses. */
export function uniqueTopic(prefix = 'test'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
}

/** A logger that hands each line to `write` as timestamped JSON (bigints as strings). */
export function lineLogger(write: (line: string) => void): Logger {
  const line = (level: string) => (obj: object, msg: string): void =>
    write(JSON.stringify({ t: new Date().toISOString(), pid: process.pid, level, msg, ...obj }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }
}

/**
 * The tests' logger: silent, unless KAFKATS_TEST_LOG names a file, which then gets every line,
 * with the debug categories in KAFKATS_TEST_DEBUG (e.g. `gateway,consumer`). For diagnosing a
 * failure, never for asserting.
 */
function testLogging(): Pick<KafkaOptions, 'logger' | 'debug'> {
  const file = process.env.KAFKATS_TEST_LOG
  if (file === undefined || file === '') return { logger: { debug() {}, info() {}, warn() {}, error() {} } }
  return { logger: lineLogger((l) => appendFileSync(file, `${l}\n`)), debug: process.env.KAFKATS_TEST_DEBUG ?? '' }
}

/** A Kafka client on the PLAINTEXT listener; quiet unless a test asks otherwise (or KAFKATS_TEST_LOG is set). */
export function newKafka(options: Partial<KafkaOptions> = {}): Kafka {
  return new Kafka({
    clientId: 'kafkats-test',
    bootstrapServers: bootstrap(),
    ...testLogging(),
    ...options,
  })
}

/** A Kafka client on the SASL_PLAINTEXT listener authenticating with `sasl`. */
export function newSaslKafka(sasl: NonNullable<KafkaOptions['sasl']>, options: Partial<KafkaOptions> = {}): Kafka {
  const address = clusterFile().saslPlaintext
  if (address === null) throw new Error('the cluster file names no SASL_PLAINTEXT listener')
  return newKafka({ bootstrapServers: address, sasl, ...options })
}

/** Polls `check` every `intervalMs` until it returns true; throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
