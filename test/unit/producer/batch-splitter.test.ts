import t from 'tap'
import { Accumulator, type AccumulatorOptions } from '../../../src/producer/accumulator.js'
import { splitBatch } from '../../../src/producer/batch-splitter.js'
import type { DeliveryTarget } from '../../../src/producer/delivery-target.js'
import type { ProducerBatch } from '../../../src/producer/producer-batch.js'
import { type DecodedBatch, decodeRecordBatches, decodeRecordBatchesSync } from '../../../src/protocol/records/index.js'

const noop: DeliveryTarget = { delivered() {}, failed() {} }
const leader0 = (): number => 0
const manySlots = (): number => 5
const pid = { producerId: 9n, epoch: 2 }

function acc(over: Partial<AccumulatorOptions> = {}): Accumulator {
  return new Accumulator({
    lingerMs: 0,
    batchSize: 400,
    maxBatchBytes: 1 << 20,
    maxBatchSize: 10000,
    maxRequestSize: 1 << 20,
    deliveryTimeoutMs: 120000,
    compression: 'none',
    maxInFlightPerPartition: 5,
    idempotent: true,
    ...over,
  })
}

async function decode(b: ProducerBatch): Promise<DecodedBatch> {
  return (await decodeRecordBatches(b.encoded, { topic: 't', partition: 0 }))[0]
}

async function values(b: ProducerBatch): Promise<string[]> {
  return (await decode(b)).records.map((r) => r.value!.toString())
}

function sendOne(a: Accumulator, expect: ProducerBatch | null, what: string, producer: typeof pid | null = pid): ProducerBatch {
  const d = a.drain(2000, true, leader0, manySlots, producer)
  if (d.requests.length !== 1) throw new Error(`${what}: ${d.requests.length} requests`)
  const b = d.requests[0].batches[0]
  if (expect !== null && b !== expect) throw new Error(`${what}: another batch went`)
  return b
}

for (const compression of ['none', 'gzip', 'zstd'] as const) {
  t.test(`split keeps sequences, order and buffer accounting (${compression})`, async (t) => {
    const a = acc({ compression })
    let n = 0
    const appendN = (k: number): void => {
      for (let i = 0; i < k; i++, n++) a.append('t', 0, { key: null, value: Buffer.from(`v${n}-${'x'.repeat(40)}`), timestamp: 1000 + n }, 100, noop, n, null, 1000)
    }
    appendN(2)
    a.queue('t', 0).batches[0].close()
    await a.queue('t', 0).batches[0].finishing
    // The partition's first batch is acknowledged, so later batches pipeline.
    const warm = sendOne(a, null, 'first batch')
    if (warm.finishing !== null) await warm.finishing
    a.acknowledged(warm)
    a.settle(warm)
    appendN(21)
    const q = a.queue('t', 0)
    for (const b of q.batches) b.close()
    for (const b of q.batches) if (b.finishing !== null) await b.finishing
    const d = a.drain(2000, true, leader0, manySlots, pid)
    const sent = d.requests.map((r) => r.batches[0])
    t.ok(sent.length >= 3, `${sent.length} batches in flight`)
    const [big, ...later] = sent
    t.equal(big.baseSequence, 2)
    const bufferedRecords = a.bufferedRecords
    const bufferedBytes = a.bufferedBytes

    // The broker rejects the first as too large; the later ones come back OUT_OF_ORDER_SEQUENCE_NUMBER.
    a.beginSplit(big)
    t.same(q.splitting, [big])
    t.equal(q.inFlight.includes(big), false)
    const pieces = await splitBatch(big, compression, undefined)
    t.equal(pieces.length, 2)
    t.equal(pieces[0].count + pieces[1].count, big.count)
    t.ok(Math.abs(pieces[0].count - pieces[1].count) <= 1, 'halves of about equal bytes')
    t.same([...(await values(pieces[0])), ...(await values(pieces[1]))], await values(big), 'same records, same order')
    t.equal(pieces[0].baseSequence, big.baseSequence, 'the halves take the batch’s sequence range')
    t.equal(pieces[1].baseSequence, big.baseSequence + pieces[0].count)
    t.equal(pieces[1].lastSequence, big.lastSequence)
    for (const p of pieces) {
      const dec = await decode(p)
      t.equal(dec.baseSequence, p.baseSequence, 'stamped in the bytes (CRC checked)')
      t.equal(dec.producerId, 9n)
      t.equal(dec.producerEpoch, 2)
      t.equal(dec.compression, compression)
    }
    const perRecord = (b: ProducerBatch, f: (b: ProducerBatch, i: number) => unknown): unknown[] => Array.from({ length: b.count }, (_, i) => f(b, i))
    for (const f of [(b: ProducerBatch, i: number) => b.targetAt(i), (b: ProducerBatch, i: number) => b.indexAt(i), (b: ProducerBatch, i: number) => b.timestampAt(i)]) {
      t.same(perRecord(pieces[0], f).concat(perRecord(pieces[1], f)), perRecord(big, f), 'the halves keep each record’s target, index and timestamp')
    }
    t.equal(pieces[0].reservedBytes + pieces[1].reservedBytes, big.reservedBytes, 'the buffer charge moves with the records')
    t.equal(a.drain(2000, true, leader0, manySlots, pid).requests.length, 0, 'nothing is sent while it splits')

    a.endSplit(big, pieces, 2000)
    t.same(q.splitting, [])
    t.equal(a.drain(2000, true, leader0, manySlots, pid).requests.length, 0, 'the halves wait for the later batches in flight')
    for (const b of later.slice().reverse()) a.requeue(b, 2000)
    t.same(q.batches.slice(0, 2 + later.length), [...pieces, ...later], 'halves first, then the later batches in first-send order')
    t.equal(a.bufferedRecords, bufferedRecords)
    t.equal(a.bufferedBytes, bufferedBytes)

    // One at a time, each with the sequence the broker expects next.
    for (const b of [...pieces, ...later]) {
      t.equal(b.baseSequence, a.expectedSequence('t', 0))
      const went = sendOne(a, b, 'in order')
      t.equal(a.drain(2000, true, leader0, manySlots, pid).requests.length, 0, 'retries go one at a time')
      a.acknowledged(went)
      a.settle(went)
    }
    t.equal(a.bufferedRecords, 0)
    t.equal(a.bufferedBytes, 0)
    t.equal(a.unsentRecords, 0)
  })
}

t.test('not idempotent: the halves carry no sequence', async (t) => {
  const a = acc({ idempotent: false })
  for (let i = 0; i < 6; i++) a.append('t', 0, { key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: [{ key: 'h', value: Buffer.from('1') }], timestamp: 1000 + i }, 50, noop, i, null, 1000)
  const big = sendOne(a, null, 'batch', null)
  a.beginSplit(big)
  const pieces = await splitBatch(big, 'none', undefined)
  for (const p of pieces) t.equal(p.baseSequence, -1)
  const recs = pieces.flatMap((p) => decodeRecordBatchesSync(p.encoded, { topic: 't', partition: 0 })[0].records)
  t.same(recs.map((r) => [r.key!.toString(), r.value!.toString(), r.timestamp, r.headers[0].key, r.headers[0].value!.toString()]), [0, 1, 2, 3, 4, 5].map((i) => [`k${i}`, `v${i}`, 1000 + i, 'h', '1']), 'keys, values, timestamps, headers kept')
  t.equal(decodeRecordBatchesSync(pieces[0].encoded, { topic: 't', partition: 0 })[0].producerId, -1n)
})

t.test('a batch of one record is not split', async (t) => {
  const a = acc()
  a.append('t', 0, { key: null, value: Buffer.from('only'), timestamp: 1000 }, 50, noop, 0, null, 1000)
  const one = sendOne(a, null, 'batch')
  await t.rejects(splitBatch(one, 'none', undefined), { code: 'ENCODE_FAILED' })
})

t.test('a piece split again, or retried, stays ahead of its later sibling', async (t) => {
  const a = acc({ batchSize: 100_000 })
  for (let i = 0; i < 16; i++) a.append('t', 0, { key: null, value: Buffer.from(`r${i}`.padEnd(60, '.')), timestamp: 1000 }, 80, noop, i, null, 1000)
  const big = sendOne(a, null, 'batch')
  a.beginSplit(big)
  const [first, second] = await splitBatch(big, 'none', undefined)
  a.endSplit(big, [first, second], 2000)
  const q = a.queue('t', 0)
  t.same(q.batches, [first, second])
  t.equal(sendOne(a, first, 'first half'), first)
  a.beginSplit(first)
  const [a1, a2] = await splitBatch(first, 'none', undefined)
  t.same([a1.sendOrder, a2.sendOrder], [big.sendOrder, big.sendOrder], 'pieces share the send order')
  t.same([a1.splitOffset, a2.splitOffset, second.splitOffset], [0, a1.count, first.count])
  a.endSplit(first, [a1, a2], 2000)
  t.same(q.batches, [a1, a2, second], 'the quarters go ahead of the second half')
  t.equal(sendOne(a, a1, 'first quarter'), a1)
  a.requeue(a1, 2000) // a retriable error
  t.same(q.batches, [a1, a2, second], 'a retried piece goes back ahead of its siblings')
  const order: string[] = []
  for (const b of [a1, a2, second]) {
    const went = sendOne(a, b, 'in order')
    order.push(...(await values(went)).map((v) => v.replace(/\.+$/, '')))
    a.acknowledged(went)
    a.settle(went)
  }
  t.same(order, Array.from({ length: 16 }, (_, i) => `r${i}`), 'every record once, in order')
  t.equal(a.bufferedBytes, 0)
})
