// The clients the comparison runs, each in its own process: how to install it and the
// command line of each scenario. Their settings come from the scenario (ChildConfig); the
// table in bench/README.md lists what each client makes of them.
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildConfig, ChildResult } from '../scenarios/shared/child.mjs'
import { exec } from './exec.js'
import { buildKafkatsScenarios, kafkatsBuildDir } from './kafkats-build.js'
import { ensureGoPeers, ensureJavaPeer, ensureKcat, ensureNpmPeers, ensureRdkafka } from './install.js'
import type { ClientCommand } from './measure.js'
import { goPeersDir, node24, peersDir, rdkafkaDir, repoRoot } from './paths.js'
import type { Scenario } from './scenarios.js'

export const clientNames = ['kafkats', 'kafkajs', 'platformatic', 'node-rdkafka', 'librdkafka', 'franz-go', 'java', 'kcat'] as const
export type ClientName = typeof clientNames[number]

/** The clients a run compares when --clients is not given: all of them. */
export const defaultClients: ClientName[] = [...clientNames]

/** The Node clients (kafkats' latency target is to be at or under every one's p99). */
export const nodeClients: readonly ClientName[] = ['kafkajs', 'platformatic', 'node-rdkafka']

/** A scenario a client cannot run, with the reason shown in the table. */
export class Unsupported extends Error {}

export interface PrepareContext {
  /** Apache Kafka version of the broker (the Java client matches it). */
  kafkaVersion: string
  log: (line: string) => void
}

export interface Client {
  name: ClientName
  /** What actually ran, e.g. "node-rdkafka 3.6.1 / librdkafka 2.0.2"; set by prepare. */
  label: string
  /** Installs what the client needs; throws when it cannot run at all. */
  prepare(ctx: PrepareContext): Promise<void>
  /** The command of one run. @throws Unsupported when the client has no way to run the scenario. */
  command(scenario: Scenario, cfg: ChildConfig): ClientCommand
}

function childEnv (cfg: ChildConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_CONFIG: JSON.stringify(cfg) }
  delete env.NODE_OPTIONS
  return env
}

/** A Node client script under the bench's Node 24. */
function nodeScript (script: string, cfg: ChildConfig, preArgs: string[] = []): ClientCommand {
  return { command: node24, args: [...preArgs, script], cwd: repoRoot, env: childEnv(cfg) }
}

const kafkats: Client = {
  name: 'kafkats',
  label: 'kafkats (built dist/, Node 24)',
  async prepare (ctx) {
    await ensureNpmPeers(ctx.log)
    buildKafkatsScenarios(ctx.log)
  },
  command (scenario, cfg) {
    return nodeScript(join(kafkatsBuildDir, `${scenario.kind}.js`), cfg)
  }
}

function peerScripts (name: 'kafkajs' | 'platformatic', label: string): Client {
  return {
    name,
    label,
    async prepare (ctx) { await ensureNpmPeers(ctx.log) },
    command (scenario, cfg) {
      return nodeScript(join(peersDir, name, `${scenario.kind}.mjs`), cfg)
    }
  }
}

/** node-rdkafka (a Node binding of librdkafka) on Debian's librdkafka. */
const nodeRdkafka: Client = {
  name: 'node-rdkafka',
  label: 'node-rdkafka 3.6.1 on Debian librdkafka 2.0.2 (Node 24)',
  async prepare (ctx) { await ensureRdkafka(ctx.log) },
  command (scenario, cfg) {
    return { ...nodeScript(join(rdkafkaDir, `${scenario.kind}.mjs`), cfg), cwd: rdkafkaDir }
  }
}

/** A Go peer binary from bench/peers/go/bin, given the scenario kind as its argument. */
function goPeer (name: 'franz-go' | 'librdkafka', describe: (goVersion: string) => string): Client {
  return {
    name,
    label: name,
    async prepare (ctx) {
      const version = await ensureGoPeers(ctx.log)
      this.label = describe(version.replace(/^go version /, ''))
    },
    command (scenario, cfg) {
      return { command: join(goPeersDir, 'bin', name), args: [scenario.kind], cwd: repoRoot, env: childEnv(cfg) }
    }
  }
}

let kcatStartupMs: number | null = null

/**
 * kcat's start-up on this machine and broker: the fastest of 3 `kcat -L -t <topic>` runs
 * (process start, connection, metadata), measured once; its runs' wall time minus this is
 * their elapsed time.
 */
async function kcatStartup (cfg: ChildConfig): Promise<number> {
  if (kcatStartupMs !== null) return kcatStartupMs
  let best = Infinity
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    await exec('kcat', ['-L', '-b', cfg.bootstrap, '-t', cfg.topic, '-q'], { timeoutMs: 30_000 })
    best = Math.min(best, performance.now() - t)
  }
  kcatStartupMs = best
  return best
}

/** kcat (librdkafka's C command-line client) with the scenario's settings as -X properties. */
function kcatCommand (scenario: Scenario, cfg: ChildConfig): ClientCommand {
  const common = ['-b', cfg.bootstrap, '-t', cfg.topic, '-q']
  const bytesPer = (cfg.key?.length ?? 0) + (cfg.value?.length ?? cfg.valueSize)
  /** `wallMs`: the harness' clock from spawn to exit (GNU time's %e has only 10 ms steps). */
  const result = async (records: number, wallMs: number): Promise<ChildResult> => {
    const startup = await kcatStartup(cfg)
    // A run not much longer than the start-up cannot be timed that way: its wall time is kept.
    const subtract = wallMs > 3 * startup
    return {
      records,
      bytes: records * bytesPer,
      elapsedMs: subtract ? wallMs - startup : wallMs,
      note: subtract
        ? `kcat: process wall time less its start-up (kcat -L, ${startup.toFixed(0)} ms)`
        : `kcat: process wall time, start-up included (the run was under 3× its ${startup.toFixed(0)} ms start-up)`
    }
  }
  if (scenario.kind === 'produce') {
    const file = join(tmpdir(), `kafkats-bench-kcat-${cfg.topic}.txt`)
    const value = cfg.value ?? 'A'.repeat(cfg.valueSize)
    // Keyless records are plain lines (with -K an empty key would be sent, not none).
    writeFileSync(file, (cfg.key === null ? `${value}\n` : `${cfg.key}\t${value}\n`).repeat(cfg.records))
    const keyArgs = cfg.key === null ? [] : ['-K', '\t']
    return {
      command: 'kcat',
      args: ['-P', ...common, ...keyArgs, '-l', file, '-X', `acks=${cfg.acks === -1 ? 'all' : cfg.acks}`, '-X', `compression.codec=${cfg.compression}`,
        '-X', `linger.ms=${cfg.lingerMs}`, '-X', `batch.size=${cfg.batchBytes}`, '-X', 'batch.num.messages=1000000',
        '-X', 'queue.buffering.max.messages=2000000', '-X', `queue.buffering.max.kbytes=${cfg.bufferBytes / 1024}`,
        '-X', `max.in.flight.requests.per.connection=${cfg.maxInFlight}`, '-X', `enable.idempotence=${cfg.idempotent}`,
        '-X', 'socket.nagle.disable=true'],
      cwd: repoRoot,
      env: process.env,
      parse: (_stdout, run) => {
        rmSync(file, { force: true })
        return result(cfg.records, run.wallMs)
      }
    }
  }
  if (scenario.kind === 'consume') {
    return {
      command: 'kcat',
      args: ['-C', ...common, '-o', 'beginning', '-e', '-c', String(cfg.records), '-f', '\n',
        '-X', `fetch.max.bytes=${cfg.fetchMaxBytes}`, '-X', `max.partition.fetch.bytes=${cfg.maxPartitionFetchBytes}`,
        '-X', `fetch.min.bytes=${cfg.fetchMinBytes}`, '-X', `fetch.wait.max.ms=${cfg.fetchMaxWaitMs}`, '-X', 'socket.nagle.disable=true'],
      cwd: repoRoot,
      env: process.env,
      // One newline per record read.
      parse: (stdout, run) => result(stdout.split('\n').length - 1, run.wallMs)
    }
  }
  throw new Unsupported('kcat cannot timestamp records for a latency run')
}

/** Heap and GC settings of Kafka's own perf-test scripts (kafka-producer-perf-test.sh). */
const jvmOptions = ['-Xmx512M', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true']

/** bench/peers/java/BenchPeer.java on the broker's kafka-clients jar: keys, assigned partitions, a poll loop. */
function java (): Client {
  let classpath = ''
  return {
    name: 'java',
    label: 'Apache Kafka Java client (BenchPeer.java)',
    async prepare (ctx) {
      classpath = await ensureJavaPeer(ctx.kafkaVersion, ctx.log)
      this.label = `Apache Kafka ${ctx.kafkaVersion} Java client, bench/peers/java/BenchPeer.java (OpenJDK)`
    },
    command (scenario, cfg) {
      return { command: 'java', args: ['-cp', classpath, ...jvmOptions, 'BenchPeer', scenario.kind], cwd: repoRoot, env: childEnv(cfg) }
    }
  }
}

/** Fresh client objects (their prepare state is per run of the harness). */
export function makeClients (): Record<ClientName, Client> {
  return {
    kafkats,
    kafkajs: peerScripts('kafkajs', 'KafkaJS 2.2.4 (Node 24)'),
    platformatic: peerScripts('platformatic', '@platformatic/kafka 2.12.1 (Node 24)'),
    'node-rdkafka': nodeRdkafka,
    librdkafka: goPeer('librdkafka', v => `librdkafka 2.11.1 via confluent-kafka-go 2.11.1 (cgo, ${v}; bench/peers/go/librdkafka)`),
    'franz-go': goPeer('franz-go', v => `franz-go 1.22.3 (${v}; bench/peers/go/franz-go)`),
    java: java(),
    kcat: {
      name: 'kcat',
      label: 'kcat 1.7.1 on Debian librdkafka 2.0.2 (C, no binding)',
      async prepare (ctx) { await ensureKcat(ctx.log) },
      command: kcatCommand
    }
  }
}
