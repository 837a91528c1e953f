// Finding, signalling and awaiting broker processes by pid (Linux /proc, kill(0) elsewhere).
import { readFileSync, readdirSync } from 'node:fs'

/** True while `pid` runs; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 3, after "pid (comm)"; comm may contain spaces or parentheses.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return true
  }
}

/** The command line of `pid` joined by spaces, or undefined when unreadable. */
export function commandLine (pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return undefined
  }
}

/** True when `pid` runs and is the broker started with `propertiesFile`. */
export function isBroker (pid: number, propertiesFile: string): boolean {
  if (!isAlive(pid)) return false
  const cmd = commandLine(pid)
  // Without /proc (not Linux) trust the pid.
  return cmd === undefined || (cmd.includes('kafka.Kafka') && cmd.includes(propertiesFile))
}

/** Pids of live kafka.Kafka processes whose command line mentions `dirPrefix` (Linux only). */
export function findBrokers (dirPrefix: string): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  const pids: number[] = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    const cmd = commandLine(pid)
    if (cmd?.includes('kafka.Kafka') && cmd.includes(dirPrefix) && isAlive(pid)) pids.push(pid)
  }
  return pids
}

/** True when `pid` runs and is the ZooKeeper started with `propertiesFile`. */
export function isZooKeeper (pid: number, propertiesFile: string): boolean {
  if (!isAlive(pid)) return false
  const cmd = commandLine(pid)
  return cmd === undefined || (cmd.includes('org.apache.zookeeper.') && cmd.includes(propertiesFile))
}

/** Pids of live ZooKeeper processes whose command line mentions `dirPrefix` (Linux only). */
export function findZooKeepers (dirPrefix: string): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  return entries.filter(e => /^\d+$/.test(e)).map(Number).filter(pid => {
    const cmd = commandLine(pid)
    return cmd?.includes('org.apache.zookeeper.') === true && cmd.includes(dirPrefix) && isAlive(pid)
  })
}

/** Sends `signal`, ignoring processes that are already gone. */
export function signal (pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
  }
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Resolves true once every pid has exited, false when `timeoutMs` passes first. */
export async function waitForExit (pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (pids.some(isAlive)) {
    if (Date.now() >= deadline) return false
    await sleep(100)
  }
  return true
}
