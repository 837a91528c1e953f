// The comparison scenarios: what each client process is asked to do.
import type { ChildConfig } from '../scenarios/shared/child.mjs'

/** How a scenario drives a client: produce N records, read N records, or measure latency. */
export type ScenarioKind = 'produce' | 'consume' | 'latency'

export interface Scenario {
  name: string
  kind: ScenarioKind
  /** One line for the report. */
  summary: string
  /** Settings every client gets (topic, bootstrap and group id are added per run). */
  settings: Omit<ChildConfig, 'scenario' | 'bootstrap' | 'topic' | 'groupId'>
  /** Longest a client process may take, ms; past it the run fails with a timeout. */
  timeoutMs: number
}

const common = {
  partitions: 8,
  key: 'k',
  value: 'v',
  valueSize: 1,
  acks: 1,
  compression: 'none' as const,
  batchBytes: 1048576,
  lingerMs: 5,
  rate: 0,
  durationMs: 0
}

export const scenarios: Record<string, Scenario> = {
  'publish-1m': {
    name: 'publish-1m',
    kind: 'produce',
    summary: '1,000,000 records, key "k", value "v", 8 partitions, no compression, acks 1',
    settings: { ...common, records: 1_000_000 },
    timeoutMs: 180_000
  },
  'produce-1k': {
    name: 'produce-1k',
    kind: 'produce',
    summary: '200,000 records of 1 KiB (random letters), no key, 8 partitions, lz4, acks all',
    settings: { ...common, records: 200_000, key: null, value: null, valueSize: 1024, acks: -1, compression: 'lz4' },
    timeoutMs: 180_000
  },
  'consume-1m': {
    name: 'consume-1m',
    kind: 'consume',
    summary: 'read 1,000,000 pre-produced records (key "k", value "v", 125,000 per partition, 8 partitions)',
    settings: { ...common, records: 1_000_000 },
    timeoutMs: 180_000
  },
  latency: {
    name: 'latency',
    kind: 'latency',
    summary: 'produce→consume latency at 5,000 records/s for 10 s in one process, lingerMs 0, acks 1, 8 partitions',
    settings: { ...common, records: 50_000, lingerMs: 0, rate: 5000, durationMs: 10_000 },
    timeoutMs: 90_000
  }
}

/** Scenarios that delegate to a single-client quick bench (bench/<name>.ts exporting run(args)). */
export const delegated = ['codec', 'produce', 'consume', 'txn', 'gateway'] as const
