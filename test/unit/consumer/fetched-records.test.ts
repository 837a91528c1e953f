import t from 'tap'
import { fetchedRecords } from '../../../src/consumer/fetched-records.js'
import { decodeRecordBatchesSync, encodeRecordBatchSync, type ProduceRecord } from '../../../src/protocol/records/index.js'

function recs(prefix: string, n: number): ProduceRecord[] {
  return Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`${prefix}${i}`) }))
}

function marker(type: number): ProduceRecord {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0)
  key.writeInt16BE(type, 2)
  const value = Buffer.alloc(6)
  value.writeInt32BE(7, 2)
  return { key, value }
}

/** A partition log: [plain 0-2][txn pid 9: 3-4][abort marker 5][plain 6-7][txn pid 11: 8-9][commit marker 10] */
function log(): Buffer {
  return Buffer.concat([
    encodeRecordBatchSync(recs('a', 3), { baseOffset: 0n, partitionLeaderEpoch: 4 }),
    encodeRecordBatchSync(recs('t', 2), { baseOffset: 3n, producerId: 9n, producerEpoch: 0, baseSequence: 0, transactional: true }),
    encodeRecordBatchSync([marker(0)], { baseOffset: 5n, producerId: 9n, producerEpoch: 0, transactional: true, control: true }),
    encodeRecordBatchSync(recs('b', 2), { baseOffset: 6n }),
    encodeRecordBatchSync(recs('c', 2), { baseOffset: 8n, producerId: 11n, producerEpoch: 0, baseSequence: 0, transactional: true }),
    encodeRecordBatchSync([marker(1)], { baseOffset: 10n, producerId: 11n, producerEpoch: 0, transactional: true, control: true }),
  ])
}

const batches = decodeRecordBatchesSync(log(), { topic: 't', partition: 0 })
const values = (r: { records: { value: Buffer | null }[] }): string[] => r.records.map((x) => String(x.value))

t.test('read_uncommitted hands out every data record and never a control record', async (t) => {
  const r = fetchedRecords(batches, 0n, false, [{ producerId: 9n, firstOffset: 3n }])
  t.same(values(r), ['a0', 'a1', 'a2', 't0', 't1', 'b0', 'b1', 'c0', 'c1'])
  t.equal(r.nextOffset, 11n, 'next fetch offset skips the trailing marker')
  t.same(r.records.map((x) => x.offset), [0n, 1n, 2n, 3n, 4n, 6n, 7n, 8n, 9n])
  t.equal(r.records[0].leaderEpoch, 4)
  t.equal(r.records[0].topic, 't')
})

t.test('read_committed drops the aborted transaction, keeps the committed one', async (t) => {
  const r = fetchedRecords(batches, 0n, true, [{ producerId: 9n, firstOffset: 3n }])
  t.same(values(r), ['a0', 'a1', 'a2', 'b0', 'b1', 'c0', 'c1'])
  t.equal(r.nextOffset, 11n)
})

t.test('the abort marker ends the abort: later batches of the same producer are kept', async (t) => {
  const more = Buffer.concat([
    log(),
    encodeRecordBatchSync(recs('n', 1), { baseOffset: 11n, producerId: 9n, producerEpoch: 0, baseSequence: 2, transactional: true }),
  ])
  const r = fetchedRecords(decodeRecordBatchesSync(more, { topic: 't', partition: 0 }), 0n, true, [{ producerId: 9n, firstOffset: 3n }])
  t.same(values(r).slice(-1), ['n0'])
})

t.test('records before the fetch offset are skipped', async (t) => {
  const r = fetchedRecords(batches, 1n, false, null)
  t.same(r.records[0].offset, 1n)
  const none = fetchedRecords([], 5n, false, null)
  t.equal(none.nextOffset, 5n, 'no batches: the fetch offset stays')
  t.same(none.records, [])
})

t.test('compressed batches decode the same', async (t) => {
  const buf = encodeRecordBatchSync(recs('g', 5), { compression: 'gzip', baseOffset: 20n })
  const r = fetchedRecords(decodeRecordBatchesSync(buf, { topic: 't', partition: 0 }), 22n, false, null)
  t.same(values(r), ['g2', 'g3', 'g4'])
  t.equal(r.nextOffset, 25n)
})
