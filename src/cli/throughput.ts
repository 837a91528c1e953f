/** Throughput figures for the produce and consume summaries (1 MB = 1,000,000 bytes). */
export interface Throughput {
  records: number
  bytes: number
  durationMs: number
  recordsPerSecond: number
  megabytesPerSecond: number
}

export function throughput(records: number, bytes: number, durationMs: number): Throughput {
  const seconds = Math.max(durationMs, 1) / 1000
  return {
    records,
    bytes,
    durationMs: Math.round(durationMs),
    recordsPerSecond: Math.round(records / seconds),
    megabytesPerSecond: Math.round((bytes / 1e6 / seconds) * 100) / 100,
  }
}

/** `12345 records (3.21 MB) in 1.23 s: 10037 records/s, 2.61 MB/s` */
export function throughputText(t: Throughput): string {
  return `${t.records} record${t.records === 1 ? '' : 's'} (${(t.bytes / 1e6).toFixed(2)} MB) in ${(t.durationMs / 1000).toFixed(2)} s: ${t.recordsPerSecond} records/s, ${t.megabytesPerSecond.toFixed(2)} MB/s`
}
