// Pins the broker and the clients to different CPUs (taskset), so that they do not take
// turns on one core: the broker's every thread to --broker-cpus for the run (its affinity is
// restored afterwards), each client process to --client-cpus.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { defaultClusterFilePath, readClusterFile } from '../../scripts/kafka/cluster-file.js'
import { exec } from './exec.js'

export interface Pinning {
  /** taskset -c list of the clients, or null when not pinned. */
  clientCpus: string | null
  /** taskset -c list of the broker, or null when it was not pinned. */
  brokerCpus: string | null
  brokerPids: number[]
  /** One line for the output and the report. */
  description: string
  /** Puts the broker's threads back on the CPUs they had. */
  restore(): Promise<void>
}

/** The broker's process ids from the cluster file (KAFKATS_CLUSTER_FILE or .kafka/cluster.json). */
function brokerPids (): number[] {
  const file = process.env.KAFKATS_CLUSTER_FILE ?? defaultClusterFilePath()
  if (!existsSync(file)) return []
  return readClusterFile(file).pids.filter((pid): pid is number => pid !== null && existsSync(`/proc/${pid}`))
}

/** The CPU list a process is allowed on ("0,1"), from taskset -p -c. */
async function affinity (pid: number): Promise<string> {
  const out = await exec('taskset', ['-p', '-c', String(pid)])
  return out.trim().split(':').at(-1)!.trim()
}

/**
 * Pins as asked. `brokerCpus`/`clientCpus` default to CPU 0 / the other CPUs; with fewer than
 * 2 CPUs, or `enabled` false, nothing is pinned. A broker whose pid is unknown (KAFKA_BOOTSTRAP
 * without a cluster file) is left where it is, and the description says so.
 */
export async function pin (enabled: boolean, brokerCpus: string | null, clientCpus: string | null, log: (line: string) => void): Promise<Pinning> {
  const n = cpus().length
  const none: Pinning = { clientCpus: null, brokerCpus: null, brokerPids: [], description: '', restore: async () => {} }
  if (!enabled) return { ...none, description: 'not pinned (--no-pin): broker and clients share every CPU' }
  if (n < 2) return { ...none, description: `not pinned: ${n} CPU` }
  const client = clientCpus ?? (n === 2 ? '1' : `1-${n - 1}`)
  const broker = brokerCpus ?? '0'
  const pids = brokerPids()
  if (pids.length === 0) {
    return { ...none, clientCpus: client, description: `clients pinned to CPU ${client}; broker NOT pinned (its pid is not in a cluster file)` }
  }
  const before = new Map<number, string>()
  for (const pid of pids) {
    before.set(pid, await affinity(pid))
    // -a: every thread of the JVM, not only its main thread.
    await exec('taskset', ['-a', '-p', '-c', broker, String(pid)])
  }
  const description = `broker pid ${pids.join(',')} (all threads) pinned to CPU ${broker}, clients to CPU ${client} (taskset)`
  log(`bench: ${description}`)
  // Also when the harness is interrupted (Ctrl-C exits through process.exit in measure.ts).
  const onExit = (): void => {
    for (const [pid, cpuList] of before) {
      try { execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' }) } catch { /* gone */ }
    }
  }
  process.once('exit', onExit)
  return {
    clientCpus: client,
    brokerCpus: broker,
    brokerPids: pids,
    description,
    async restore () {
      process.removeListener('exit', onExit)
      for (const [pid, cpuList] of before) {
        await exec('taskset', ['-a', '-p', '-c', cpuList, String(pid)]).catch(() => undefined)
      }
      log(`bench: broker affinity restored (${[...before.values()].join('; ')})`)
    }
  }
}
