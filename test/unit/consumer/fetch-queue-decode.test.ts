// The fetch queue keeps record sets as fetched and decodes them when the application takes them:
// the records come out as the eager decoder gives them (fetch offset inside a batch respected),
// and a record set that fails to decode (a CRC mismatch) fails its partition at hand-out, with
// nothing handed out and its buffer budget given back.
import t from 'tap'
import { CorruptRecordError, type KafkaError } from '../../../src/errors.js'
import { FetchQueue } from '../../../src/consumer/fetch-queue.js'
import { RecordSetReader } from '../../../src/consumer/record-set-reader.js'
import type { BufferedResponse, FetchedPartition } from '../../../src/consumer/fetcher.js'
import type { PartitionState } from '../../../src/consumer/partition-state.js'
import { SubscriptionState } from '../../../src/consumer/subscription-state.js'
import { encodeRecordBatchSync } from '../../../src/protocol/records/index.js'
import { scanRecordBatches } from '../../../src/protocol/records/record-set-scan.js'

function recordSet(): Buffer {
  const values = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${from + i}`) }))
  return Buffer.concat([
    encodeRecordBatchSync(values(0, 5), { baseOffset: 0n, partitionLeaderEpoch: 3 }),
    encodeRecordBatchSync(values(5, 5), { baseOffset: 5n, partitionLeaderEpoch: 3 }),
  ])
}

function encodedItem(p: PartitionState, buf: Buffer, fetchOffset: bigint): FetchedPartition {
  const ticket = p.fetchStarted()
  p.fetchEnded()
  const scan = scanRecordBatches(buf, fetchOffset)!
  p.fetched(ticket, scan.nextOffset, scan.lastEpoch)
  const response: BufferedResponse = { nodeId: 1, pending: 1 }
  return {
    cursor: p,
    version: ticket.version,
    records: null,
    reader: new RecordSetReader({ recordSet: buf, fetchOffset, options: { topic: 'a', partition: 0 }, readCommitted: false, abortedTransactions: null }),
    recordCount: scan.records,
    taken: 0,
    next: 0,
    nextOffset: scan.nextOffset,
    lastEpoch: scan.lastEpoch,
    highWatermark: 10n,
    lastStableOffset: 10n,
    response,
    bytes: buf.length,
  }
}

t.test('the headers give the next fetch offset; records decode at hand-out from the fetch offset', async (t) => {
  const s = new SubscriptionState()
  const p = s.assign('a', 0, 3n)
  p.positioned(3n)
  const buf = recordSet()
  const scan = scanRecordBatches(buf, 3n)
  t.same(scan, { nextOffset: 10n, lastEpoch: 3, records: 10 }, 'scan: next offset 10, epoch 3')
  const q = new FetchQueue((c) => s.isCurrent(c), () => {}, () => t.fail('no failure expected'))
  q.push([encodedItem(p, buf, 3n)])
  t.equal(q.bufferedRecords(), 10, 'counted from the headers while encoded')
  const got = q.nextRecords(100)
  t.same(got.map((r) => r.value?.toString()), ['v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9'], 'records before the fetch offset skipped')
  t.same(got.map((r) => r.leaderEpoch), Array(7).fill(3))
  t.equal(p.position, 10n)
})

t.test('a corrupt record set fails its partition when taken, nothing handed out', async (t) => {
  const s = new SubscriptionState()
  const p = s.assign('a', 0, 0n)
  p.positioned(0n)
  const buf = recordSet()
  buf[buf.length - 1] ^= 0xff // inside the second batch: its CRC no longer matches
  const released: FetchedPartition[] = []
  const failed: KafkaError[] = []
  const q = new FetchQueue((c) => s.isCurrent(c), (item) => released.push(item), (c, err) => {
    c.fail()
    failed.push(err)
  })
  q.push([encodedItem(p, buf, 0n)])
  t.same(q.nextRecords(100), [], 'nothing handed out')
  t.equal(failed.length, 1, 'the partition failed once')
  t.ok(failed[0] instanceof CorruptRecordError, 'with CorruptRecordError')
  t.equal(released.length, 1, 'the buffer budget was given back')
  t.equal(p.position, 0n, 'the position did not move')
})

t.test('a large record set is decoded a chunk at a time; the iterator gets it as consecutive batches', async (t) => {
  const s = new SubscriptionState()
  const p = s.assign('a', 0, 0n)
  p.positioned(0n)
  // 40 batches of 1,000 records: 40,000 records, decoded 4,096+ (whole batches) at a time.
  const buf = Buffer.concat(Array.from({ length: 40 }, (_, b) => encodeRecordBatchSync(Array.from({ length: 1000 }, (_, i) => ({ key: null, value: Buffer.from(`v${b * 1000 + i}`) })), { baseOffset: BigInt(b * 1000), partitionLeaderEpoch: 1 })))
  const q = new FetchQueue((c) => s.isCurrent(c), () => {}, () => t.fail('no failure expected'))
  q.push([encodedItem(p, buf, 0n)])
  const sizes: number[] = []
  const offsets: bigint[] = []
  for (let batch = q.nextBatch(); batch !== null; batch = q.nextBatch()) {
    sizes.push(batch.records.length)
    for (const r of batch.records) offsets.push(r.offset)
    t.equal(p.position, batch.records[batch.records.length - 1].offset + 1n, 'the position follows each batch')
  }
  t.ok(sizes.length > 1 && sizes.every((n) => n <= 5000), `several batches, none much over the chunk size (${sizes.join(', ')})`)
  t.equal(offsets.length, 40_000, 'every record once')
  t.ok(offsets.every((o, i) => o === BigInt(i)), 'in offset order')
  t.equal(p.position, 40_000n)
})
