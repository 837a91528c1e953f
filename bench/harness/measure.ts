// One client process under GNU time (CPU seconds, peak RSS), optionally pinned to CPUs with
// taskset and with its RSS sampled over time from /proc/<pid>/status.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildResult } from '../scenarios/shared/child.mjs'

/** One RSS sample: seconds since the process started, resident set in bytes. */
export interface RssSample { t: number, rss: number }

export interface ProcessRun {
  /** What the client reported (records, bytes, elapsed time, latency). */
  result: ChildResult
  /** User + system CPU seconds of the process. */
  cpuSeconds: number
  /** Peak resident set size, bytes (getrusage ru_maxrss via GNU time %M). */
  peakRssBytes: number
  /** Wall time of the whole process, seconds. */
  wallSeconds: number
  /** VmRSS every ~100 ms, when asked for. */
  rss?: RssSample[]
}

export interface ClientCommand {
  command: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  /** Turns the process' stdout into a result; default: the `BENCH_RESULT {json}` line. */
  parse?: (stdout: string, run: { wallSeconds: number, wallMs: number }) => ChildResult | Promise<ChildResult>
}

export interface MeasureOptions {
  timeoutMs: number
  /** taskset -c list for the client process, or null to leave it unpinned. */
  clientCpus: string | null
  /** Sample VmRSS every 100 ms. */
  sampleRss: boolean
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

/** VmRSS of `pid` in bytes, or null once it is gone. */
function vmRss (pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m === null ? null : Number(m[1]) * 1024
  } catch {
    return null
  }
}

/** The first child of `pid` (GNU time's client process; taskset execs into it), or null. */
function firstChild (pid: number): number | null {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
    return children.length > 0 ? Number(children[0]) : null
  } catch {
    return null
  }
}

/**
 * Spawns `cmd` under `/usr/bin/time` (and `taskset -c` when pinned), kills its process group
 * after the timeout, and rejects with the client's own error message when it fails.
 */
export function measure (cmd: ClientCommand, options: MeasureOptions): Promise<ProcessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'kafkats-bench-'))
  const timeFile = join(dir, 'time')
  const pinned = options.clientCpus === null ? [cmd.command, ...cmd.args] : ['taskset', '-c', options.clientCpus, cmd.command, ...cmd.args]
  return new Promise<ProcessRun>((resolve, reject) => {
    const started = performance.now()
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, ...pinned], {
      cwd: cmd.cwd,
      env: cmd.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    if (child.pid !== undefined) running.add(child.pid)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const samples: RssSample[] = []
    let clientPid: number | null = null
    const sampler = options.sampleRss
      ? setInterval(() => {
        clientPid ??= child.pid === undefined ? null : firstChild(child.pid)
        if (clientPid === null) return
        const rss = vmRss(clientPid)
        if (rss !== null) samples.push({ t: (performance.now() - started) / 1000, rss })
      }, 100)
      : undefined
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
    const timer = setTimeout(() => {
      timedOut = true
      try { process.kill(-child.pid!, 'SIGKILL') } catch { /* already gone */ }
    }, options.timeoutMs)
    child.on('error', err => {
      clearTimeout(timer)
      clearInterval(sampler)
      reject(new Error(`cannot start /usr/bin/time: ${err.message}`))
    })
    child.on('close', code => {
      const wallMs = performance.now() - started
      clearTimeout(timer)
      clearInterval(sampler)
      if (child.pid !== undefined) running.delete(child.pid)
      void (async () => {
        if (timedOut) throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s`)
        if (code !== 0) throw new Error(`exit ${code}: ${failureReason(stdout, stderr)}`)
        const [wall, user, sys, maxRssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number)
        const result = await (cmd.parse ?? parseResultLine)(stdout, { wallSeconds: wall, wallMs })
        return { result, cpuSeconds: user + sys, peakRssBytes: maxRssKb * 1024, wallSeconds: wall, rss: options.sampleRss ? samples : undefined }
      })().then(resolve, reject).finally(() => rmSync(dir, { recursive: true, force: true }))
    })
  })
}
