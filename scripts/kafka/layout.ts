// Where a local Kafka cluster lives and which ports, users and versions it uses.
// Everything here is plain data so start/stop/test scripts and tests agree on it.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (two levels above scripts/kafka). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Apache Kafka release the harness runs by default: the one the protocol definitions come from
 * (src/protocol/definitions/KAFKA_VERSION, 4.4.0). Override with KAFKATS_KAFKA_VERSION or `--version`.
 */
export const kafkaVersion = process.env.KAFKATS_KAFKA_VERSION ??
  readFileSync(join(repoRoot, 'src', 'protocol', 'definitions', 'KAFKA_VERSION'), 'utf8').trim()

/** The older releases `npm run test:compat` runs against (besides the default). */
export const compatVersions = ['3.9.2', '2.8.2']

function majorOf (version: string): number {
  const major = Number(version.split('.')[0])
  if (!Number.isInteger(major)) throw new Error(`not a Kafka version: ${version}`)
  return major
}

/**
 * How a release runs here: 3.x and later as KRaft combined nodes (3.5+: SCRAM users are added
 * at format time), 2.x as brokers with one ZooKeeper (org.apache.zookeeper from Maven, a plain
 * java process too).
 */
export function brokerMode (version: string): 'kraft' | 'zookeeper' {
  return majorOf(version) >= 3 ? 'kraft' : 'zookeeper'
}

/** 4.x logs through log4j2 (scripts/kafka/pom.xml), older releases through reload4j (pom-reload4j.xml). */
export function loggingOf (version: string): 'log4j2' | 'reload4j' {
  return majorOf(version) >= 4 ? 'log4j2' : 'reload4j'
}

/** log4j2 version matching the release (the one kafka-server declares). */
export const log4jVersion = process.env.KAFKATS_LOG4J_VERSION ?? '2.25.4'

/** Jars cache, outside git: ~/.cache/kafkats/kafka-<version>/libs (XDG_CACHE_HOME honoured). */
export function libsDir (version: string = kafkaVersion): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache')
  return join(cache, 'kafkats', `kafka-${version}`, 'libs')
}

/** The default cluster folder, git-ignored: <repo>/.kafka */
export const defaultClusterDir = join(repoRoot, '.kafka')

/**
 * Folder of a cluster started by a test with `nodes` > 1 and no explicit dir, so it
 * never overwrites the 1-node cluster's files in .kafka/.
 */
export function testClusterDir (nodes: number): string {
  return join(defaultClusterDir, `cluster-${nodes}-nodes`)
}

/** The client and controller ports of one node. */
export interface NodePorts {
  plaintext: number
  controller: number
  saslPlaintext: number
  ssl: number
  saslSsl: number
  /** Inter-broker listener, bound only when clients reach the brokers through Toxiproxy. */
  replication: number
}

/**
 * Ports of node `nodeId` (1-based). One node: base, base+1… (9092 PLAINTEXT, 9093
 * CONTROLLER, 9094 SASL_PLAINTEXT, 9095 SSL, 9096 SASL_SSL). Several nodes: the same
 * offsets from nodeId * 10000 + base (19092…, 29092…, 39092…). In ZooKeeper mode node 1's
 * CONTROLLER port is ZooKeeper's client port (the others stay unused).
 */
export function nodePorts (nodeId: number, nodes: number, basePort = 9092): NodePorts {
  const p = nodes === 1 ? basePort : nodeId * 10000 + basePort
  return { plaintext: p, controller: p + 1, saslPlaintext: p + 2, ssl: p + 3, saslSsl: p + 4, replication: p + 5 }
}

/** Host every listener binds and advertises. */
export const host = '127.0.0.1'

export interface Credentials {
  username: string
  password: string
}

/** PLAIN users (PlainLoginModule user_<name> entries). */
export const plainUsers: Credentials[] = [
  { username: 'admin', password: 'admin-secret' },
  { username: 'alice', password: 'alice-secret' }
]

/** SCRAM users added for both SCRAM-SHA-256 and SCRAM-SHA-512 at format time. */
export const scramUsers: Credentials[] = [
  { username: 'admin', password: 'admin-secret' },
  { username: 'alice', password: 'alice-secret' },
  { username: 'scram256', password: 'scram256-secret' },
  { username: 'scram512', password: 'scram512-secret' }
]

/** The users recorded in the cluster file, by role. */
export const clusterUsers = {
  plain: { username: 'admin', password: 'admin-secret' },
  scram256: { username: 'scram256', password: 'scram256-secret' },
  scram512: { username: 'scram512', password: 'scram512-secret' },
  alice: { username: 'alice', password: 'alice-secret' }
}

/** Heap of each broker JVM. */
export const heapOptions = ['-Xms512m', '-Xmx1g']

/**
 * How long a node may take to answer after its process starts before the start fails, ms
 * (KAFKATS_START_TIMEOUT_MS). Measured: about 5 s for 1 node and 20 s for 3 on an idle
 * 2-core machine, over 70 s for 3 when the machine is heavily loaded.
 */
export const startTimeoutMs = Number(process.env.KAFKATS_START_TIMEOUT_MS ?? 120_000)

/** How long stop waits after SIGTERM before SIGKILL, ms. */
export const stopGraceMs = 15_000
