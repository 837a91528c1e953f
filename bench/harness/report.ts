// The terminal table and the Markdown report of a comparison run.
import type { ClientSummary, ScenarioSummary } from './summary.js'
import { verdict, type TargetCheck } from './targets.js'

export interface RunMeta {
  date: string
  reps: number
  /** Unmeasured warm-up runs per scenario before the repetitions (absent in older records: none). */
  warmup?: number
  broker: string
  kafkaVersion: string
  node: string
  cpus: number
  cpuModel: string
  memoryGiB: number
  loadAverage: number[]
  clients: Array<{ name: string, label: string }>
  /** git commit of the working tree, with "+dirty" when it had changes. */
  commit: string
  /** How the broker and the clients were pinned to CPUs. */
  pinning: string
  /** --records, when the run was scaled down (its figures are not comparable with full runs). */
  recordsOverride: number | null
  kernel: string
}

const fmtInt = (n: number): string => Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–'
const fmt = (n: number, digits = 1): string => Number.isFinite(n) ? n.toFixed(digits) : '–'
const fmtRatio = (n: number): string => Number.isFinite(n) ? `${n.toFixed(2)}×` : '–'
const mib = (n: number): string => Number.isFinite(n) ? (n / 1048576).toFixed(0) : '–'

function withSpread (median: string, min: string, max: string): string {
  return median === '–' ? '–' : `${median} (${min}–${max})`
}

function status (c: ClientSummary): string {
  const parts: string[] = []
  const unsupported = c.errors.length > 0 && c.errors.every(e => e.startsWith('not supported'))
  if (c.failed > 0) parts.push(unsupported && c.ok === 0 ? c.errors.join('; ') : `FAILED ${c.failed}/${c.ok + c.failed}: ${c.errors.join('; ')}`)
  parts.push(...c.notes)
  return parts.join('; ')
}

/** Header and rows of one scenario's table. */
export function tableRows (s: ScenarioSummary): string[][] {
  if (s.kind === 'latency') {
    const head = ['client', 'p50 ms', 'p99 ms', 'p99.9 ms', 'records', 'CPU s/1M', 'peak RSS MiB', 'p99 vs kafkats', 'notes']
    return [head, ...s.clients.map(c => [
      c.row,
      withSpread(fmt(c.p50.median), fmt(c.p50.min), fmt(c.p50.max)),
      withSpread(fmt(c.p99.median), fmt(c.p99.min), fmt(c.p99.max)),
      withSpread(fmt(c.p999.median), fmt(c.p999.min), fmt(c.p999.max)),
      fmtInt(c.runs.find(r => r.ok)?.records ?? NaN),
      fmt(c.cpuPerMillion.median, 2),
      mib(c.peakRssBytes.median),
      fmtRatio(c.ratio),
      status(c)
    ])]
  }
  const fetchStats = s.clients.some(c => Number.isFinite(c.fetchBytesPerRequest.median))
  const head = ['client', 'records/s median (min–max)', 'MB/s', 'CPU s/1M records', 'peak RSS MiB (min–max)', ...(fetchStats ? ['Fetch requests', 'B sent per Fetch'] : []), 'vs kafkats', 'notes']
  return [head, ...s.clients.map(c => [
    c.row,
    withSpread(fmtInt(c.recordsPerSec.median), fmtInt(c.recordsPerSec.min), fmtInt(c.recordsPerSec.max)),
    fmt(c.mbPerSec.median, 2),
    withSpread(fmt(c.cpuPerMillion.median, 2), fmt(c.cpuPerMillion.min, 2), fmt(c.cpuPerMillion.max, 2)),
    withSpread(mib(c.peakRssBytes.median), mib(c.peakRssBytes.min), mib(c.peakRssBytes.max)),
    ...(fetchStats ? [fmtInt(c.fetchRequests.median), fmtInt(c.fetchBytesPerRequest.median)] : []),
    fmtRatio(c.ratio),
    status(c)
  ])]
}

/** A fixed-width text table for the terminal. */
export function terminalTable (s: ScenarioSummary): string {
  const rows = tableRows(s)
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  const line = (r: string[]): string => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()
  return [`${s.name}: ${s.summary}`, line(rows[0]), widths.map(w => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

function markdownTable (rows: string[][]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  return [
    `| ${rows[0].map(esc).join(' | ')} |`,
    `| ${rows[0].map(() => '---').join(' | ')} |`,
    ...rows.slice(1).map(r => `| ${r.map(esc).join(' | ')} |`)
  ].join('\n')
}

/** The targets as table rows. */
export function targetRows (targets: TargetCheck[]): string[][] {
  return [['issue', 'scenario', 'target', 'measured', 'verdict'], ...targets.map(t => [`#${t.issue}`, t.scenario, t.target, t.measured, verdict(t)])]
}

/** The targets for the terminal. */
export function terminalTargets (targets: TargetCheck[]): string {
  const rows = targetRows(targets)
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  const line = (r: string[]): string => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()
  return ['targets (issues 16 and 17):', line(rows[0]), ...rows.slice(1).map(line)].join('\n')
}

/** bench/results/latest.md: setup, targets, one table per scenario, the charts. */
export function markdownReport (meta: RunMeta, scenarios: ScenarioSummary[], chartFile: string, targets: TargetCheck[], rssChartFile: string | null): string {
  const out: string[] = []
  out.push('# kafkats benchmark: latest run', '')
  out.push(`Written by \`npm run bench\` (bench/run.ts) on ${meta.date}. How to read it: bench/README.md.`, '')
  out.push('**Noise warning:** this machine has', `${meta.cpus} cores (${meta.cpuModel}), ${meta.memoryGiB} GiB of memory, and runs the broker, the client and, while this run was made, other engineers' test suites at the same time; load average at the start was ${meta.loadAverage.map(l => l.toFixed(2)).join(', ')}. Treat differences under ~20% as noise; the min–max spread shows how much the ${meta.reps} repetitions moved.`, '')
  out.push(`Commit ${meta.commit}; ${meta.kernel}. CPU pinning: ${meta.pinning}.`, '')
  if (meta.recordsOverride !== null) out.push(`**Scaled-down run** (\`--records ${meta.recordsOverride}\`): a smoke test of the harness, not figures to compare.`, '')
  out.push(`Broker: Apache Kafka ${meta.kafkaVersion} at ${meta.broker} (one node, replication factor 1). Every client ran in its own process under ${meta.node}, except the Java client (OpenJDK). Repetitions: ${meta.reps}, client order rotated each repetition${(meta.warmup ?? 0) > 0 ? `, after ${meta.warmup} unmeasured warm-up run(s) per scenario (the first client's) so that no client meets a cold broker` : ''}; every cell shows the median and the min–max of the repetitions.`, '')
  out.push('Clients:', '')
  for (const c of meta.clients) out.push(`- **${c.name}**: ${c.label}`)
  out.push('', '## Targets', '', 'Issue 17 (producer, bench) and issue 16 (fetch path), checked against this run\'s medians. "not measured": the scenario or a client it compares with is missing from the run.', '', markdownTable(targetRows(targets)), '')
  out.push(`![records/s by client and scenario](${chartFile})`, '')
  for (const s of scenarios) {
    out.push(`## ${s.name}`, '', s.summary, '', markdownTable(tableRows(s)), '')
    if (s.name === 'consume-1gb' && rssChartFile !== null) out.push(`![RSS over time, consume-1gb](${rssChartFile})`, '')
  }
  out.push('CPU seconds and peak RSS are the operating system\'s numbers for the client\'s whole process (GNU time: user+system CPU, max RSS), start-up included (Node and tsx loading, JVM start). Records/s come from each client\'s own clock around the measured section (kcat, which has none: its process wall time less its start-up). Every client process ran pinned as said above.', '')
  return out.join('\n')
}
