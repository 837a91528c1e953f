/**
 * Runs the real `kafkats` CLI from source (`node --import tsx src/cli/main.ts`) as a child
 * process against the broker under test. Not a test itself.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bootstrap } from '../../helpers/cluster.js'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const mainPath = join(repoRoot, 'src', 'cli', 'main.ts')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: Buffer
  stderr: string
  durationMs: number
}

export interface CliOptions {
  /** Bytes written to stdin, which is then closed; stdin is closed at once without it. */
  input?: string | Buffer
  env?: NodeJS.ProcessEnv
  /** Kill with SIGKILL after this many ms (a test guard, not a behaviour under test). */
  killAfterMs?: number
}

/** A running CLI process with its output collected. */
export interface CliProcess {
  child: ChildProcess
  /** stdout so far. */
  stdout(): Buffer
  stderr(): string
  /** Resolves when the process exits. */
  done: Promise<CliResult>
}

export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, KAFKA_BOOTSTRAP: bootstrap(), ...extra }
}

/** Starts `kafkats ...args`. */
export function startCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', mainPath, ...args], {
    cwd: repoRoot,
    env: options.env ?? cliEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const out: Buffer[] = []
  let err = ''
  child.stdout?.on('data', (b: Buffer) => out.push(b))
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString('utf8')
  })
  child.stdin?.on('error', () => {})
  if (options.input !== undefined) child.stdin?.end(options.input)
  else child.stdin?.end()
  const guard = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 120_000)
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(guard)
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err, durationMs: performance.now() - started })
    })
  })
  return { child, stdout: () => Buffer.concat(out), stderr: () => err, done }
}

/** Runs `kafkats ...args` to its end. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done
}

/** Lines of a text output, without the final empty one. */
export function lines(b: Buffer | string): string[] {
  const s = typeof b === 'string' ? b : b.toString('utf8')
  if (s === '') return []
  return s.replace(/\n$/, '').split('\n')
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
