// ProducerBatch keeps delivery bookkeeping per run of records (issue 17): consecutive records of
// one target with consecutive indices and one timestamp share an entry; every record's target,
// index and timestamp can still be told.
import t from 'tap'
import type { DeliveryTarget } from '../../../src/producer/delivery-target.js'
import { ProducerBatch } from '../../../src/producer/producer-batch.js'
import { decodeRecordBatchesSync } from '../../../src/protocol/records/index.js'

const target = (): DeliveryTarget => ({ delivered() {}, failed() {} })

t.test('runs: one entry per run of a target, consecutive indices and one timestamp', async (t) => {
  const a = target()
  const b = target()
  const batch = new ProducerBatch('t', 0, 1000, 60_000, 'none', undefined, 256)
  const expect: Array<[DeliveryTarget, number, number]> = []
  const add = (tg: DeliveryTarget, index: number, ts: number): void => {
    batch.append({ key: null, value: Buffer.from(`r${expect.length}`), timestamp: ts }, tg, index, 10, null)
    expect.push([tg, index, ts])
  }
  for (let i = 0; i < 5; i++) add(a, i, 1000) // run 0: a 0..4
  add(b, 0, 1000) // run 1: another target
  add(a, 5, 1000) // run 2: a again, after b
  add(a, 6, 1000)
  add(a, 8, 1000) // run 3: an index gap
  add(a, 9, 1001) // run 4: another timestamp
  add(a, 10, 1001)
  t.equal(batch.count, 11)
  t.equal(batch.runs, 5)
  let total = 0
  for (let r = 0; r < batch.runs; r++) total += batch.runLength(r)
  t.equal(total, batch.count, 'runs cover every record')
  t.same(
    expect.map((_, i) => [batch.targetAt(i) === expect[i][0], batch.indexAt(i), batch.timestampAt(i)]),
    expect.map(([, index, ts]) => [true, index, ts]),
    'each record’s target, index and timestamp',
  )
  batch.close()
  const [decoded] = decodeRecordBatchesSync(batch.encoded!, { topic: 't', partition: 0 })
  t.same(
    decoded.records.map((r) => [r.value?.toString(), r.timestamp]),
    expect.map(([, , ts], i) => [`r${i}`, ts]),
    'the encoded batch holds the records in order',
  )
})

t.test('a stamped batch (idempotent) is closed without a CRC; a plain one with it', async (t) => {
  for (const stamped of [false, true]) {
    const batch = new ProducerBatch('t', 0, 1000, 60_000, 'none', undefined, 256, false, stamped)
    batch.append({ key: null, value: Buffer.from('x'), timestamp: 1000 }, target(), 0, 10, null)
    batch.close()
    t.equal(batch.encoded!.readUInt32BE(17) === 0, stamped, stamped ? 'CRC left to setBatchProducerState' : 'CRC written')
    t.equal(batch.crcPending, stamped)
  }
  const sealed = new ProducerBatch('t', 0, 1000, 60_000, 'none', undefined, 256, false, true)
  sealed.append({ key: null, value: Buffer.from('x'), timestamp: 1000 }, target(), 0, 10, null)
  sealed.close()
  sealed.sealCrc()
  t.notOk(sealed.crcPending)
  t.doesNotThrow(() => decodeRecordBatchesSync(sealed.encoded!, { topic: 't', partition: 0, checkCrc: true }), 'sealCrc: a valid CRC')
  const stamped = new ProducerBatch('t', 0, 1000, 60_000, 'none', undefined, 256, false, true)
  stamped.append({ key: null, value: Buffer.from('x'), timestamp: 1000 }, target(), 0, 10, null)
  stamped.close()
  stamped.stamp(7n, 1, 42)
  t.notOk(stamped.crcPending)
  const [d] = decodeRecordBatchesSync(stamped.encoded!, { topic: 't', partition: 0, checkCrc: true })
  t.same([d.producerId, d.producerEpoch, d.baseSequence], [7n, 1, 42], 'stamp: producer state and CRC in the bytes')
})
