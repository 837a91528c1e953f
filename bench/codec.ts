/**
 * Record batch codec benchmark: encodes and decodes batches of 1,000 records with 100-byte
 * values (JSON-like text, so compression has something to do), uncompressed and with each
 * codec, and prints records/s and MB/s of uncompressed batch bytes.
 *
 *   node --import tsx bench/codec.ts [--seconds N]      (or: npm run bench -- codec)
 */
import { pathToFileURL } from 'node:url'
import type { CompressionCodec } from '../src/protocol/compression/index.js'
import {
  decodeRecordBatches,
  decodeRecordBatchesSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  type ProduceRecord,
} from '../src/protocol/records/index.js'

const RECORDS = 1000
const VALUE_SIZE = 100
const SECONDS_PER_CASE = 1
const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']
const where = { topic: 'bench', partition: 0 }

function makeRecords(): ProduceRecord[] {
  const records: ProduceRecord[] = []
  for (let i = 0; i < RECORDS; i++) {
    const text = `{"id":${i},"user":"user-${i % 97}","event":"page_view","path":"/products/${i % 13}","ok":true}`
    const value = Buffer.alloc(VALUE_SIZE, 0x20)
    value.write(text.slice(0, VALUE_SIZE))
    records.push({ key: Buffer.from(`key-${i % 100}`), value, timestamp: 1_700_000_000_000 + i })
  }
  return records
}

/** Runs `op` repeatedly for about `seconds` (after a short warm-up); returns operations per second. */
async function measure(op: () => unknown, seconds: number): Promise<number> {
  const warmUntil = performance.now() + 200
  while (performance.now() < warmUntil) await op()
  let n = 0
  const start = performance.now()
  const stop = start + seconds * 1000
  let now = start
  while (now < stop) {
    for (let i = 0; i < 10; i++) await op()
    n += 10
    now = performance.now()
  }
  return n / ((now - start) / 1000)
}

interface Row {
  codec: CompressionCodec
  batchBytes: number
  encodeRecordsPerSec: number
  encodeMBps: number
  decodeRecordsPerSec: number
  decodeMBps: number
}

/** Runs the benchmark; `args` may hold `--seconds N` (time per case, default 1). */
export async function run(args: string[] = []): Promise<void> {
  const at = args.indexOf('--seconds')
  const seconds = at >= 0 ? Number(args[at + 1]) : SECONDS_PER_CASE
  if (!(seconds > 0)) throw new Error('--seconds needs a positive number')
  const records = makeRecords()
  const uncompressedBytes = encodeRecordBatchSync(records).length
  const rows: Row[] = []
  for (const codec of CODECS) {
    const options = { compression: codec, timestamp: 1_700_000_000_000 }
    const sync = codec !== 'zstd'
    const batch = sync ? encodeRecordBatchSync(records, options) : await encodeRecordBatch(records, options)
    const encodeOps = await measure(sync ? () => encodeRecordBatchSync(records, options) : () => encodeRecordBatch(records, options), seconds)
    const decodeOps = await measure(
      sync ? () => decodeRecordBatchesSync(batch, where) : () => decodeRecordBatches(batch, where),
      seconds,
    )
    rows.push({
      codec,
      batchBytes: batch.length,
      encodeRecordsPerSec: encodeOps * RECORDS,
      encodeMBps: (encodeOps * uncompressedBytes) / 1e6,
      decodeRecordsPerSec: decodeOps * RECORDS,
      decodeMBps: (decodeOps * uncompressedBytes) / 1e6,
    })
  }
  const fmt = (n: number, width: number) => n.toFixed(0).padStart(width)
  const fmtM = (n: number, width: number) => n.toFixed(1).padStart(width)
  console.log(`record batch codec: ${RECORDS} records x ${VALUE_SIZE}-byte values, ${uncompressedBytes} bytes uncompressed (node ${process.version})`)
  console.log('codec    batch B   encode rec/s  encode MB/s   decode rec/s  decode MB/s')
  for (const r of rows) {
    console.log(
      `${r.codec.padEnd(7)} ${fmt(r.batchBytes, 8)} ${fmt(r.encodeRecordsPerSec, 14)} ${fmtM(r.encodeMBps, 12)} ${fmt(r.decodeRecordsPerSec, 14)} ${fmtM(r.decodeMBps, 12)}`,
    )
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run(process.argv.slice(2))
}
