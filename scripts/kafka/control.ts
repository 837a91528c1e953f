// Starts, stops, kills and restarts local Apache Kafka clusters (KRaft, combined
// broker+controller nodes) as detached java processes. See docs/local-kafka.md.
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { randomBytes } from 'node:crypto'
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import {
  type ClusterFile, type StartCommand, clusterFilePath, defaultClusterFilePath, tryReadClusterFile, writeClusterFile
} from './cluster-file.js'
import { ensureKafkaLibs } from './jars.js'
import {
  brokerMode, clusterUsers, defaultClusterDir, heapOptions, host, kafkaVersion, loggingOf, nodePorts, repoRoot, scramUsers,
  startTimeoutMs, stopGraceMs, testClusterDir
} from './layout.js'
import { nodeAnswers } from './probe.js'
import { findBrokers, findZooKeepers, isAlive, isBroker, isZooKeeper, signal, waitForExit } from './processes.js'
import { serverProperties, zookeeperProperties } from './server-properties.js'
import { ensureTls, tlsFiles } from './tls.js'
import { stopToxiproxyPid, Toxiproxy } from './toxiproxy.js'
import { withClusterLock } from './lock.js'

export type { ClusterFile } from './cluster-file.js'

type Log = (line: string) => void
const defaultLog: Log = line => console.error(line)
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export interface StartClusterOptions {
  /** Number of nodes, each a combined broker and controller. Default 1. */
  nodes?: number
  /**
   * Cluster folder. Default: <repo>/.kafka for 1 node on the default ports,
   * <repo>/.kafka/cluster-<n>-nodes[-<basePort>] otherwise, so a test's cluster never
   * overwrites the files of the one `npm test` runs on.
   */
  dir?: string
  /** PLAINTEXT port of a 1-node cluster; node N of a larger one gets N*10000 + basePort. Default 9092. */
  basePort?: number
  /** Keep the data folders (and cluster id) of a previous run instead of formatting afresh. */
  keepData?: boolean
  /**
   * Put a Toxiproxy proxy in front of every node's PLAINTEXT listener and advertise the proxies,
   * so clients reach brokers only through them (fault tests); brokers replicate directly.
   */
  toxiproxy?: boolean
  /** Return a cluster that already runs in `dir` with the same shape and answers. Default true. */
  reuse?: boolean
  /** Apache Kafka release: 4.x and 3.x run as KRaft, 2.x with ZooKeeper. Default: layout's kafkaVersion. */
  version?: string
  /**
   * More properties of each node's server.properties (after the harness's own, so they override
   * them), e.g. `{ 'broker.rack': `r${nodeId}` }`. A cluster started with any is never reused.
   */
  brokerProperties?: (nodeId: number) => Record<string, string | number | boolean>
  log?: Log
}

/** A cluster folder given directly, through its cluster file path, or through a read cluster file. */
export type ClusterTarget = ClusterFile | string | undefined

function targetDir (target: ClusterTarget): string {
  if (target === undefined) return dirname(defaultClusterFilePath())
  if (typeof target !== 'string') return target.dir
  const path = resolve(repoRoot, target)
  return path.endsWith('.json') ? dirname(path) : path
}

function nodeDir (dir: string, nodeId: number): string {
  return join(dir, `node-${nodeId}`)
}

function propertiesFile (dir: string, nodeId: number): string {
  return join(nodeDir(dir, nodeId), 'server.properties')
}

function zookeeperDir (dir: string): string {
  return join(dir, 'zookeeper')
}

function zookeeperPropertiesFile (dir: string): string {
  return join(zookeeperDir(dir), 'zookeeper.properties')
}

/** The JVM flag pointing a release's logging at its config file. */
function loggingFlag (version: string, configFile: string): string {
  return loggingOf(version) === 'log4j2' ? `-Dlog4j2.configurationFile=${configFile}` : `-Dlog4j.configuration=file:${configFile}`
}

function portAnswers (port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect({ host, port })
    socket.setTimeout(1000)
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => { socket.destroy(); resolve(false) })
  })
}

/** Kafka's Uuid text form: 16 random bytes, base64url, never starting with '-'. */
function randomClusterId (): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

function tail (file: string, lines = 40): string {
  if (!existsSync(file)) return `(no ${file})`
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
}

/** The last lines of a node's stdout.log and server.log, for error messages. */
export function nodeLogTail (cluster: ClusterFile, nodeId: number, lines = 30): string {
  const logs = join(nodeDir(cluster.dir, nodeId), 'logs')
  return `--- ${join(logs, 'stdout.log')}\n${tail(join(logs, 'stdout.log'), lines)}\n` +
    `--- ${join(logs, 'server.log')}\n${tail(join(logs, 'server.log'), lines)}`
}

function portFree (port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** The first port of a cluster of this shape that something already listens on, if any. */
async function busyPort (nodes: number, basePort: number): Promise<{ nodeId: number, name: string, port: number } | undefined> {
  for (let nodeId = 1; nodeId <= nodes; nodeId++) {
    for (const [name, port] of Object.entries(nodePorts(nodeId, nodes, basePort))) {
      if (!await portFree(port)) return { nodeId, name, port }
    }
  }
  return undefined
}

/** True when every port a cluster of `nodes` nodes on `basePort` needs is free on 127.0.0.1. */
export async function clusterPortsFree (nodes: number, basePort: number): Promise<boolean> {
  return await busyPort(nodes, basePort) === undefined
}

function run (command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.on('error', err => reject(new Error(`cannot run ${command}: ${err.message}`)))
    child.on('exit', code => code === 0
      ? resolve()
      : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`)))
  })
}

function clusterPidsFile (dir: string): string {
  return join(dir, 'pids.json')
}

function saveCluster (cluster: ClusterFile): void {
  writeClusterFile(cluster)
  writeFileSync(clusterPidsFile(cluster.dir), JSON.stringify(cluster.pids) + '\n')
}

/** Spawns one node detached (it outlives this process); returns its pid. */
function spawnNode (command: StartCommand): number {
  mkdirSync(dirname(command.logFile), { recursive: true })
  const out = openSync(command.logFile, 'a')
  try {
    const child = spawn(command.command, command.args, {
      cwd: command.cwd, detached: true, stdio: ['ignore', out, out]
    })
    child.on('error', () => { /* reported as an exit by the readiness wait */ })
    child.unref()
    if (child.pid === undefined) throw new Error(`cannot start ${command.command}: is java on PATH?`)
    return child.pid
  } finally {
    closeSync(out)
  }
}

/**
 * Waits until every listed node answers ApiVersions and its Metadata lists all
 * `cluster.nodes` brokers. Throws with the log tail when a process exits or `timeoutMs` passes.
 */
async function waitUntilAnswering (cluster: ClusterFile, nodeIds: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const pending = new Set(nodeIds)
  while (pending.size > 0) {
    for (const nodeId of [...pending]) {
      const pid = cluster.pids[nodeId - 1]
      if (pid === null || !isAlive(pid)) {
        throw new Error(`kafka node ${nodeId} exited during start\n${nodeLogTail(cluster, nodeId)}`)
      }
      const port = nodePortsOf(cluster, nodeId).plaintext
      if (await nodeAnswers(host, port, cluster.nodes)) pending.delete(nodeId)
    }
    if (pending.size === 0) break
    if (Date.now() > deadline) {
      const nodeId = [...pending][0]
      throw new Error(`kafka node ${nodeId} did not answer within ${timeoutMs} ms\n${nodeLogTail(cluster, nodeId)}`)
    }
    await sleep(500)
  }
}

function nodePortsOf (cluster: ClusterFile, nodeId: number): { plaintext: number } {
  const entry = cluster.brokers[nodeId - 1]
  return { plaintext: Number(entry.plaintext.split(':')[1]) }
}

/**
 * True when every node of `cluster` runs (its recorded pid is a live kafka.Kafka) and
 * answers with Metadata listing all nodes. External clusters: only the answer counts.
 */
export async function clusterAnswers (cluster: ClusterFile): Promise<boolean> {
  if (cluster.external) {
    const [hostName, port] = cluster.plaintext.split(',')[0].split(':')
    return nodeAnswers(hostName, Number(port), 1)
  }
  for (let nodeId = 1; nodeId <= cluster.nodes; nodeId++) {
    const pid = cluster.pids[nodeId - 1]
    if (pid === null || !isBroker(pid, propertiesFile(cluster.dir, nodeId))) return false
    if (!await nodeAnswers(host, nodePortsOf(cluster, nodeId).plaintext, cluster.nodes)) return false
  }
  return true
}

/**
 * Starts a cluster of `nodes` combined broker+controller nodes and resolves once every
 * node answers Metadata listing all of them; writes <dir>/cluster.json and pids.json.
 * Fetches the jars with mvn on first use. Rejects (after killing what it started) when
 * a port is taken, a process exits during start, or a node does not answer in 120 s (KAFKATS_START_TIMEOUT_MS).
 */
export async function startCluster (options: StartClusterOptions = {}): Promise<ClusterFile> {
  const nodes = options.nodes ?? 1
  const basePort = options.basePort ?? 9092
  const dir = options.dir !== undefined
    ? resolve(repoRoot, options.dir)
    : nodes === 1 && basePort === 9092
      ? defaultClusterDir
      : testClusterDir(nodes) + (basePort === 9092 ? '' : `-${basePort}`)
  return withClusterLock(dir, () => startLocked(dir, options))
}

async function startLocked (dir: string, options: StartClusterOptions): Promise<ClusterFile> {
  const nodes = options.nodes ?? 1
  const basePort = options.basePort ?? 9092
  const log = options.log ?? defaultLog
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) throw new Error(`nodes must be 1..9, got ${nodes}`)

  const previous = tryReadClusterFile(clusterFilePath(dir))
  if (previous !== undefined && !previous.external) {
    const sameShape = previous.nodes === nodes && previous.brokers[0]?.plaintext === `${host}:${nodePorts(1, nodes, basePort).plaintext}`
    if ((options.reuse ?? true) && options.brokerProperties === undefined && sameShape && (previous.toxiproxy != null) === (options.toxiproxy === true) && previous.version === (options.version ?? kafkaVersion) && await clusterAnswers(previous)) {
      log(`kafka: the ${nodes}-node cluster in ${dir} already runs and answers; leaving it as it is`)
      return previous
    }
  }
  // Whatever ran here before (other shape, half dead, stale pids) goes.
  await stopLocked(dir, { log, quiet: true })

  const busy = await busyPort(nodes, basePort)
  if (busy !== undefined) {
    throw new Error(`port ${busy.port} (${busy.name} of node ${busy.nodeId}) on ${host} is in use: stop what listens ` +
      'there (`npm run kafka:stop` for the repo\'s own cluster) or choose other ports with --base-port')
  }

  const version = options.version ?? kafkaVersion
  const zookeeper = brokerMode(version) === 'zookeeper'
  const libs = await ensureKafkaLibs(version, log)
  mkdirSync(dir, { recursive: true })
  const tls = ensureTls(join(dir, 'tls'))
  const logConfigName = loggingOf(version) === 'log4j2' ? 'log4j2.properties' : 'log4j.properties'
  const log4jConfig = join(dir, logConfigName)
  copyFileSync(join(repoRoot, 'scripts', 'kafka', logConfigName), log4jConfig)

  const keep = options.keepData === true && Array.from({ length: nodes }, (_, i) => i + 1).every(nodeId =>
    existsSync(join(nodeDir(dir, nodeId), 'data', 'meta.properties')) && sameVoters(dir, nodeId, nodes, basePort))
  if (options.keepData === true && !keep) log('kafka: no data of a cluster of this shape to keep; formatting afresh')
  // ZooKeeper mode: the broker makes the cluster id; read back from meta.properties once it runs.
  const clusterId = keep || zookeeper ? (keep ? readClusterId(join(nodeDir(dir, 1), 'data')) : '') : randomClusterId()
  const classpath = join(libs, '*')

  if (!keep) {
    // Node folders of an earlier, bigger cluster would only mislead.
    for (const entry of readdirSync(dir)) if (/^node-\d+$/.test(entry)) rmSync(join(dir, entry), { recursive: true, force: true })
    rmSync(zookeeperDir(dir), { recursive: true, force: true })
  }
  // Toxiproxy mode: proxies first, so each node's server.properties can advertise its proxy.
  const proxiedPort = new Map<number, number>()
  let toxiproxy: ClusterFile['toxiproxy'] = null
  if (options.toxiproxy === true) {
    const server = await Toxiproxy.start(log, { detached: true })
    toxiproxy = { pid: server.pid ?? -1, apiPort: server.apiPort, proxies: [] }
    for (let nodeId = 1; nodeId <= nodes; nodeId++) {
      const upstream = `${host}:${nodePorts(nodeId, nodes, basePort).plaintext}`
      const name = `node-${nodeId}`
      const port = await server.createProxy(name, upstream)
      proxiedPort.set(nodeId, port)
      toxiproxy.proxies.push({ nodeId, name, listen: `${host}:${port}`, upstream })
    }
    log(`kafka: toxiproxy (pid ${toxiproxy.pid}, API 127.0.0.1:${toxiproxy.apiPort}) in front of every node`)
  }
  const cluster: ClusterFile = {
    version,
    nodes,
    external: false,
    clusterId,
    dir,
    plaintext: '',
    saslPlaintext: '',
    ssl: '',
    saslSsl: '',
    caFile: tls.caFile,
    clientCertFile: tls.clientCertFile,
    clientKeyFile: tls.clientKeyFile,
    users: clusterUsers,
    zookeeper: zookeeper ? `${host}:${nodePorts(1, nodes, basePort).controller}` : null,
    zookeeperPid: null,
    toxiproxy,
    ownerPid: process.pid,
    pids: [],
    dataDirs: [],
    startCommand: [],
    brokers: []
  }
  for (let nodeId = 1; nodeId <= nodes; nodeId++) {
    const ndir = nodeDir(dir, nodeId)
    const dataDir = join(ndir, 'data')
    if (!keep) rmSync(ndir, { recursive: true, force: true })
    mkdirSync(join(ndir, 'logs'), { recursive: true })
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(propertiesFile(dir, nodeId), serverProperties({ nodeId, nodes, basePort, dataDir, tls, version, proxiedPlaintextPort: proxiedPort.get(nodeId), extra: options.brokerProperties?.(nodeId) }))
    const p = nodePorts(nodeId, nodes, basePort)
    cluster.brokers.push({
      nodeId,
      plaintext: `${host}:${p.plaintext}`,
      saslPlaintext: `${host}:${p.saslPlaintext}`,
      ssl: `${host}:${p.ssl}`,
      saslSsl: `${host}:${p.saslSsl}`,
      controller: `${host}:${p.controller}`,
      dir: ndir
    })
    cluster.dataDirs.push(dataDir)
    cluster.startCommand.push({
      command: 'java',
      args: [
        ...heapOptions,
        '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExitOnOutOfMemoryError',
        '-Djava.awt.headless=true',
        loggingFlag(version, log4jConfig),
        `-Dkafka.logs.dir=${join(ndir, 'logs')}`,
        '-cp', classpath,
        'kafka.Kafka', propertiesFile(dir, nodeId)
      ],
      cwd: ndir,
      logFile: join(ndir, 'logs', 'stdout.log')
    })
  }
  const list = (key: 'plaintext' | 'saslPlaintext' | 'ssl' | 'saslSsl'): string =>
    cluster.brokers.map(b => b[key]).join(',')
  // Clients bootstrap through the proxies in toxiproxy mode; `brokers[].plaintext` stays the node's own.
  cluster.plaintext = toxiproxy === null ? list('plaintext') : toxiproxy.proxies.map(p => p.listen).join(',')
  cluster.saslPlaintext = list('saslPlaintext')
  cluster.ssl = list('ssl')
  cluster.saslSsl = list('saslSsl')

  if (zookeeper) {
    await startZooKeeper(cluster, libs, log4jConfig, keep, log)
  } else if (!keep) {
    log(`kafka: formatting ${nodes} node(s), cluster id ${clusterId}`)
    const scram = scramUsers.flatMap(u => ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap(mechanism =>
      ['--add-scram', `${mechanism}=[name=${u.username},password=${u.password}]`]))
    await Promise.all(Array.from({ length: nodes }, (_, i) => run('java', [
      '-Xmx256m', loggingFlag(version, log4jConfig), `-Dkafka.logs.dir=${join(nodeDir(dir, i + 1), 'logs')}`,
      '-cp', classpath, 'kafka.tools.StorageTool', 'format',
      '-t', clusterId, '-c', propertiesFile(dir, i + 1), ...scram
    ], nodeDir(dir, i + 1))))
  }

  // All nodes at once: a node's broker waits for a controller quorum (a majority of voters).
  log(`kafka: starting ${nodes} node(s) of Apache Kafka ${version}${zookeeper ? ' (ZooKeeper mode)' : ''} in ${dir}`)
  for (let nodeId = 1; nodeId <= nodes; nodeId++) cluster.pids.push(spawnNode(cluster.startCommand[nodeId - 1]))
  saveCluster(cluster)
  try {
    await waitUntilAnswering(cluster, cluster.brokers.map(b => b.nodeId), startTimeoutMs)
  } catch (err) {
    await stopLocked(dir, { log, quiet: true, graceMs: 0 })
    throw err
  }
  if (zookeeper && cluster.clusterId === '') {
    cluster.clusterId = readClusterId(cluster.dataDirs[0])
    saveCluster(cluster)
  }
  log(`kafka: ready: PLAINTEXT ${cluster.plaintext}, SASL_PLAINTEXT ${cluster.saslPlaintext}, ` +
    `SSL ${cluster.ssl}, SASL_SSL ${cluster.saslSsl}`)
  return cluster
}

/**
 * ZooKeeper mode: starts one ZooKeeper (a plain java process, recorded in the cluster file) on
 * node 1's CONTROLLER port, waits for it, and adds the SCRAM users (ConfigCommand --zookeeper)
 * on a fresh start.
 */
async function startZooKeeper (cluster: ClusterFile, libs: string, logConfig: string, keep: boolean, log: Log): Promise<void> {
  const zdir = zookeeperDir(cluster.dir)
  const port = Number(String(cluster.zookeeper).split(':')[1])
  mkdirSync(join(zdir, 'data'), { recursive: true })
  mkdirSync(join(zdir, 'logs'), { recursive: true })
  writeFileSync(zookeeperPropertiesFile(cluster.dir), zookeeperProperties(join(zdir, 'data'), port))
  const classpath = join(libs, '*')
  const logFlag = loggingFlag(cluster.version, logConfig)
  log(`kafka: starting ZooKeeper on ${cluster.zookeeper}`)
  cluster.zookeeperPid = spawnNode({
    command: 'java',
    args: ['-Xmx128m', logFlag, `-Dkafka.logs.dir=${join(zdir, 'logs')}`, '-cp', classpath,
      'org.apache.zookeeper.server.quorum.QuorumPeerMain', zookeeperPropertiesFile(cluster.dir)],
    cwd: zdir,
    logFile: join(zdir, 'logs', 'stdout.log')
  })
  saveCluster(cluster)
  const deadline = Date.now() + startTimeoutMs
  while (!await portAnswers(port)) {
    if (!isAlive(cluster.zookeeperPid) || Date.now() > deadline) {
      await stopLocked(cluster.dir, { log, quiet: true, graceMs: 0 })
      throw new Error(`ZooKeeper did not start on ${cluster.zookeeper}\n${tail(join(zdir, 'logs', 'stdout.log'))}`)
    }
    await sleep(300)
  }
  if (keep) return
  log('kafka: adding the SCRAM users in ZooKeeper')
  try {
    await Promise.all(scramUsers.map(u => run('java', [
      '-Xmx256m', logFlag, `-Dkafka.logs.dir=${join(zdir, 'logs')}`, '-cp', classpath, 'kafka.admin.ConfigCommand',
      '--zookeeper', String(cluster.zookeeper), '--alter', '--entity-type', 'users', '--entity-name', u.username,
      '--add-config', `SCRAM-SHA-256=[password=${u.password}],SCRAM-SHA-512=[password=${u.password}]`
    ], zdir)))
  } catch (err) {
    await stopLocked(cluster.dir, { log, quiet: true, graceMs: 0 })
    throw err
  }
}

/** True when node `nodeId`'s existing server.properties names the voters a new cluster of this shape would. */
function sameVoters (dir: string, nodeId: number, nodes: number, basePort: number): boolean {
  const file = propertiesFile(dir, nodeId)
  if (!existsSync(file)) return false
  const voters = (text: string): string | undefined => /^controller\.quorum\.voters=(.*)$/m.exec(text)?.[1]
  const planned = serverProperties({ nodeId, nodes, basePort, dataDir: '', tls: tlsFiles('') })
  return voters(readFileSync(file, 'utf8')) === voters(planned)
}

function readClusterId (dataDir: string): string {
  const meta = readFileSync(join(dataDir, 'meta.properties'), 'utf8')
  const match = /^cluster\.id=(.+)$/m.exec(meta)
  if (match === null) throw new Error(`no cluster.id in ${join(dataDir, 'meta.properties')}`)
  return match[1].trim()
}

export interface StopClusterOptions {
  /** Also delete the cluster folder (data, logs, TLS files, cluster file). */
  clean?: boolean
  /** ms between SIGTERM and SIGKILL; default 15000. */
  graceMs?: number
  /** No message when nothing runs. */
  quiet?: boolean
  log?: Log
}

/**
 * Stops every node of the cluster in `target` (default: the one of $KAFKATS_CLUSTER_FILE
 * or .kafka): SIGTERM to all at once, SIGKILL to those still running after `graceMs`.
 * Finds the nodes from pids.json and from the process table, so a half-started cluster
 * stops too. Removes cluster.json and pids.json. Resolves true when something ran.
 */
export async function stopCluster (target?: ClusterTarget, options: StopClusterOptions = {}): Promise<boolean> {
  const dir = targetDir(target)
  return withClusterLock(dir, () => stopLocked(dir, options))
}

async function stopLocked (dir: string, options: StopClusterOptions): Promise<boolean> {
  const log = options.log ?? defaultLog
  const cluster = tryReadClusterFile(clusterFilePath(dir))
  if (cluster?.external === true) {
    if (!options.quiet) log(`kafka: ${dir} describes an external cluster; not stopping it`)
    return false
  }
  const pids = new Set<number>()
  cluster?.pids.forEach((pid, i) => { if (pid !== null && isBroker(pid, propertiesFile(dir, i + 1))) pids.add(pid) })
  try {
    const recorded = JSON.parse(readFileSync(clusterPidsFile(dir), 'utf8')) as Array<number | null>
    recorded.forEach((pid, i) => { if (typeof pid === 'number' && isBroker(pid, propertiesFile(dir, i + 1))) pids.add(pid) })
  } catch { /* no pids file */ }
  for (const pid of findBrokers(join(dir, 'node-'))) pids.add(pid)

  const running = [...pids]
  if (running.length > 0) {
    log(`kafka: stopping ${running.length} node(s) in ${dir} (pids ${running.join(', ')})`)
    for (const pid of running) signal(pid, 'SIGTERM')
    if (!await waitForExit(running, options.graceMs ?? stopGraceMs)) {
      log('kafka: nodes still running after SIGTERM; sending SIGKILL')
      for (const pid of running) if (isAlive(pid)) signal(pid, 'SIGKILL')
      if (!await waitForExit(running, 10_000)) throw new Error(`kafka: pids ${running.join(', ')} survived SIGKILL`)
    }
  } else if (!options.quiet) {
    log(`kafka: no cluster runs in ${dir}`)
  }
  // ZooKeeper (2.x clusters) goes last: brokers deregister from it while they shut down.
  const zookeepers = new Set(findZooKeepers(zookeeperDir(dir)))
  if (typeof cluster?.zookeeperPid === 'number' && isZooKeeper(cluster.zookeeperPid, zookeeperPropertiesFile(dir))) zookeepers.add(cluster.zookeeperPid)
  if (zookeepers.size > 0) {
    const zk = [...zookeepers]
    log(`kafka: stopping ZooKeeper in ${dir} (pid ${zk.join(', ')})`)
    for (const pid of zk) signal(pid, 'SIGTERM')
    if (!await waitForExit(zk, 10_000)) {
      for (const pid of zk) if (isAlive(pid)) signal(pid, 'SIGKILL')
      await waitForExit(zk, 10_000)
    }
  }
  if (cluster?.toxiproxy != null) await stopToxiproxyPid(cluster.toxiproxy.pid)
  rmSync(clusterPidsFile(dir), { force: true })
  rmSync(clusterFilePath(dir), { force: true })
  // Retries: a waiter for the lock may recreate the folder meanwhile.
  if (options.clean) rmSync(dir, { recursive: true, force: true, maxRetries: 5 })
  return running.length > 0
}

function loadCluster (target: ClusterTarget): ClusterFile {
  const dir = targetDir(target)
  const cluster = tryReadClusterFile(clusterFilePath(dir))
  if (cluster === undefined) throw new Error(`no cluster file in ${dir}`)
  if (cluster.external) throw new Error(`${dir} describes an external cluster: its nodes cannot be killed or started`)
  return cluster
}

/**
 * Sends `sig` (default SIGKILL) to node `nodeId` (1-based) and waits until it has exited
 * (up to `timeoutMs`, default 60 s, then SIGKILL). Records the node as stopped in the
 * cluster file. Throws when the cluster or node is unknown.
 */
export async function killNode (
  nodeId: number, sig: NodeJS.Signals = 'SIGKILL', target?: ClusterTarget, timeoutMs = 60_000
): Promise<void> {
  const cluster = loadCluster(target)
  if (nodeId < 1 || nodeId > cluster.nodes) throw new Error(`no node ${nodeId} in a ${cluster.nodes}-node cluster`)
  const pid = cluster.pids[nodeId - 1]
  if (pid !== null && isBroker(pid, propertiesFile(cluster.dir, nodeId))) {
    signal(pid, sig)
    if (!await waitForExit([pid], timeoutMs)) {
      signal(pid, 'SIGKILL')
      await waitForExit([pid], 10_000)
    }
  }
  const fresh = loadCluster(cluster.dir)
  fresh.pids[nodeId - 1] = null
  saveCluster(fresh)
}

/**
 * Starts node `nodeId` again with its existing data and resolves once it answers with
 * Metadata listing every node (so the other nodes must run too). Does nothing to a node
 * that already runs. Throws with the log tail when it exits or does not answer in 120 s.
 */
export async function startNode (nodeId: number, target?: ClusterTarget): Promise<void> {
  const cluster = loadCluster(target)
  if (nodeId < 1 || nodeId > cluster.nodes) throw new Error(`no node ${nodeId} in a ${cluster.nodes}-node cluster`)
  const pid = cluster.pids[nodeId - 1]
  if (pid === null || !isBroker(pid, propertiesFile(cluster.dir, nodeId))) {
    cluster.pids[nodeId - 1] = spawnNode(cluster.startCommand[nodeId - 1])
    saveCluster(cluster)
  }
  await waitUntilAnswering(cluster, [nodeId], startTimeoutMs)
}
