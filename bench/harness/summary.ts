// What one repetition measured and how the repetitions of a row (a client, or a kafkats
// variant such as "kafkats idempotent") sum up.
import type { ClientName } from './clients.js'
import type { RssSample } from './measure.js'
import type { ScenarioKind } from './scenarios.js'
import { spread, type Spread } from './stats.js'

export interface RunRecord {
  client: ClientName
  /** Row of the table: the client's name, or a kafkats variant's. */
  row: string
  rep: number
  ok: boolean
  error?: string
  records?: number
  recordsPerSec?: number
  mbPerSec?: number
  cpuSeconds?: number
  /** CPU seconds of the whole process per million records handled. */
  cpuPerMillion?: number
  peakRssBytes?: number
  wallSeconds?: number
  latencyMs?: { p50: number, p99: number, p999: number, count: number }
  /** Fetch requests sent and their mean size in bytes (kafkats only). */
  fetchRequests?: number
  fetchBytesPerRequest?: number
  /** VmRSS over time (scenarios that sample it). */
  rss?: RssSample[]
  note?: string
}

export interface ClientSummary {
  client: ClientName
  row: string
  label: string
  ok: number
  failed: number
  /** Distinct errors of failed runs (or why the client could not run at all). */
  errors: string[]
  notes: string[]
  recordsPerSec: Spread
  mbPerSec: Spread
  cpuPerMillion: Spread
  peakRssBytes: Spread
  p50: Spread
  p99: Spread
  p999: Spread
  fetchRequests: Spread
  fetchBytesPerRequest: Spread
  /** This row's median over kafkats' median: records/s (above 1: faster), latency p99 (above 1: slower); NaN without both. */
  ratio: number
  runs: RunRecord[]
}

export interface ScenarioSummary {
  name: string
  kind: ScenarioKind
  summary: string
  /** Records each client handled (the scenario's, or --records). */
  records: number
  clients: ClientSummary[]
}

export function summarize (client: ClientName, row: string, label: string, runs: RunRecord[]): ClientSummary {
  const ok = runs.filter(r => r.ok)
  const pick = (f: (r: RunRecord) => number | undefined): Spread => spread(ok.map(r => f(r) ?? NaN))
  return {
    client,
    row,
    label,
    ok: ok.length,
    failed: runs.length - ok.length,
    errors: [...new Set(runs.filter(r => !r.ok).map(r => r.error ?? 'unknown error'))],
    notes: [...new Set(ok.map(r => r.note).filter((n): n is string => n !== undefined))],
    recordsPerSec: pick(r => r.recordsPerSec),
    mbPerSec: pick(r => r.mbPerSec),
    cpuPerMillion: pick(r => r.cpuPerMillion),
    peakRssBytes: pick(r => r.peakRssBytes),
    p50: pick(r => r.latencyMs?.p50),
    p99: pick(r => r.latencyMs?.p99),
    p999: pick(r => r.latencyMs?.p999),
    fetchRequests: pick(r => r.fetchRequests),
    fetchBytesPerRequest: pick(r => r.fetchBytesPerRequest),
    ratio: NaN,
    runs
  }
}

/** Fills each row's ratio to the plain kafkats row. */
export function addRatios (kind: ScenarioKind, clients: ClientSummary[]): void {
  const base = clients.find(c => c.row === 'kafkats')
  for (const c of clients) {
    if (base === undefined) continue
    c.ratio = kind === 'latency'
      ? c.p99.median / base.p99.median
      : c.recordsPerSec.median / base.recordsPerSec.median
  }
}
