// Helpers shared by every client script the harness runs in its own process (plain JS so
// the peers' scripts run on Node 24 without a loader). The harness passes the scenario in
// the BENCH_CONFIG environment variable and reads one `BENCH_RESULT {json}` line back.
import { performance } from 'node:perf_hooks'

/** The scenario settings the harness sent (see bench/harness/scenarios.ts, ChildConfig). */
export function benchConfig () {
  const text = process.env.BENCH_CONFIG
  if (text === undefined) throw new Error('BENCH_CONFIG is not set: run this through bench/run.ts')
  return JSON.parse(text)
}

/** Monotonic milliseconds. */
export function now () {
  return performance.now()
}

/** Prints the one line the harness parses, then lets the process end. */
export function reportResult (result) {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`)
}

/** Fails the run with a message the harness shows in the table. */
export function fail (err) {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
  process.stderr.write(`BENCH_ERROR ${message.split('\n')[0]}\n${message}\n`)
  process.exit(1)
}

/** A value of `size` random letters A-Z, made once and reused (as Kafka's ProducerPerformance does). */
export function letters (size) {
  const b = Buffer.allocUnsafe(size)
  for (let i = 0; i < size; i++) b[i] = 65 + Math.floor(Math.random() * 26)
  return b
}

/** The record value of a scenario: its fixed text, or `valueSize` random letters. */
export function recordValue (cfg) {
  return cfg.value !== null ? Buffer.from(cfg.value) : letters(cfg.valueSize)
}

/** Payload bytes (key + value) of one record of the scenario. */
export function recordBytes (cfg) {
  return (cfg.key === null ? 0 : Buffer.byteLength(cfg.key)) + (cfg.value !== null ? Buffer.byteLength(cfg.value) : cfg.valueSize)
}

/** p50/p99/p999 in ms of latency samples (sorted in place). */
export function percentiles (samples) {
  const s = Float64Array.from(samples).sort()
  const at = q => s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), count: s.length }
}

/**
 * Drives a fixed-rate producer for the latency scenario: every millisecond tick it calls
 * `sendDue(n)` with the number of records now due so that `rate` records/s go out for
 * `durationMs`. Resolves with the number sent once the duration is over.
 */
export async function paced (rate, durationMs, sendDue) {
  const start = now()
  let sent = 0
  for (;;) {
    const elapsed = now() - start
    if (elapsed >= durationMs) break
    const due = Math.floor(elapsed * rate / 1000) - sent
    if (due > 0) {
      await sendDue(due)
      sent += due
    }
    await new Promise(resolve => setTimeout(resolve, 1))
  }
  return sent
}

/** Resolves once `done()` is true or `timeoutMs` passed; polls every 5 ms. */
export async function waitFor (done, timeoutMs) {
  const end = now() + timeoutMs
  while (!done() && now() < end) await new Promise(resolve => setTimeout(resolve, 5))
  return done()
}
