// The comparison scenarios: what each client process is asked to do, with every client's
// settings in one place (bench/README.md, "Settings per scenario", shows them per client).
import type { ChildConfig } from '../scenarios/shared/child.mjs'

/** How a scenario drives a client: produce N records, read N records, or measure latency. */
export type ScenarioKind = 'produce' | 'consume' | 'latency'

/** Settings every client of a scenario gets (topic, bootstrap and group id are added per run). */
export type ScenarioSettings = Omit<ChildConfig, 'scenario' | 'bootstrap' | 'topic' | 'groupId'>

/** A second kafkats row of a scenario: the same run with some settings changed. */
export interface KafkatsVariant {
  /** Row name, e.g. "kafkats idempotent". */
  row: string
  overrides: Partial<ScenarioSettings>
}

export interface Scenario {
  name: string
  kind: ScenarioKind
  /** One line for the report. */
  summary: string
  settings: ScenarioSettings
  /** Longest a client process may take, ms; past it the run fails with a timeout. */
  timeoutMs: number
  /** Extra kafkats rows (idempotence on, fetch sessions off…). */
  kafkatsVariants?: KafkatsVariant[]
  /** Sample each client's RSS every 100 ms and chart it (bench/results/latest-rss.svg). */
  sampleRss?: boolean
  /**
   * How the consume scenarios' topic is filled: 'per-partition' writes records/partitions to
   * each partition; 'spread' lets kcat's partitioner spread keyless records (many partitions).
   */
  fill?: 'per-partition' | 'spread'
}

const MiB = 1048576

/** The settings every scenario starts from: the same for every client wherever it has them. */
const common: ScenarioSettings = {
  partitions: 8,
  records: 0,
  key: 'k',
  value: 'v',
  valueSize: 1,
  acks: 1,
  compression: 'none',
  batchBytes: MiB,
  lingerMs: 5,
  rate: 0,
  durationMs: 0,
  idempotent: false,
  maxInFlight: 5,
  bufferBytes: 64 * MiB,
  fetchMinBytes: 1,
  fetchMaxWaitMs: 500,
  fetchMaxBytes: 50 * MiB,
  maxPartitionFetchBytes: MiB
}

export const scenarios: Record<string, Scenario> = {
  'publish-1m': {
    name: 'publish-1m',
    kind: 'produce',
    summary: '1,000,000 records, key "k", value "v", 8 partitions, no compression, acks 1, idempotence off (kafkats also with idempotence on, acks all)',
    settings: { ...common, records: 1_000_000 },
    timeoutMs: 180_000,
    kafkatsVariants: [{ row: 'kafkats idempotent', overrides: { idempotent: true, acks: -1 } }]
  },
  'produce-1k': {
    name: 'produce-1k',
    kind: 'produce',
    summary: '200,000 records of 1 KiB (random letters), no key, 8 partitions, lz4, acks all, idempotence off',
    settings: { ...common, records: 200_000, key: null, value: null, valueSize: 1024, acks: -1, compression: 'lz4' },
    timeoutMs: 180_000
  },
  'consume-1m': {
    name: 'consume-1m',
    kind: 'consume',
    summary: 'read 1,000,000 pre-produced records (key "k", value "v", 125,000 per partition, 8 partitions), no group',
    settings: { ...common, records: 1_000_000 },
    timeoutMs: 180_000,
    fill: 'per-partition'
  },
  'consume-1gb': {
    name: 'consume-1gb',
    kind: 'consume',
    summary: 'read 1 GiB: 1,048,576 pre-produced records of 1 KiB (no key, 8 partitions), no group, default consumer options; RSS sampled every 100 ms',
    settings: { ...common, records: 1_048_576, key: null, value: null, valueSize: 1024 },
    timeoutMs: 300_000,
    sampleRss: true,
    fill: 'per-partition'
  },
  'consume-1000p': {
    name: 'consume-1000p',
    kind: 'consume',
    summary: 'read 1,000,000 pre-produced records of 100 bytes (no key) spread over 1,000 partitions, no group; kafkats with fetch sessions on and off',
    settings: { ...common, partitions: 1000, records: 1_000_000, key: null, value: null, valueSize: 100 },
    timeoutMs: 300_000,
    fill: 'spread',
    kafkatsVariants: [{ row: 'kafkats no sessions', overrides: { fetchSessions: false } }]
  },
  latency: {
    name: 'latency',
    kind: 'latency',
    summary: 'produce→consume latency at 5,000 records/s for 10 s in one process, linger 0, acks 1, fetch wait 100 ms, 8 partitions',
    settings: { ...common, records: 50_000, lingerMs: 0, rate: 5000, durationMs: 10_000, fetchMaxWaitMs: 100 },
    timeoutMs: 90_000
  }
}

/**
 * The scenario with its record count replaced (--records, for quick smoke runs): consume
 * scenarios keep whole records per partition; latency runs records/rate seconds (at least 1 s).
 */
export function scaled (s: Scenario, records: number | null): Scenario {
  if (records === null) return s
  const settings = { ...s.settings }
  if (s.kind === 'latency') {
    settings.durationMs = Math.max(1000, Math.round(records / settings.rate * 1000))
    settings.records = Math.round(settings.rate * settings.durationMs / 1000)
  } else if (s.kind === 'consume' && s.fill === 'per-partition') {
    settings.records = Math.max(1, Math.floor(records / settings.partitions)) * settings.partitions
  } else {
    settings.records = records
  }
  return { ...s, settings }
}

/** Scenarios that delegate to a single-client quick bench (bench/<name>.ts exporting run(args)). */
export const delegated = ['codec', 'produce', 'consume', 'txn', 'gateway'] as const
