// `npm test [-- tap args]`: runs tap on test/unit and test/integration against a real
// broker. The broker is, in order: $KAFKA_BOOTSTRAP (an external cluster), the running
// cluster of $KAFKATS_CLUSTER_FILE or .kafka/cluster.json, or a 1-node cluster started
// here and stopped afterwards (also on failure and on SIGINT/SIGTERM).
// Tests get KAFKATS_CLUSTER_FILE (absolute path) and KAFKA_BOOTSTRAP (PLAINTEXT list).
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { type ClusterFile, clusterFilePath, defaultClusterFilePath, tryReadClusterFile, writeClusterFile } from './kafka/cluster-file.js'
import { clusterAnswers, clusterPortsFree, startCluster, stopCluster } from './kafka/control.js'
import { clusterUsers, defaultClusterDir, repoRoot } from './kafka/layout.js'
import { isAlive } from './kafka/processes.js'

const log = (line: string): void => console.error(line)
const extraArgs = process.argv.slice(2)

// A positional argument naming an existing path (or a glob) replaces the default folders.
const isTarget = (arg: string): boolean => !arg.startsWith('-') && (existsSync(resolve(repoRoot, arg)) || /[*?[]/.test(arg))
const targets = extraArgs.filter(isTarget)

/** Test files (`*.test.ts` …) under `dir`, sorted; helpers beside them are not tests. */
function testFiles (dir: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(resolve(repoRoot, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...testFiles(path))
    else if (/\.test\.[cm]?[jt]s$/.test(entry.name)) found.push(path)
  }
  return found.sort()
}

// tap given a folder runs every script in it, helpers included: hand it the test files.
const expand = (arg: string): string[] =>
  isTarget(arg) && existsSync(resolve(repoRoot, arg)) && statSync(resolve(repoRoot, arg)).isDirectory()
    ? testFiles(arg)
    : [arg]
const defaultTargets = ['test/unit', 'test/integration'].filter(dir => existsSync(join(repoRoot, dir)))
const tapArgs = (targets.length > 0 ? extraArgs : [...defaultTargets, ...extraArgs]).flatMap(expand)
const needsBroker = targets.length === 0 ||
  targets.some(arg => !relative(repoRoot, resolve(repoRoot, arg)).startsWith(join('test', 'unit')))

/** The cluster file for an external cluster: only what KAFKA_BOOTSTRAP* variables say. */
function externalClusterFile (bootstrap: string): string {
  const dir = join(defaultClusterDir, 'external')
  const cluster: ClusterFile = {
    version: 'external',
    nodes: bootstrap.split(',').length,
    external: true,
    clusterId: null,
    dir,
    plaintext: bootstrap,
    saslPlaintext: process.env.KAFKA_BOOTSTRAP_SASL_PLAINTEXT ?? null,
    ssl: process.env.KAFKA_BOOTSTRAP_SSL ?? null,
    saslSsl: process.env.KAFKA_BOOTSTRAP_SASL_SSL ?? null,
    caFile: process.env.KAFKA_CA_FILE ?? null,
    clientCertFile: process.env.KAFKA_CLIENT_CERT_FILE ?? null,
    clientKeyFile: process.env.KAFKA_CLIENT_KEY_FILE ?? null,
    users: clusterUsers,
    ownerPid: null,
    pids: [],
    dataDirs: [],
    startCommand: [],
    brokers: []
  }
  writeClusterFile(cluster)
  return clusterFilePath(dir)
}

let startedDir: string | undefined
let stopping: Promise<unknown> | undefined

/**
 * Stops the cluster this run started, and any cluster a test file started under
 * .kafka/cluster-* and left running when its process ended (no teardown: killed by a
 * timeout, crashed). Clusters whose starting process still runs belong to someone else.
 */
function cleanUp (): Promise<unknown> {
  stopping ??= (async () => {
    if (startedDir !== undefined) await stopCluster(startedDir, { log })
    if (!existsSync(defaultClusterDir)) return
    for (const entry of readdirSync(defaultClusterDir)) {
      if (!entry.startsWith('cluster-')) continue
      const dir = join(defaultClusterDir, entry)
      const owner = tryReadClusterFile(clusterFilePath(dir))?.ownerPid
      if (owner !== undefined && owner !== null && isAlive(owner)) continue
      if (await stopCluster(dir, { quiet: true, log, graceMs: 5000 })) log(`test: stopped a cluster a test left running in ${dir}`)
    }
  })().catch(err => log(`test: cleaning up failed: ${(err as Error).message}`))
  return stopping
}

async function chooseCluster (): Promise<string> {
  const bootstrap = process.env.KAFKA_BOOTSTRAP
  const named = defaultClusterFilePath()
  const existing = tryReadClusterFile(named)
  if (bootstrap) {
    if (existing?.plaintext === bootstrap) return named
    log(`test: using the external cluster at ${bootstrap}`)
    return externalClusterFile(bootstrap)
  }
  if (existing !== undefined && await clusterAnswers(existing)) {
    log(`test: using the running cluster of ${named}`)
    return named
  }
  // 9092… may belong to a cluster of another clone (or a left-over one): take the first
  // free set. Test files that start clusters of their own choose free ports (free-ports.ts).
  let basePort = 9092
  for (const candidate of [9092, 9792, 9892, 9992]) {
    if (await clusterPortsFree(1, candidate)) { basePort = candidate; break }
  }
  if (basePort !== 9092) log(`test: ports 9092… are taken; starting the test broker on ${basePort}…`)
  const cluster = await startCluster({ nodes: 1, dir: defaultClusterDir, basePort, log, reuse: false })
  startedDir = cluster.dir
  return clusterFilePath(cluster.dir)
}

let child: ReturnType<typeof spawn> | undefined
let interrupted: NodeJS.Signals | undefined
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    interrupted = sig
    if (child !== undefined && child.exitCode === null) child.kill(sig)
    else void cleanUp().then(() => process.exit(sig === 'SIGINT' ? 130 : 143))
  })
}

let exitCode = 1
try {
  const env = { ...process.env }
  if (needsBroker) {
    const file = await chooseCluster()
    env.KAFKATS_CLUSTER_FILE = file
    env.KAFKA_BOOTSTRAP = tryReadClusterFile(file)?.plaintext ?? env.KAFKA_BOOTSTRAP
  }
  if (interrupted === undefined) {
    const tap = join(repoRoot, 'node_modules', '.bin', 'tap')
    exitCode = await new Promise<number>((resolve, reject) => {
      child = spawn(tap, tapArgs, { cwd: repoRoot, env, stdio: 'inherit' })
      child.on('error', reject)
      child.on('exit', (code, sig) => resolve(code ?? (sig === 'SIGINT' ? 130 : 1)))
    })
  }
} catch (err) {
  log(`test: ${(err as Error).message}`)
  exitCode = 1
} finally {
  await cleanUp()
}
if (interrupted !== undefined && exitCode === 0) exitCode = interrupted === 'SIGINT' ? 130 : 143
process.exit(exitCode)
