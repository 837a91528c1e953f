// Runs one client in its own process under GNU time, so CPU seconds and peak RSS are the
// operating system's numbers for that process (JVM and Node start-up included).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildResult } from '../scenarios/shared/child.mjs'

export interface ProcessRun {
  /** What the client reported (records, bytes, elapsed time, latency). */
  result: ChildResult
  /** User + system CPU seconds of the process. */
  cpuSeconds: number
  /** Peak resident set size, bytes (getrusage ru_maxrss via GNU time %M). */
  peakRssBytes: number
  /** Wall time of the whole process, seconds. */
  wallSeconds: number
}

export interface ClientCommand {
  command: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  /** Turns the process' stdout into a result; default: the `BENCH_RESULT {json}` line. */
  parse?: (stdout: string) => ChildResult
}

/** Process groups of running clients, killed if the harness itself is interrupted. */
const running = new Set<number>()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const pid of running) {
      try { process.kill(-pid, 'SIGKILL') } catch { /* already gone */ }
    }
    process.exit(130)
  })
}

function parseResultLine (stdout: string): ChildResult {
  const line = stdout.split('\n').reverse().find(l => l.startsWith('BENCH_RESULT '))
  if (line === undefined) throw new Error('the client printed no BENCH_RESULT line')
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildResult
}

/** The most telling line of a failed client's output. */
function failureReason (stdout: string, stderr: string): string {
  const lines = (stderr + '\n' + stdout).split('\n').map(l => l.trim()).filter(Boolean)
  const marked = lines.find(l => l.startsWith('BENCH_ERROR '))
  if (marked !== undefined) return marked.slice('BENCH_ERROR '.length)
  const errorLine = lines.find(l => /error|exception/i.test(l) && !l.startsWith('at '))
  return errorLine ?? lines.at(-1) ?? 'no output'
}

/**
 * Spawns `cmd` under `/usr/bin/time`, kills its process group after `timeoutMs`, and
 * rejects with the client's own error message when it fails.
 */
export function measure (cmd: ClientCommand, timeoutMs: number): Promise<ProcessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'kafkats-bench-'))
  const timeFile = join(dir, 'time')
  return new Promise<ProcessRun>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, cmd.command, ...cmd.args], {
      cwd: cmd.cwd,
      env: cmd.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    if (child.pid !== undefined) running.add(child.pid)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
    const timer = setTimeout(() => {
      timedOut = true
      try { process.kill(-child.pid!, 'SIGKILL') } catch { /* already gone */ }
    }, timeoutMs)
    child.on('error', err => {
      clearTimeout(timer)
      reject(new Error(`cannot start /usr/bin/time: ${err.message}`))
    })
    child.on('close', code => {
      clearTimeout(timer)
      if (child.pid !== undefined) running.delete(child.pid)
      try {
        if (timedOut) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`)
        if (code !== 0) throw new Error(`exit ${code}: ${failureReason(stdout, stderr)}`)
        const [wall, user, sys, maxRssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number)
        const result = (cmd.parse ?? parseResultLine)(stdout)
        resolve({ result, cpuSeconds: user + sys, peakRssBytes: maxRssKb * 1024, wallSeconds: wall })
      } catch (err) {
        reject(err)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
}
