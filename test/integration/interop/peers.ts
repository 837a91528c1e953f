/**
 * Other clients on the other side of the wire, for the interop tests: the Apache Kafka Java
 * client (the broker's own kafka-clients jar, test/interop/JavaPeer.java) and librdkafka
 * (confluent-kafka-python, test/interop/rdkafka_peer.py, from the virtualenv .ci/run makes in
 * ~/.cache/kafkats/pyenv, or KAFKATS_PYTHON). Both speak the same commands and JSON lines.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { libsDir } from '../../../scripts/kafka/layout.js'
import { clusterFile } from '../../helpers/cluster.js'

export type PeerKind = 'java' | 'librdkafka'

const dir = join(import.meta.dirname, '..', '..', 'interop')

function javaLibs(): string | null {
  const cf = clusterFile()
  if (cf.external) return null
  const libs = libsDir(cf.version)
  return existsSync(join(libs, `kafka-clients-${cf.version}.jar`)) ? libs : null
}

function python(): string | null {
  const candidates = [process.env.KAFKATS_PYTHON, join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kafkats', 'pyenv', 'bin', 'python')]
  for (const p of candidates) {
    if (p !== undefined && existsSync(p) && spawnSync(p, ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0) return p
  }
  return null
}

/** Why a peer cannot run here (a skip reason), or false when it can. */
export function peerMissing(kind: PeerKind): string | false {
  if (kind === 'java') return javaLibs() === null ? 'no kafka-clients jar of the broker under test' : false
  return python() === null ? 'confluent-kafka (librdkafka) is not installed: .ci/run installs it into ~/.cache/kafkats/pyenv' : false
}

function command(kind: PeerKind, args: readonly string[]): [string, string[]] {
  if (kind === 'java') return ['java', ['-Xmx256m', '-cp', join(javaLibs() ?? '', '*'), join(dir, 'JavaPeer.java'), ...args]]
  return [python() ?? 'python3', [join(dir, 'rdkafka_peer.py'), ...args]]
}

/** Runs a peer command to its end and returns its JSON lines. */
export function runPeer(kind: PeerKind, ...args: string[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = command(kind, args)
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${kind} peer ${args[0]} exited ${code}: ${err.slice(-2000)}`))
      resolve(jsonLines(out))
    })
  })
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

/** A peer group member running in the background. */
export interface PeerMember {
  kind: PeerKind
  /** Its partitions after its latest rebalance. */
  assigned(): number[]
  /** How many rebalances it has reported. */
  rebalances(): number
  records: { partition: number; offset: bigint }[]
  /** Asks it to leave the group and waits for its exit. */
  stop(): Promise<void>
  stderr(): string
}

/**
 * Starts `member <bootstrap> <group> <topic> <assignor>` of the peer; `'consumer'` makes it a
 * member on the consumer group protocol (KIP-848; Java: group.protocol=consumer, librdkafka:
 * group.protocol=consumer, incremental assignment).
 */
export function startPeerMember(kind: PeerKind, bootstrap: string, group: string, topic: string, assignor: 'range' | 'cooperative-sticky' | 'consumer'): PeerMember {
  const [cmd, argv] = command(kind, ['member', bootstrap, group, topic, assignor])
  const child: ChildProcess = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] })
  let assigned: number[] = []
  let rebalances = 0
  let pending = ''
  let err = ''
  const records: { partition: number; offset: bigint }[] = []
  child.stdout?.on('data', (d: Buffer) => {
    pending += d.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of jsonLines(lines.join('\n'))) {
      if (Array.isArray(line.assigned)) {
        assigned = (line.assigned as number[]).slice().sort((a, b) => a - b)
        rebalances++
      } else if (typeof line.partition === 'number') records.push({ partition: line.partition, offset: BigInt(line.offset as number) })
    }
  })
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)))
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()))
  return {
    kind,
    assigned: () => assigned,
    rebalances: () => rebalances,
    records,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null) child.stdin?.end('stop\n')
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      await exited
      clearTimeout(timer)
    },
  }
}
