// `npm run demo`: the kafkats CLI end to end. Starts the local broker unless KAFKA_BOOTSTRAP
// names one, creates a 3-partition topic, produces the project's own TypeScript sources (one
// record per line) with `kafkats produce`, reads them back in a consumer group with
// `kafkats consume -g … -e`, checks that the same lines came back (as a multiset: partitions
// interleave), prints both throughputs and PASS or FAIL. Exit status 1 on FAIL.
import { spawn, execFileSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { clusterFilePath, tryReadClusterFile } from './kafka/cluster-file.js'
import { clusterAnswers, startCluster, stopCluster } from './kafka/control.js'
import { defaultClusterDir, repoRoot } from './kafka/layout.js'

const log = (line: string): void => console.log(line)
const cliMain = join(repoRoot, 'src', 'cli', 'main.ts')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the real CLI from source; stdout goes to `stdoutFile` when given. */
function kafkats(args: string[], env: NodeJS.ProcessEnv, stdoutFile?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliMain, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    if (stdoutFile !== undefined) child.stdout.pipe(createWriteStream(stdoutFile))
    else child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

function must(r: Run, what: string): Run {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${r.stderr.trim()}`)
  return r
}

/** Line → count, of a file's lines (the last newline ends a line, it does not start one). */
function lineCounts(file: string): Map<string, number> {
  const text = readFileSync(file, 'latin1')
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const counts = new Map<string, number>()
  for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1)
  return counts
}

function compare(sent: Map<string, number>, received: Map<string, number>): { missing: number; extra: number; total: number } {
  let missing = 0
  let extra = 0
  let total = 0
  for (const [line, n] of sent) {
    total += n
    const m = received.get(line) ?? 0
    if (m < n) missing += n - m
  }
  for (const [line, m] of received) {
    const n = sent.get(line) ?? 0
    if (m > n) extra += m - n
  }
  return { missing, extra, total }
}

interface Summary {
  records: number
  bytes: number
  durationMs: number
  recordsPerSecond: number
  megabytesPerSecond: number
}

const fmt = (s: Summary): string => `${s.records} records, ${(s.bytes / 1e6).toFixed(2)} MB in ${(s.durationMs / 1000).toFixed(2)} s: ${s.recordsPerSecond} records/s, ${s.megabytesPerSecond.toFixed(2)} MB/s`

async function main(): Promise<number> {
  let started = false
  let bootstrap = process.env.KAFKA_BOOTSTRAP
  const work = mkdtempSync(join(tmpdir(), 'kafkats-demo-'))
  const stop = async (): Promise<void> => {
    rmSync(work, { recursive: true, force: true })
    if (started) {
      log('demo: stopping the broker it started')
      await stopCluster(defaultClusterDir)
      started = false
    }
  }
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)))
  try {
    if (bootstrap) {
      log(`demo: using the cluster at ${bootstrap} (KAFKA_BOOTSTRAP)`)
    } else {
      const running = tryReadClusterFile(clusterFilePath(defaultClusterDir))
      if (running !== undefined && (await clusterAnswers(running))) {
        log(`demo: using the running local broker at ${running.plaintext}`)
        bootstrap = running.plaintext
      } else {
        log('demo: starting a local broker (scripts/kafka/control.ts startCluster)')
        const cluster = await startCluster({ nodes: 1, dir: defaultClusterDir, log })
        started = true
        bootstrap = cluster.plaintext
      }
    }
    const env = { ...process.env, KAFKA_BOOTSTRAP: bootstrap }

    // The input: every tracked TypeScript file under src/, concatenated.
    const files = execFileSync('git', ['ls-files', '-z', '--', ':(glob)src/**/*.ts'], { cwd: repoRoot }).toString().split('\0').filter((f) => f !== '')
    const input = join(work, 'kafkats-sources.txt')
    const out = createWriteStream(input)
    for (const f of files) {
      const text = readFileSync(join(repoRoot, f))
      out.write(text)
      if (text.length > 0 && text[text.length - 1] !== 0x0a) out.write('\n')
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
    const sent = lineCounts(input)
    const lineTotal = [...sent.values()].reduce((a, b) => a + b, 0)
    log(`demo: input ${input}: ${files.length} files of src/ (git ls-files), ${lineTotal} lines, ${(statSync(input).size / 1e6).toFixed(2)} MB`)

    const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
    const topic = `kafkats-demo-${suffix}`
    const group = `kafkats-demo-group-${suffix}`
    log(`demo: kafkats topic create ${topic} -P 3`)
    must(await kafkats(['topic', 'create', topic, '-P', '3'], env), 'topic create')

    log(`demo: kafkats produce -t ${topic} ${input}`)
    const produced = JSON.parse(must(await kafkats(['produce', '-t', topic, '--json', input], env), 'produce').stdout) as Summary

    const output = join(work, 'consumed.txt')
    log(`demo: kafkats consume -t ${topic} -g ${group} -e -f '%s\\n'`)
    const consumed = must(await kafkats(['consume', '-t', topic, '-g', group, '-e', '-f', '%s\\n', '--json'], env, output), 'consume')
    const consumeSummary = (JSON.parse(consumed.stderr.trim().split('\n').pop() ?? '{}') as { consumed: Summary }).consumed

    const result = compare(sent, lineCounts(output))
    log('')
    log(`produce: ${fmt(produced)}`)
    log(`consume: ${fmt(consumeSummary)} (timed from the fetch of the first record; joining the group not counted)`)
    const pass = result.missing === 0 && result.extra === 0 && produced.records === lineTotal
    log(`check:   ${lineTotal} lines sent, ${consumeSummary.records} received, ${result.missing} missing, ${result.extra} unexpected`)
    log(pass ? 'PASS' : 'FAIL')

    await kafkats(['topic', 'delete', topic], env)
    await kafkats(['group', 'delete', group], env)
    return pass ? 0 : 1
  } finally {
    await stop()
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`)
    console.error('FAIL')
    process.exit(1)
  },
)
