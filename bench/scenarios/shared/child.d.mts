// Types of child.mjs for the kafkats client scripts (TypeScript).

/** Scenario settings a client process gets in BENCH_CONFIG. */
export interface ChildConfig {
  scenario: string
  bootstrap: string
  topic: string
  partitions: number
  /** Records to produce or to read. */
  records: number
  /** Record key, null for none. */
  key: string | null
  /** Fixed value text, or null to use `valueSize` random letters. */
  value: string | null
  valueSize: number
  /** 1 or -1 (all). */
  acks: number
  compression: 'none' | 'lz4'
  /** Batching limit per partition, bytes. */
  batchBytes: number
  lingerMs: number
  /** Latency scenario: records per second and how long to produce, ms. */
  rate: number
  durationMs: number
  /** A group id no other run uses (clients that need a group to consume). */
  groupId: string
  /** Producer idempotence (with acks all). */
  idempotent: boolean
  /** Produce requests in flight per connection, at most. */
  maxInFlight: number
  /** Producer buffer (Java's buffer.memory, librdkafka's queue.buffering.max.kbytes), bytes. */
  bufferBytes: number
  /** Consumer: fetch.min.bytes, fetch.max.wait.ms, fetch.max.bytes, max.partition.fetch.bytes. */
  fetchMinBytes: number
  fetchMaxWaitMs: number
  fetchMaxBytes: number
  maxPartitionFetchBytes: number
  /** kafkats only: the consumer's fetchSessions option (default true). */
  fetchSessions?: boolean
}

/** What a client process reports. */
export interface ChildResult {
  records: number
  /** Payload bytes (keys + values). */
  bytes: number
  /** Time of the measured section, ms. */
  elapsedMs: number
  latencyMs?: { p50: number, p99: number, p999: number, count: number }
  /** Fetch requests the client sent and their bytes on the wire (kafkats, from its protocol log). */
  fetchRequests?: number
  fetchRequestBytes?: number
  note?: string
}

export function benchConfig (): ChildConfig
export function now (): number
export function reportResult (result: ChildResult): void
export function fail (err: unknown): never
export function letters (size: number): Buffer
export function recordValue (cfg: ChildConfig): Buffer
export function recordBytes (cfg: ChildConfig): number
export function percentiles (samples: ArrayLike<number>): { p50: number, p99: number, p999: number, count: number }
export function paced (rate: number, durationMs: number, sendDue: (n: number) => Promise<void>): Promise<number>
export function waitFor (done: () => boolean, timeoutMs: number): Promise<boolean>
