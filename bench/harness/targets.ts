// The targets of issues 16 (fetch path) and 17 (producer, bench) checked against one run:
// each holds, misses, or could not be measured (scenario or client missing from the run).
import { nodeClients } from './clients.js'
import type { ClientSummary, ScenarioSummary } from './summary.js'

export interface TargetCheck {
  issue: number
  scenario: string
  target: string
  /** What the run measured, in words. */
  measured: string
  /** true: holds; false: misses; null: not measured, or stated only (no threshold). */
  holds: boolean | null
}

const x = (n: number): string => `${n.toFixed(2)}×`
const mib = (n: number): string => `${(n / 1048576).toFixed(0)} MiB`
const k = (n: number): string => n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : `${(n / 1e3).toFixed(0)} k/s`

/** Every target, checked against the run's summaries. */
export function checkTargets (scenarios: ScenarioSummary[]): TargetCheck[] {
  const out: TargetCheck[] = []
  const row = (scenario: string, name: string): ClientSummary | undefined => {
    const c = scenarios.find(s => s.name === scenario)?.clients.find(r => r.row === name)
    return c !== undefined && c.ok > 0 ? c : undefined
  }
  const missing = (scenario: string, names: string[]): string => {
    const s = scenarios.find(v => v.name === scenario)
    if (s === undefined) return `${scenario} not in this run`
    return `no result for ${names.filter(n => row(scenario, n) === undefined).join(', ')}`
  }
  /** kafkats' median records/s over `peer`'s, at least `min`. */
  const faster = (issue: number, scenario: string, peer: string, min: number): void => {
    const a = row(scenario, 'kafkats')
    const b = row(scenario, peer)
    const target = `records/s ≥ ${min.toFixed(1)}× ${peer}`
    if (a === undefined || b === undefined) { out.push({ issue, scenario, target, measured: missing(scenario, ['kafkats', peer]), holds: null }); return }
    const r = a.recordsPerSec.median / b.recordsPerSec.median
    out.push({ issue, scenario, target, measured: `${x(r)} (${k(a.recordsPerSec.median)} vs ${k(b.recordsPerSec.median)})`, holds: r >= min })
  }
  /** kafkats' CPU per million records at most `max` × `peer`'s. */
  const cpu = (issue: number, scenario: string, peer: string, max: number): void => {
    const a = row(scenario, 'kafkats')
    const b = row(scenario, peer)
    const target = `CPU s per million records ≤ ${max === 1 ? '' : `${max.toFixed(1)}× `}${peer}'s`
    if (a === undefined || b === undefined) { out.push({ issue, scenario, target, measured: missing(scenario, ['kafkats', peer]), holds: null }); return }
    const r = a.cpuPerMillion.median / b.cpuPerMillion.median
    out.push({ issue, scenario, target, measured: `${x(r)} (${a.cpuPerMillion.median.toFixed(2)} vs ${b.cpuPerMillion.median.toFixed(2)})`, holds: r <= max })
  }

  faster(17, 'publish-1m', 'franz-go', 1.0)
  faster(17, 'publish-1m', 'kcat', 0.8)
  cpu(17, 'publish-1m', 'franz-go', 1.5)
  faster(17, 'produce-1k', 'kcat', 1.0)
  {
    const a = row('latency', 'kafkats')
    const peers = nodeClients.map(n => row('latency', n))
    const target = `p99 ≤ every Node peer's (${nodeClients.join(', ')})`
    if (a === undefined || peers.some(p => p === undefined)) {
      out.push({ issue: 17, scenario: 'latency', target, measured: missing('latency', ['kafkats', ...nodeClients]), holds: null })
    } else {
      const worst = Math.min(...peers.map(p => p!.p99.median))
      out.push({ issue: 17, scenario: 'latency', target, measured: `kafkats ${a.p99.median.toFixed(1)} ms, best Node peer ${worst.toFixed(1)} ms`, holds: a.p99.median <= worst })
    }
  }
  {
    const a = row('publish-1m', 'kafkats')
    const b = row('publish-1m', 'kafkats idempotent')
    out.push({
      issue: 17,
      scenario: 'publish-1m',
      target: 'idempotence on vs off (stated, no threshold)',
      measured: a !== undefined && b !== undefined ? `on ${k(b.recordsPerSec.median)}, off ${k(a.recordsPerSec.median)} (${x(b.recordsPerSec.median / a.recordsPerSec.median)})` : missing('publish-1m', ['kafkats', 'kafkats idempotent']),
      holds: null
    })
  }
  faster(16, 'consume-1m', 'java', 1.0)
  faster(16, 'consume-1m', 'platformatic', 1.2)
  cpu(16, 'consume-1m', 'java', 1.0)
  {
    const a = row('consume-1m', 'kafkats')
    const b = row('consume-1m', 'franz-go')
    out.push({
      issue: 16,
      scenario: 'consume-1m',
      target: 'ratio to franz-go (stated, no threshold)',
      measured: a !== undefined && b !== undefined ? `${x(a.recordsPerSec.median / b.recordsPerSec.median)} records/s, ${x(a.cpuPerMillion.median / b.cpuPerMillion.median)} CPU` : missing('consume-1m', ['kafkats', 'franz-go']),
      holds: null
    })
  }
  {
    const a = row('consume-1gb', 'kafkats')
    const target = 'peak RSS ≤ 150 MiB (every repetition), default options'
    if (a === undefined) out.push({ issue: 16, scenario: 'consume-1gb', target, measured: missing('consume-1gb', ['kafkats']), holds: null })
    else out.push({ issue: 16, scenario: 'consume-1gb', target, measured: `max ${mib(a.peakRssBytes.max)} (median ${mib(a.peakRssBytes.median)})`, holds: a.peakRssBytes.max <= 150 * 1048576 })
    const series = a?.runs.find(r => r.ok && r.rss !== undefined && r.rss.length >= 8)?.rss
    const flat = 'RSS flat over time: last quarter\'s peak ≤ 1.1× second quarter\'s'
    if (series === undefined) out.push({ issue: 16, scenario: 'consume-1gb', target: flat, measured: a === undefined ? missing('consume-1gb', ['kafkats']) : 'too few RSS samples (run shorter than ~1 s)', holds: null })
    else {
      const q = Math.floor(series.length / 4)
      const peak = (from: number, to: number): number => Math.max(...series.slice(from, to).map(s => s.rss))
      const second = peak(q, 2 * q)
      const last = peak(3 * q, series.length)
      out.push({ issue: 16, scenario: 'consume-1gb', target: flat, measured: `${mib(second)} → ${mib(last)}`, holds: last <= second * 1.1 })
    }
  }
  {
    const on = row('consume-1000p', 'kafkats')
    const off = row('consume-1000p', 'kafkats no sessions')
    const target = 'fetch sessions send fewer bytes per Fetch request than sessionless fetches'
    if (on === undefined || off === undefined) out.push({ issue: 16, scenario: 'consume-1000p', target, measured: missing('consume-1000p', ['kafkats', 'kafkats no sessions']), holds: null })
    else {
      out.push({
        issue: 16,
        scenario: 'consume-1000p',
        target,
        measured: `${on.fetchBytesPerRequest.median.toFixed(0)} B vs ${off.fetchBytesPerRequest.median.toFixed(0)} B per request (${on.fetchRequests.median} vs ${off.fetchRequests.median} requests); CPU ${on.cpuPerMillion.median.toFixed(2)} vs ${off.cpuPerMillion.median.toFixed(2)} s per million`,
        holds: on.fetchBytesPerRequest.median < off.fetchBytesPerRequest.median
      })
    }
  }
  return out
}

/** "holds" / "MISSES" / "not measured" / "stated". */
export function verdict (t: TargetCheck): string {
  if (t.holds === true) return 'holds'
  if (t.holds === false) return 'MISSES'
  return /stated/.test(t.target) && !/^no result|not in this run/.test(t.measured) ? 'stated' : 'not measured'
}
