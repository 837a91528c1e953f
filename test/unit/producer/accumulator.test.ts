import t from 'tap'
import { Accumulator, type AccumulatorOptions } from '../../../src/producer/accumulator.js'
import type { DeliveryTarget } from '../../../src/producer/delivery-target.js'
import { incrementSequence } from '../../../src/producer/producer-batch.js'
import { decodeRecordBatchesSync } from '../../../src/protocol/records/index.js'

const noop: DeliveryTarget = { delivered() {}, failed() {} }

function acc(over: Partial<AccumulatorOptions> = {}): Accumulator {
  return new Accumulator({
    lingerMs: 5,
    batchSize: 16384,
    maxBatchBytes: 1 << 20,
    maxBatchSize: 10000,
    maxRequestSize: 1 << 20,
    deliveryTimeoutMs: 120000,
    compression: 'none',
    maxInFlightPerPartition: 5,
    idempotent: false,
    ...over,
  })
}

function rec(value: string, timestamp = 1000): { key: Buffer | null; value: Buffer; timestamp: number } {
  return { key: null, value: Buffer.from(value), timestamp }
}

const leader0 = (): number => 0
const manySlots = (): number => 5

t.test('linger: an open batch waits lingerMs, then goes', async (t) => {
  const a = acc({ lingerMs: 10 })
  a.append('t', 0, rec('a'), 30, noop, 0, null, 1000)
  a.append('t', 0, rec('b'), 30, noop, 1, null, 1003)
  let d = a.drain(1005, false, leader0, manySlots, null)
  t.equal(d.requests.length, 0, 'nothing before linger')
  t.equal(d.nextWakeAt, 1010, 'wakes when the first record lingered lingerMs')
  d = a.drain(1010, false, leader0, manySlots, null)
  t.equal(d.requests.length, 1)
  t.equal(d.requests[0].batches[0].count, 2)
  t.equal(a.unsentRecords, 0)
  t.equal(a.bufferedRecords, 2, 'still buffered until settled')
  a.settle(d.requests[0].batches[0])
  t.equal(a.bufferedRecords, 0)
  t.equal(a.bufferedBytes, 0)
})

t.test('batchSize: a full batch closes and goes without waiting for linger', async (t) => {
  const a = acc({ lingerMs: 1000, batchSize: 200 })
  let ready = false
  let n = 0
  while (!ready) ready = a.append('t', 0, rec('x'.repeat(20)), 40, noop, n++, null, 1000)
  t.ok(n > 2, `closed after ${n} records`)
  const d = a.drain(1000, false, leader0, manySlots, null)
  t.equal(d.requests.length, 1)
  const batch = d.requests[0].batches[0]
  t.ok(batch.encoded!.length <= 200, 'the closed batch fits batchSize')
  t.equal(batch.count + a.unsentRecords, n, 'every record is in a batch')
  const decoded = decodeRecordBatchesSync(batch.encoded, { topic: 't', partition: 0 })
  t.equal(decoded[0].records.length, batch.count)
  t.equal(d.nextWakeAt, 2000, 'the next open batch lingers')
})

t.test('a record larger than batchSize gets a batch of its own', async (t) => {
  const a = acc({ lingerMs: 1000, batchSize: 100 })
  a.append('t', 0, rec('small'), 30, noop, 0, null, 1000)
  const ready = a.append('t', 0, rec('y'.repeat(500)), 520, noop, 1, null, 1000)
  t.ok(ready)
  const d = a.drain(1000, false, leader0, manySlots, null)
  t.equal(d.requests.length, 2, 'two requests (one batch per partition per request)')
  t.same(d.requests.map((r) => r.batches[0].count), [1, 1])
})

t.test('maxBatchSize and maxBatchBytes make every batch ready', async (t) => {
  const a = acc({ lingerMs: 1000, maxBatchSize: 3 })
  t.notOk(a.append('t', 0, rec('a'), 30, noop, 0, null, 1000))
  t.notOk(a.append('t', 1, rec('b'), 30, noop, 1, null, 1000))
  t.ok(a.append('t', 2, rec('c'), 30, noop, 2, null, 1000), 'the third record passes maxBatchSize')
  const d = a.drain(1000, false, leader0, manySlots, null)
  t.equal(d.requests.length, 1, 'one request for the broker')
  t.equal(d.requests[0].batches.length, 3, 'one batch per partition')

  const b = acc({ lingerMs: 1000, maxBatchBytes: 300 })
  t.notOk(b.append('t', 0, rec('x'.repeat(100)), 120, noop, 0, null, 1000))
  t.ok(b.append('t', 1, rec('x'.repeat(200)), 220, noop, 1, null, 1000), 'bytes over maxBatchBytes')
  t.equal(b.drain(1000, false, leader0, manySlots, null).requests[0].batches.length, 2)
})

t.test('flush (force) sends open batches now', async (t) => {
  const a = acc({ lingerMs: 100000 })
  a.append('t', 0, rec('a'), 30, noop, 0, null, 1000)
  t.equal(a.drain(1000, false, leader0, manySlots, null).requests.length, 0)
  t.equal(a.drain(1000, true, leader0, manySlots, null).requests.length, 1)
})

t.test('requests are grouped by leader and packed up to maxRequestSize', async (t) => {
  const a = acc({ lingerMs: 0, maxRequestSize: 1500 })
  for (let p = 0; p < 4; p++) a.append('t', p, rec('z'.repeat(600)), 620, noop, p, null, 1000)
  const d = a.drain(1000, false, (_t, p) => (p < 3 ? 1 : 2), manySlots, null)
  const toOne = d.requests.filter((r) => r.nodeId === 1)
  const toTwo = d.requests.filter((r) => r.nodeId === 2)
  t.equal(toOne.length, 2, 'three 680-byte batches need two requests of at most 1500 bytes')
  t.same(toOne.map((r) => r.batches.length), [2, 1])
  t.equal(toTwo.length, 1)
})

t.test('unknown leaders are reported and their batches stay', async (t) => {
  const a = acc({ lingerMs: 0 })
  a.append('t', 0, rec('a'), 30, noop, 0, null, 1000)
  const d = a.drain(1000, false, () => -1, manySlots, null)
  t.equal(d.requests.length, 0)
  t.same([...d.missingLeaders], ['t'])
  t.equal(a.drain(1000, false, leader0, manySlots, null).requests.length, 1)
})

t.test('broker slots bound the requests drained per broker', async (t) => {
  const a = acc({ lingerMs: 0, batchSize: 100 })
  for (let i = 0; i < 6; i++) a.append('t', 0, rec('q'.repeat(80)), 100, noop, i, null, 1000)
  const d = a.drain(1000, false, leader0, () => 2, null)
  t.equal(d.requests.length, 2)
})

t.test('sequence numbers: assigned on first send, kept on retry, partition order kept', async (t) => {
  const a = acc({ lingerMs: 0, batchSize: 120, idempotent: true })
  const pid = { producerId: 7n, epoch: 3 }
  for (let i = 0; i < 9; i++) a.append('t', 0, rec('s'.repeat(30)), 50, noop, i, null, 1000)
  // Until the partition has an acknowledged batch under this id and epoch, one batch in flight.
  const lone = a.drain(1000, false, leader0, manySlots, pid)
  t.equal(lone.requests.length, 1, 'one batch in flight before the first acknowledgement')
  const firstBatch = lone.requests[0].batches[0]
  t.equal(firstBatch.baseSequence, 0)
  t.equal(a.drain(1000, false, leader0, manySlots, pid).requests.length, 0, 'the next waits for it')
  a.acknowledged(firstBatch)
  a.settle(firstBatch)
  const first = a.drain(1000, false, leader0, manySlots, pid)
  const sent = first.requests.map((r) => r.batches[0])
  t.ok(sent.length >= 3, 'then pipelined')
  let expect = firstBatch.count
  for (const b of sent) {
    t.equal(b.baseSequence, expect)
    t.equal(b.producerId, 7n)
    t.equal(b.producerEpoch, 3)
    const decoded = decodeRecordBatchesSync(b.encoded, { topic: 't', partition: 0 })[0]
    t.equal(decoded.baseSequence, expect, 'the encoded batch carries the sequence (CRC checked)')
    t.equal(decoded.producerId, 7n)
    expect += b.count
  }
  // The first fails retriably while the others are in flight: nothing is resent until all came back.
  a.requeue(sent[0], 1000)
  t.equal(a.drain(1000, false, leader0, manySlots, pid).requests.length, 0, 'the retry waits for earlier in-flight batches')
  for (let i = sent.length - 1; i >= 1; i--) a.requeue(sent[i], 1000)
  const q = a.queue('t', 0)
  t.same(q.batches.slice(0, sent.length), sent, 'back in first-send order')
  const retry = a.drain(1000, false, leader0, manySlots, pid)
  t.equal(retry.requests.length, 1, 'retries go one at a time')
  t.equal(retry.requests[0].batches[0], sent[0])
  t.equal(sent[0].baseSequence, firstBatch.count, 'same sequence on retry')
  a.acknowledged(sent[0])
  a.settle(sent[0])
  t.equal(a.expectedSequence('t', 0), sent[1].baseSequence)
  const next = a.drain(1000, false, leader0, manySlots, pid)
  t.equal(next.requests[0].batches[0], sent[1])

  // An epoch bump restarts sequences at 0 for batches not yet acknowledged.
  a.settle(sent[1])
  a.requeue(sent[1], 1000)
  a.resetSequences()
  const bumped = a.drain(1000, false, leader0, manySlots, { producerId: 7n, epoch: 4 })
  t.equal(bumped.requests[0].batches[0], sent[1])
  t.equal(sent[1].baseSequence, 0)
  t.equal(sent[1].producerEpoch, 4)
})

t.test('at most maxInFlightPerPartition batches of a partition in flight', async (t) => {
  const a = acc({ lingerMs: 0, batchSize: 100, maxInFlightPerPartition: 2 })
  for (let i = 0; i < 5; i++) a.append('t', 0, rec('w'.repeat(80)), 100, noop, i, null, 1000)
  t.equal(a.drain(1000, false, leader0, manySlots, null).requests.length, 2)
  t.equal(a.drain(1000, false, leader0, manySlots, null).requests.length, 0)
})

t.test('sequences wrap at int32 max', async (t) => {
  t.equal(incrementSequence(0, 5), 5)
  t.equal(incrementSequence(2147483647, 1), 0)
  t.equal(incrementSequence(2147483640, 10), 2)
  t.equal(incrementSequence(-1, 1), 0)
})

t.test('expire removes batches not in flight past their deadline', async (t) => {
  const a = acc({ lingerMs: 1000, deliveryTimeoutMs: 50 })
  a.append('t', 0, rec('a'), 30, noop, 0, null, 1000)
  t.same(a.expire(1049), [])
  const out = a.expire(1050)
  t.equal(out.length, 1)
  t.equal(a.bufferedBytes, 0)
  t.equal(a.bufferedRecords, 0)
  t.equal(a.unsentRecords, 0)
})

t.test('compression happens when the batch closes', async (t) => {
  const a = acc({ lingerMs: 0, compression: 'gzip' })
  for (let i = 0; i < 100; i++) a.append('t', 0, rec('compress me please '.repeat(5), 1000 + i), 120, noop, i, null, 1000)
  const d = a.drain(1000, false, leader0, manySlots, null)
  const b = d.requests[0].batches[0]
  t.ok(b.encoded!.length < b.count * 50, 'smaller than raw')
  const decoded = decodeRecordBatchesSync(b.encoded, { topic: 't', partition: 0 })[0]
  t.equal(decoded.compression, 'gzip')
  t.equal(decoded.records.length, 100)
  t.equal(decoded.records[99].timestamp, 1099)
})
