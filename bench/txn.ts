/**
 * Transactions benchmark (`npm run bench -- txn`): kafkats against the Apache Kafka Java client
 * of the broker's version, each a transactional producer in its own process writing
 * transactions of 100 records (beginTransaction, 100 sends, commitTransaction) to a new topic.
 * Reports commits/s and records/s (the client's own clock, from the first beginTransaction to
 * the last commit, after initTransactions and one warm-up transaction), CPU seconds and peak
 * RSS of the process (GNU time), median and min–max over the runs; clients alternate order.
 *
 *   npm run bench -- txn [--transactions N] [--per-transaction N] [--value-bytes N]
 *                        [--partitions N] [--runs N] [--only kafkats|java] [--client-cpus LIST]
 *
 * The broker comes from KAFKA_BOOTSTRAP or the cluster file (KAFKATS_CLUSTER_FILE, default
 * .kafka/cluster.json). Each client process runs under `taskset -c <client-cpus>` (default: the
 * last CPU), so that it does not share a core with a broker started on the others, e.g.
 * `taskset -c 0 npm run kafka:start -- …` (the broker inherits that affinity). The Java side
 * (bench/peers/java/TxnBench.java) is compiled with javac at bench time against the
 * kafka-clients jar of the broker's release in ~/.cache/kafkats/kafka-<version>/libs.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Kafka } from '../src/client.js'
import { libsDir } from '../scripts/kafka/layout.js'
import { brokerTarget, probe, uniqueName } from './harness/broker.js'
import { measure, type ClientCommand, type ProcessRun } from './harness/measure.js'
import { benchDir, node24, repoRoot } from './harness/paths.js'
import { spread } from './harness/stats.js'

interface Options {
  transactions: number
  perTransaction: number
  valueBytes: number
  partitions: number
  runs: number
  clients: Array<'kafkats' | 'java'>
  clientCpus: string
}

function parse (args: string[]): Options {
  const o: Options = { transactions: 1000, perTransaction: 100, valueBytes: 100, partitions: 8, runs: 3, clients: ['kafkats', 'java'], clientCpus: String(cpus().length - 1) }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const v = (): string => {
      const x = args[++i]
      if (x === undefined) throw new Error(`${a} needs a value`)
      return x
    }
    const n = (): number => {
      const x = Number(v())
      if (!Number.isInteger(x) || x < 1) throw new Error(`${a} must be a positive integer`)
      return x
    }
    if (a === '--transactions') o.transactions = n()
    else if (a === '--per-transaction') o.perTransaction = n()
    else if (a === '--value-bytes') o.valueBytes = n()
    else if (a === '--partitions') o.partitions = n()
    else if (a === '--runs') o.runs = n()
    else if (a === '--only') {
      const c = v()
      if (c !== 'kafkats' && c !== 'java') throw new Error('--only takes kafkats or java')
      o.clients = [c]
    } else if (a === '--client-cpus') o.clientCpus = v()
    else throw new Error(`unknown argument ${a}`)
  }
  return o
}

/** Compiles TxnBench.java once per Kafka version into a temporary folder; returns the classpath. */
function compileJava (version: string): string {
  const libs = libsDir(version)
  if (!existsSync(libs)) throw new Error(`${libs} does not exist: the Java client comes from the broker's release (scripts/kafka/)`)
  const out = join(tmpdir(), `kafkats-bench-txn-${version}`)
  const source = join(benchDir, 'peers', 'java', 'TxnBench.java')
  const stamp = join(out, 'TxnBench.source')
  const text = readFileSync(source, 'utf8')
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== text) {
    mkdirSync(out, { recursive: true })
    execFileSync('javac', ['-cp', join(libs, '*'), '-d', out, source], { stdio: 'inherit' })
    execFileSync('cp', [source, stamp])
  }
  return `${out}:${join(libs, '*')}`
}

/** Heap and GC settings of Kafka's own perf-test scripts, as the comparison harness uses. */
const jvmOptions = ['-Xmx512M', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true']

function command (client: 'kafkats' | 'java', o: Options, bootstrap: string, topic: string, classpath: string): ClientCommand {
  const transactionalId = uniqueName(`bench-txn-${client}`)
  const pin = ['-c', o.clientCpus]
  if (client === 'java') {
    // log4j without a configuration logs errors only.
    return {
      command: 'taskset',
      args: [...pin, 'java', '-cp', classpath, ...jvmOptions, 'TxnBench', bootstrap, topic, String(o.transactions), String(o.perTransaction), String(o.valueBytes), transactionalId],
      cwd: repoRoot,
      env: process.env
    }
  }
  const node = existsSync(node24) ? node24 : process.execPath
  return {
    command: 'taskset',
    args: [...pin, node, '--import', 'tsx', join(benchDir, 'scenarios', 'kafkats', 'txn.ts')],
    cwd: repoRoot,
    env: { ...process.env, BENCH_TXN: JSON.stringify({ bootstrap, topic, transactions: o.transactions, perTransaction: o.perTransaction, valueBytes: o.valueBytes, transactionalId }) }
  }
}

const median = (xs: number[]): number => spread(xs).median
const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

export async function run (args: string[]): Promise<void> {
  const o = parse(args)
  const target = brokerTarget()
  await probe(target.bootstrap)
  const classpath = o.clients.includes('java') ? compileJava(target.version) : ''
  const kafka = new Kafka({ clientId: 'bench-txn-admin', bootstrapServers: target.bootstrap, logger: { debug () {}, info () {}, warn () {}, error () {} } })
  const admin = kafka.admin()
  const runs = new Map<string, ProcessRun[]>(o.clients.map(c => [c, []]))
  const failures: string[] = []
  const log = (line: string): void => { process.stderr.write(line + '\n') }
  log(`bench txn: ${o.transactions} transactions of ${o.perTransaction} records (${o.valueBytes}-byte values, numbered keys), ${o.partitions} partitions, broker ${target.bootstrap} (Kafka ${target.version}), clients on CPU ${o.clientCpus}`)
  try {
    for (let r = 0; r < o.runs; r++) {
      const order = r % 2 === 0 ? o.clients : [...o.clients].reverse()
      for (const client of order) {
        const topic = uniqueName('bench-txn')
        const [created] = await admin.createTopics([{ name: topic, partitions: o.partitions, replicationFactor: 1 }])
        if (created.errorCode !== 0) throw new Error(`createTopics ${topic}: ${created.errorName}`)
        try {
          const result = await measure(command(client, o, target.bootstrap, topic, classpath), { timeoutMs: 600_000, clientCpus: null, sampleRss: false })
          runs.get(client)!.push(result)
          log(`bench txn: run ${r + 1}/${o.runs} ${client}: ${fmt(o.transactions / (result.result.elapsedMs / 1000), 1)} commits/s`)
        } catch (err) {
          failures.push(`${client} run ${r + 1}: ${(err as Error).message}`)
          log(`bench txn: run ${r + 1}/${o.runs} ${client} FAILED: ${(err as Error).message}`)
        } finally {
          await admin.deleteTopics([topic]).catch(() => {})
        }
      }
    }
  } finally {
    await admin.close()
    await kafka.disconnectAll()
  }
  const label = { kafkats: 'kafkats (this tree)', java: `Java client ${target.version}` }
  console.log(`\ntxn: ${o.transactions} transactions x ${o.perTransaction} records, ${o.valueBytes}-byte values, ${o.partitions} partitions, ${o.runs} runs, node ${process.version}, load ${loadavg()[0].toFixed(1)}`)
  console.log('client                 commits/s (min–max)          records/s (min–max)              CPU s   peak RSS MB')
  for (const c of o.clients) {
    const rs = runs.get(c)!
    if (rs.length === 0) { console.log(`${label[c].padEnd(22)} FAILED`); continue }
    const commits = rs.map(x => o.transactions / (x.result.elapsedMs / 1000))
    const records = rs.map(x => x.result.records / (x.result.elapsedMs / 1000))
    const range = (xs: number[], d: number): string => `${fmt(median(xs), d)} (${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)})`
    console.log(`${label[c].padEnd(22)} ${range(commits, 1).padEnd(28)} ${range(records, 0).padEnd(32)} ${fmt(median(rs.map(x => x.cpuSeconds)), 2).padStart(6)}   ${fmt(median(rs.map(x => x.peakRssBytes / 1048576)), 0).padStart(6)}`)
  }
  for (const f of failures) console.log(`FAILED ${f}`)
  if (failures.length > 0) process.exitCode = 1
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2))
