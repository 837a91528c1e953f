// The cluster file (.kafka/cluster.json): how tests find and control the local cluster.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { z } from 'zod'
import { defaultClusterDir, repoRoot } from './layout.js'

const credentials = z.object({ username: z.string(), password: z.string() })

const startCommand = z.object({
  /** Executable, e.g. `java`. */
  command: z.string(),
  args: z.array(z.string()),
  cwd: z.string(),
  /** stdout and stderr of the process are appended here. */
  logFile: z.string()
})

const brokerEntry = z.object({
  nodeId: z.number().int(),
  /** host:port of each listener */
  plaintext: z.string(),
  saslPlaintext: z.string(),
  ssl: z.string(),
  saslSsl: z.string(),
  controller: z.string(),
  /** The node's folder: server.properties, data/, logs/ */
  dir: z.string()
})

const clusterFileSchema = z.object({
  /** Apache Kafka release, e.g. "4.3.1"; "external" for a cluster given by KAFKA_BOOTSTRAP. */
  version: z.string(),
  /** Number of nodes (each a combined broker and controller in KRaft mode, a broker in ZooKeeper mode). */
  nodes: z.number().int(),
  /** True when the cluster was not started by this harness: no pids, no startCommand. */
  external: z.boolean(),
  clusterId: z.string().nullable(),
  /** The cluster's folder, holding this file. */
  dir: z.string(),
  /** Comma-separated bootstrap lists, host:port. null when unknown (external cluster). */
  plaintext: z.string(),
  saslPlaintext: z.string().nullable(),
  ssl: z.string().nullable(),
  saslSsl: z.string().nullable(),
  /** PEM files: the CA that signed the broker certificate, and a client certificate and key. */
  caFile: z.string().nullable(),
  clientCertFile: z.string().nullable(),
  clientKeyFile: z.string().nullable(),
  users: z.object({
    /** PLAIN superuser (admin) */
    plain: credentials,
    /** SCRAM-SHA-256 user (not a superuser) */
    scram256: credentials,
    /** SCRAM-SHA-512 user (not a superuser) */
    scram512: credentials,
    /** ordinary user for ACL tests, valid for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 */
    alice: credentials
  }),
  /** The process that started the cluster (a CLI start exits at once; a test file's lives on). */
  ownerPid: z.number().int().nullable().default(null),
  /** ZooKeeper mode (Kafka 2.x): its host:port and process id; null for KRaft clusters. */
  zookeeper: z.string().nullish(),
  zookeeperPid: z.number().int().nullish(),
  /** Toxiproxy mode: the proxy server (pid, API port) and each node's proxy; clients use `plaintext`, the proxies. */
  toxiproxy: z.object({
    pid: z.number().int(),
    apiPort: z.number().int(),
    proxies: z.array(z.object({ nodeId: z.number().int(), name: z.string(), listen: z.string(), upstream: z.string() }))
  }).nullish(),
  /** Process id of node i+1 (null once killed). */
  pids: z.array(z.number().int().nullable()),
  /** log.dirs of node i+1 */
  dataDirs: z.array(z.string()),
  /** How to start node i+1 again with its existing data (see control.ts startNode). */
  startCommand: z.array(startCommand),
  brokers: z.array(brokerEntry)
})

/** Contents of a cluster file. Arrays are indexed by nodeId - 1. */
export type ClusterFile = z.infer<typeof clusterFileSchema>
export type StartCommand = z.infer<typeof startCommand>
export type BrokerEntry = z.infer<typeof brokerEntry>

/** Cluster file of the cluster folder `dir`. */
export function clusterFilePath (dir: string = defaultClusterDir): string {
  return join(dir, 'cluster.json')
}

/**
 * The path tests should read: $KAFKATS_CLUSTER_FILE (relative to the repo root when
 * relative) or <repo>/.kafka/cluster.json.
 */
export function defaultClusterFilePath (): string {
  const fromEnv = process.env.KAFKATS_CLUSTER_FILE
  if (fromEnv) return isAbsolute(fromEnv) ? fromEnv : resolve(repoRoot, fromEnv)
  return clusterFilePath()
}

/**
 * Reads and validates a cluster file (default: {@link defaultClusterFilePath}).
 * Throws an Error naming the file when it is missing or malformed.
 */
export function readClusterFile (path: string = defaultClusterFilePath()): ClusterFile {
  if (!existsSync(path)) {
    throw new Error(`no cluster file at ${path}: start a broker with \`npm run kafka:start\` or run \`npm test\``)
  }
  const parsed = clusterFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  if (!parsed.success) throw new Error(`malformed cluster file ${path}: ${parsed.error.message}`)
  return parsed.data
}

/** Reads the cluster file of `dir`, or undefined when there is none or it is malformed. */
export function tryReadClusterFile (path: string): ClusterFile | undefined {
  try {
    return readClusterFile(path)
  } catch {
    return undefined
  }
}

/** Writes a cluster file atomically (validated first). */
export function writeClusterFile (cluster: ClusterFile, path: string = clusterFilePath(cluster.dir)): void {
  const checked = clusterFileSchema.parse(cluster)
  mkdirSync(dirname(path), { recursive: true })
  const partial = `${path}.${process.pid}.tmp`
  writeFileSync(partial, JSON.stringify(checked, null, 2) + '\n')
  renameSync(partial, path)
}
