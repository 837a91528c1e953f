// The producer's one-pass encode path (issue 17): a record's payload size computed once
// (recordPayloadSize) and handed to RecordBatchBuilder.append, which writes it straight into the
// batch buffer. Checked byte for byte against an independent reference encoder written from the
// protocol guide ("Record Batch", "Record"), for random records: null, empty, short and long keys
// and values, headers (unicode keys, null values), default, earlier, later and far timestamps.
import t from 'tap'
import { recordPayloadSize, RecordBatchBuilder, setBatchProducerState } from '../../../src/protocol/records/record-batch-builder.js'
import type { ProduceRecord, RecordHeader } from '../../../src/protocol/records/record.js'
import { referenceCrc32c } from '../../fixtures/records/reference-crc.js'

/** Deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

function uvarint(v: bigint): number[] {
  const out: number[] = []
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return out
}

/** Zig-zag varint/varlong (protocol guide: "varint", "varlong"), in BigInt. */
function zigzag(v: number): number[] {
  const b = BigInt(v)
  return uvarint(b >= 0n ? b * 2n : -b * 2n - 1n)
}

function bytesField(v: Uint8Array | null | undefined): number[] {
  if (v === null || v === undefined) return zigzag(-1)
  return [...zigzag(v.length), ...v]
}

/** The batch as the protocol guide lays it out, nothing shared with the code under test. */
function referenceBatch(records: readonly ProduceRecord[], defaultTimestamp: number, state = { producerId: -1n, epoch: -1, baseSequence: -1 }): Buffer {
  const base = records[0].timestamp ?? defaultTimestamp
  let max = base
  const body: number[] = []
  records.forEach((r, i) => {
    const ts = r.timestamp ?? defaultTimestamp
    if (ts > max) max = ts
    const rec: number[] = [0, ...zigzag(ts - base), ...zigzag(i), ...bytesField(r.key), ...bytesField(r.value)]
    const headers = r.headers ?? []
    rec.push(...zigzag(headers.length))
    for (const h of headers) {
      const k = Buffer.from(h.key, 'utf8')
      rec.push(...zigzag(k.length), ...k, ...bytesField(h.value))
    }
    body.push(...zigzag(rec.length), ...rec)
  })
  const out = Buffer.alloc(61 + body.length)
  out.writeBigInt64BE(0n, 0)
  out.writeInt32BE(out.length - 12, 8)
  out.writeInt32BE(-1, 12)
  out[16] = 2
  out.writeInt16BE(0, 21)
  out.writeInt32BE(records.length - 1, 23)
  out.writeBigInt64BE(BigInt(base), 27)
  out.writeBigInt64BE(BigInt(max), 35)
  out.writeBigInt64BE(state.producerId, 43)
  out.writeInt16BE(state.epoch, 51)
  out.writeInt32BE(state.baseSequence, 53)
  out.writeInt32BE(records.length, 57)
  Buffer.from(body).copy(out, 61)
  out.writeUInt32BE(referenceCrc32c(out.subarray(21)), 17)
  return out
}

function randomBytes(rnd: () => number, max: number): Buffer {
  const sizes = [0, 1, 2, 15, 16, 17, 63, 64, 127, 128, 300, max]
  const n = rnd() < 0.7 ? sizes[Math.floor(rnd() * sizes.length)] : Math.floor(rnd() * max)
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256)
  return b
}

const HEADER_KEYS = ['', 'h', 'trace-id', 'ü', 'ключ', '🔑', 'x'.repeat(200)]

function randomRecord(rnd: () => number, base: number): ProduceRecord {
  const r: ProduceRecord = {
    key: rnd() < 0.2 ? null : randomBytes(rnd, 400),
    value: rnd() < 0.1 ? null : randomBytes(rnd, 20_000),
  }
  const hp = rnd()
  if (hp < 0.15) r.headers = null
  else if (hp < 0.2) r.headers = []
  else if (hp < 0.5) {
    const n = 1 + Math.floor(rnd() * 4)
    const headers: RecordHeader[] = []
    for (let i = 0; i < n; i++) headers.push({ key: HEADER_KEYS[Math.floor(rnd() * HEADER_KEYS.length)], value: rnd() < 0.3 ? null : randomBytes(rnd, 100) })
    r.headers = headers
  }
  const tp = rnd()
  if (tp < 0.3) r.timestamp = undefined
  else if (tp < 0.6) r.timestamp = base + Math.floor(rnd() * 10_000) - 5_000
  else if (tp < 0.7) r.timestamp = base + Math.floor(rnd() * 2 ** 40) - 2 ** 39 // deltas past 2^30: the varlong path
  else r.timestamp = base
  return r
}

t.test('one-pass encode matches the reference encoder byte for byte (random records)', async (t) => {
  const rnd = prng(17)
  const base = 1_700_000_000_000
  let checked = 0
  for (let round = 0; round < 120; round++) {
    const n = 1 + Math.floor(rnd() * 40)
    const records: ProduceRecord[] = []
    for (let i = 0; i < n; i++) records.push(randomRecord(rnd, base))
    const defaultTimestamp = base + 7
    const expected = referenceBatch(records, defaultTimestamp)
    for (const givenSize of [true, false]) {
      const builder = new RecordBatchBuilder({ timestamp: defaultTimestamp }, 64)
      for (const r of records) {
        const payload = givenSize ? recordPayloadSize(r.key, r.value, r.headers) : -1
        const before = builder.sizeInBytes
        const predicted = builder.recordSizeInBytes(r, payload)
        builder.append(r, payload)
        if (builder.sizeInBytes - before !== predicted) t.fail(`round ${round}: recordSizeInBytes predicted ${predicted}, grew ${builder.sizeInBytes - before}`)
      }
      const got = builder.finishSync()
      if (!got.equals(expected)) {
        t.fail(`round ${round} (payload ${givenSize ? 'given' : 'computed'}): bytes differ`)
        t.same([...got], [...expected])
        return
      }
      checked++
    }
  }
  t.equal(checked, 240, 'every batch identical to the reference, payload size given or computed')
})

t.test('recordPayloadSize is the bytes of key, value and headers fields', async (t) => {
  t.equal(recordPayloadSize(null, null, null), 3, 'null key, null value, no headers: one byte each')
  t.equal(recordPayloadSize(Buffer.from('k'), Buffer.from('v'), undefined), 5)
  t.equal(recordPayloadSize(Buffer.alloc(64), Buffer.alloc(0), []), 2 + 64 + 1 + 1, 'length 64 is a 2-byte zig-zag varint')
  t.equal(recordPayloadSize(null, null, [{ key: 'ü', value: null }]), 1 + 1 + 1 + (1 + 2) + 1, 'header key length in UTF-8 bytes')
})

t.test('crc: false leaves the CRC to setBatchProducerState; the stamped batch equals one built with the state', async (t) => {
  const rnd = prng(5)
  const records: ProduceRecord[] = []
  for (let i = 0; i < 30; i++) records.push(randomRecord(rnd, 1_700_000_000_000))
  const deferred = new RecordBatchBuilder({ timestamp: 1_700_000_000_000, crc: false })
  for (const r of records) deferred.append(r)
  const batch = deferred.finishSync()
  t.equal(batch.readUInt32BE(17), 0, 'no CRC yet')
  setBatchProducerState(batch, 42n, 3, 1000)
  t.ok(batch.equals(referenceBatch(records, 1_700_000_000_000, { producerId: 42n, epoch: 3, baseSequence: 1000 })), 'stamped: same bytes as the reference, CRC included')
})
