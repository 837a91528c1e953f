// The five clients the comparison runs, each in its own process: how to install it and
// the command line of each scenario.
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildConfig, ChildResult } from '../scenarios/shared/child.mjs'
import { ensureKafkaTools, ensureKcat, ensureNpmPeers, ensureRdkafka } from './install.js'
import type { ClientCommand } from './measure.js'
import { benchDir, node24, peersDir, rdkafkaDir, repoRoot } from './paths.js'
import type { Scenario } from './scenarios.js'

export const clientNames = ['kafkats', 'kafkajs', 'platformatic', 'librdkafka', 'java', 'kcat'] as const
export type ClientName = typeof clientNames[number]

/** The clients a run compares when --clients is not given (kcat only on request). */
export const defaultClients: ClientName[] = ['kafkats', 'kafkajs', 'platformatic', 'librdkafka', 'java']

/** A scenario a client cannot run, with the reason shown in the table. */
export class Unsupported extends Error {}

export interface PrepareContext {
  /** Apache Kafka version of the broker (the Java tools match it). */
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
  label: 'kafkats (TypeScript source via tsx, Node 24)',
  async prepare (ctx) { await ensureNpmPeers(ctx.log) },
  command (scenario, cfg) {
    return nodeScript(join(benchDir, 'scenarios', 'kafkats', `${scenario.name}.ts`), cfg, ['--import', 'tsx'])
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

/** node-rdkafka when it builds and loads; Debian's kcat otherwise (or with BENCH_LIBRDKAFKA=kcat). */
function librdkafka (): Client {
  let fallback: string | null = null
  const client: Client = {
    name: 'librdkafka',
    label: 'node-rdkafka 3.6.1 on Debian librdkafka 2.0.2',
    async prepare (ctx) {
      try {
        if (process.env.BENCH_LIBRDKAFKA === 'kcat') throw new Error('BENCH_LIBRDKAFKA=kcat')
        await ensureRdkafka(ctx.log)
      } catch (err) {
        fallback = (err as Error).message.split('\n')[0]
        ctx.log(`bench: node-rdkafka unusable (${fallback}); falling back to kcat`)
        await ensureKcat(ctx.log)
        client.label = `kcat (node-rdkafka failed: ${fallback})`
      }
    },
    command (scenario, cfg) {
      if (fallback === null) return { ...nodeScript(join(rdkafkaDir, `${scenario.kind}.mjs`), cfg), cwd: rdkafkaDir }
      return kcatCommand(scenario, cfg)
    }
  }
  return client
}

/** kcat's own settings mirror node-rdkafka's; its time is the process' wall time. */
function kcatCommand (scenario: Scenario, cfg: ChildConfig): ClientCommand {
  const common = ['-b', cfg.bootstrap, '-t', cfg.topic, '-q']
  const bytesPer = (cfg.key?.length ?? 0) + (cfg.value?.length ?? cfg.valueSize)
  const wallResult = (records: number): (stdout: string) => ChildResult => () => ({ records, bytes: records * bytesPer, elapsedMs: NaN, note: 'kcat: elapsed is the process wall time' })
  if (scenario.kind === 'produce') {
    const file = join(tmpdir(), `kafkats-bench-kcat-${cfg.topic}.txt`)
    const value = cfg.value ?? 'A'.repeat(cfg.valueSize)
    writeFileSync(file, `${cfg.key ?? ''}\t${value}\n`.repeat(cfg.records))
    return {
      command: 'kcat',
      args: ['-P', ...common, '-K', '\t', '-l', file, '-X', `acks=${cfg.acks}`, '-X', `compression.codec=${cfg.compression}`,
        '-X', `linger.ms=${cfg.lingerMs}`, '-X', `batch.size=${cfg.batchBytes}`, '-X', 'queue.buffering.max.messages=2000000'],
      cwd: repoRoot,
      env: process.env,
      parse: stdout => {
        rmSync(file, { force: true })
        return wallResult(cfg.records)(stdout)
      }
    }
  }
  if (scenario.kind === 'consume') {
    return {
      command: 'kcat',
      args: ['-C', ...common, '-o', 'beginning', '-e', '-c', String(cfg.records), '-f', '\n', '-X', 'fetch.max.bytes=52428800'],
      cwd: repoRoot,
      env: process.env,
      // One newline per record read.
      parse: stdout => wallResult(stdout.split('\n').length - 1)(stdout)
    }
  }
  throw new Unsupported('kcat cannot timestamp records for a latency run')
}

/** Heap and GC settings of Kafka's own perf-test scripts (kafka-producer-perf-test.sh). */
const jvmOptions = ['-Xmx512M', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true']

function java (): Client {
  let libs = ''
  return {
    name: 'java',
    label: 'Apache Kafka Java client (kafka-tools perf tools)',
    async prepare (ctx) {
      libs = await ensureKafkaTools(ctx.kafkaVersion, ctx.log)
      this.label = `Apache Kafka ${ctx.kafkaVersion} Java client (ProducerPerformance / ConsumerPerformance, OpenJDK)`
    },
    command (scenario, cfg) {
      const base = ['-cp', join(libs, '*'), ...jvmOptions]
      if (scenario.kind === 'produce') {
        const payload = cfg.value === null
          ? ['--record-size', String(cfg.valueSize)]
          : ['--payload-file', writePayload(cfg)]
        const props = [`bootstrap.servers=${cfg.bootstrap}`, `acks=${cfg.acks === -1 ? 'all' : cfg.acks}`, 'enable.idempotence=false',
          `compression.type=${cfg.compression}`, `batch.size=${cfg.batchBytes}`, `linger.ms=${cfg.lingerMs}`,
          'max.in.flight.requests.per.connection=5', 'buffer.memory=67108864']
        return {
          command: 'java',
          args: [...base, 'org.apache.kafka.tools.ProducerPerformance', '--topic', cfg.topic, '--num-records', String(cfg.records),
            '--throughput', '-1', ...payload, '--command-property', ...props],
          cwd: repoRoot,
          env: process.env,
          parse: stdout => parseProducerPerformance(stdout, cfg)
        }
      }
      if (scenario.kind === 'consume') {
        const props = ['max.partition.fetch.bytes=1048576', 'fetch.max.bytes=52428800', 'fetch.max.wait.ms=500', 'enable.auto.commit=false']
        return {
          command: 'java',
          args: [...base, 'org.apache.kafka.tools.ConsumerPerformance', '--bootstrap-server', cfg.bootstrap, '--topic', cfg.topic,
            '--num-records', String(cfg.records), '--group', cfg.groupId, '--timeout', '60000', '--hide-header',
            ...props.flatMap(p => ['--command-property', p])],
          cwd: repoRoot,
          env: process.env,
          parse: parseConsumerPerformance
        }
      }
      throw new Unsupported('Kafka\'s tools have no produce→consume latency run at a fixed rate (EndToEndLatency sends one record at a time)')
    }
  }
}

function writePayload (cfg: ChildConfig): string {
  const file = join(tmpdir(), `kafkats-bench-payload-${cfg.topic}.txt`)
  writeFileSync(file, cfg.value ?? '')
  return file
}

/** "N records sent, X records/sec (Y MB/sec), …" — the summary line of ProducerPerformance. */
export function parseProducerPerformance (stdout: string, cfg: ChildConfig): ChildResult {
  const m = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)[^\n]*$/m.exec(stdout.trim().split('\n').at(-1) ?? '')
  if (m === null) throw new Error(`no ProducerPerformance summary in: ${stdout.trim().split('\n').at(-1)}`)
  const records = Number(m[1])
  const perSecond = Number(m[2])
  const valueBytes = cfg.value === null ? cfg.valueSize : Buffer.byteLength(cfg.value)
  return { records, bytes: records * valueBytes, elapsedMs: records / perSecond * 1000, note: cfg.key === null ? undefined : 'no key (ProducerPerformance has no key option)' }
}

/**
 * ConsumerPerformance's CSV line: start.time, end.time, MB, MB/s, records, records/s,
 * rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec. The overall records/s
 * (group join included) is used, like the Node clients' clocks that start before it.
 */
export function parseConsumerPerformance (stdout: string): ChildResult {
  const line = stdout.trim().split('\n').filter(l => l.includes(',')).at(-1)
  const f = line?.split(',').map(s => s.trim())
  if (f === undefined || f.length < 10) throw new Error(`no ConsumerPerformance result in: ${stdout.trim().split('\n').at(-1)}`)
  return { records: Number(f[4]), bytes: Number(f[2]) * 1024 * 1024, elapsedMs: Number(f[4]) / Number(f[5]) * 1000 }
}

/** Fresh client objects (their prepare state is per run of the harness). */
export function makeClients (): Record<ClientName, Client> {
  return {
    kafkats,
    kafkajs: peerScripts('kafkajs', 'KafkaJS 2.2.4 (Node 24)'),
    platformatic: peerScripts('platformatic', '@platformatic/kafka 2.12.1 (Node 24)'),
    librdkafka: librdkafka(),
    java: java(),
    kcat: {
      name: 'kcat',
      label: 'kcat 1.7.1 on Debian librdkafka 2.0.2 (C, no JavaScript binding)',
      async prepare (ctx) { await ensureKcat(ctx.log) },
      command: kcatCommand
    }
  }
}
