// bench/results/history.jsonl: one line per `npm run bench` comparison run (commit, date,
// machine, pinning, every row's medians and spreads, every repetition, the targets), appended
// so that a regression shows against earlier runs of the same machine.
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { exec } from './exec.js'
import { repoRoot } from './paths.js'
import type { RunMeta } from './report.js'
import type { ScenarioSummary } from './summary.js'
import type { TargetCheck } from './targets.js'

/** HEAD's hash, with "+dirty" when the working tree has changes outside bench/results. */
export async function gitCommit (): Promise<string> {
  try {
    const head = (await exec('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repoRoot })).trim()
    const status = (await exec('git', ['status', '--porcelain', '--', '.', ':!bench/results'], { cwd: repoRoot })).trim()
    return status === '' ? head : `${head}+dirty`
  } catch {
    return 'unknown'
  }
}

/** Appends the run to `dir`/history.jsonl. */
export function appendHistory (dir: string, meta: RunMeta, scenarios: ScenarioSummary[], targets: TargetCheck[]): string {
  const line = {
    ...meta,
    scenarios: scenarios.map(s => ({
      name: s.name,
      records: s.records,
      rows: s.clients.map(c => ({
        row: c.row,
        client: c.client,
        ok: c.ok,
        failed: c.failed,
        errors: c.errors,
        recordsPerSec: c.recordsPerSec,
        cpuPerMillion: c.cpuPerMillion,
        peakRssBytes: c.peakRssBytes,
        p50: c.p50,
        p99: c.p99,
        p999: c.p999,
        fetchBytesPerRequest: c.fetchBytesPerRequest,
        ratio: c.ratio,
        runs: c.runs.map(r => ({ ...r, rss: undefined }))
      }))
    })),
    targets
  }
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'history.jsonl')
  appendFileSync(file, JSON.stringify(line) + '\n')
  return file
}
