/**
 * Broker-free benchmark of the producer's append path (issue 17): N records (key "k", value
 * "v") through `Accumulator.append` in `sendBatch`-like calls of 10,000 (one delivery target per
 * call), then one drain that closes the batches. Prints CPU ns per record. Being broker-free, it
 * gives a deterministic instruction count per record under callgrind: run it at two sizes and
 * divide the difference (`--single-threaded` makes V8 compile and collect on the main thread):
 *
 *   node --import tsx bench/produce-append.ts 1000000
 *   valgrind --tool=callgrind node --single-threaded --import tsx bench/produce-append.ts 20000
 *   valgrind --tool=callgrind node --single-threaded --import tsx bench/produce-append.ts 520000
 */
import { Accumulator } from '../src/producer/accumulator.js'
import { GroupDelivery } from '../src/producer/delivery-target.js'

const n = Number(process.argv[2] ?? 1_000_000)
const a = new Accumulator({ lingerMs: 5, batchSize: 1_048_576, maxBatchBytes: 2 ** 30, maxBatchSize: 2 ** 30, maxRequestSize: 2 ** 30, deliveryTimeoutMs: 120_000, compression: 'none', maxInFlightPerPartition: 5, idempotent: false })
const record = { key: Buffer.from('k'), value: Buffer.from('v'), headers: null, timestamp: 1_700_000_000_000 }
const cpu0 = process.cpuUsage()
for (let sent = 0; sent < n; ) {
  const m = Math.min(10_000, n - sent)
  const target = new GroupDelivery(m)
  target.promise.catch(() => {})
  for (let i = 0; i < m; i++) a.append('t', 0, record, 40, target, i, null, 1_700_000_000_000)
  sent += m
}
const drained = a.drain(1_700_000_000_010, true, () => 1, () => 1000, null)
const cpu = process.cpuUsage(cpu0)
console.log(`${n} records, ${drained.requests.length} requests, ${(((cpu.user + cpu.system) * 1000) / n).toFixed(1)} CPU ns/record`)
