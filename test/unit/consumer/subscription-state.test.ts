// The consumer's partition state owner with no broker: assignment and revocation, seek,
// pause/resume, fetch position vs consumed position, committed progress, and stale Fetch
// answers (and buffered data) dropped after a seek.
import t from 'tap'
import type { ConsumerRecord } from '../../../src/consumer/consumer-record.js'
import { FetchQueue } from '../../../src/consumer/fetch-queue.js'
import type { BufferedResponse, FetchedPartition } from '../../../src/consumer/fetcher.js'
import type { PartitionState } from '../../../src/consumer/partition-state.js'
import { SubscriptionState } from '../../../src/consumer/subscription-state.js'

const record = (p: PartitionState, offset: bigint, leaderEpoch = 4): ConsumerRecord =>
  ({ topic: p.topic, partition: p.partition, offset, timestamp: 0, key: null, value: null, headers: [], leaderEpoch }) as unknown as ConsumerRecord

t.test('assign, revoke, and the assignment views', async (t) => {
  const s = new SubscriptionState()
  const a0 = s.assign('a', 0, 'committed')
  const a1 = s.assign('a', 1, 5n)
  const b0 = s.assign('b', 0, { relative: 3n })
  t.equal(s.assign('a', 0, 'earliest'), a0, 'assigning again keeps the state')
  t.equal(s.size, 3)
  t.equal(a0.state, 'unpositioned')
  t.equal(a0.reset, 'committed')
  t.equal(a1.state, 'ready')
  t.equal(a1.position, 5n)
  t.same(b0.reset, { relative: 3n })
  t.same([...s.owned()], [['a', [0, 1]], ['b', [0]]])
  t.same(s.positions(), { a: { 1: 5n } }, 'only positioned partitions have a position')
  t.equal(s.get('a', 1), a1)
  t.ok(s.isCurrent(a1))
  const v = a1.version
  t.equal(s.revoke(a1), true, 'an explicit start offset is a position commit() commits, so giving it up loses it')
  a0.positioned(3n)
  t.equal(s.revoke(a0), false, 'positioned by committed offset or reset, nothing handed out: no lost progress')
  s.assign('a', 0, 'committed')
  t.notOk(s.isCurrent(a1))
  t.equal(s.get('a', 1), undefined)
  t.equal(a1.state, 'failed')
  t.ok(a1.version > v, 'revocation makes in-flight answers stale')
  const again = s.assign('a', 1, 'committed')
  t.not(again, a1, 'a partition assigned again gets a fresh state')
  t.same(s.assigned(), [{ topic: 'b', partition: 0 }, { topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }])
})

t.test('positioned by committed offset or reset: no progress until records are handed out', async (t) => {
  const s = new SubscriptionState()
  const p = s.assign('a', 0, 'latest')
  p.positioned(100n, 7)
  t.equal(p.position, 100n)
  t.equal(p.leaderEpoch, 7)
  t.equal(p.committed, 100n)
  t.notOk(p.hasProgress, 'issue 13 item 5: a reset-positioned partition has nothing to lose')
  p.consumed(110n, 8)
  t.ok(p.hasProgress)
  t.equal(p.leaderEpoch, 8)
  p.consumed(111n, -1)
  t.equal(p.leaderEpoch, 8, 'an unknown epoch keeps the last known one')
  p.committedAt(111n)
  t.notOk(p.hasProgress)
  p.consumed(120n, 8)
  t.equal(s.revoke(p), true, 'revoking with records handed out and not committed: lost progress')
})

t.test('seek moves both positions; a user seek counts as progress to commit', async (t) => {
  const s = new SubscriptionState()
  const p = s.assign('a', 0, 0n)
  p.positioned(10n)
  const v = p.version
  p.seek(42n, 3)
  t.equal(p.fetchPosition, 42n)
  t.equal(p.position, 42n)
  t.equal(p.leaderEpoch, 3)
  t.ok(p.version > v)
  t.ok(p.hasProgress, 'commit() commits the sought position')
  p.unposition('earliest')
  t.equal(p.state, 'unpositioned')
  t.notOk(p.fetchable(Date.now()))
  t.notOk(p.hasProgress, 'an unpositioned partition has no position to commit')
})

t.test('pause and resume', async (t) => {
  const s = new SubscriptionState()
  const a0 = s.assign('a', 0, 0n)
  const a1 = s.assign('a', 1, 0n)
  const b0 = s.assign('b', 0, 0n)
  s.pause([{ topic: 'a' }])
  t.same(s.paused(), [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }])
  t.notOk(a0.fetchable(Date.now()))
  t.ok(b0.fetchable(Date.now()))
  s.resume([{ topic: 'a', partitions: [1] }])
  t.same(s.paused(), [{ topic: 'a', partition: 0 }])
  t.ok(a1.fetchable(Date.now()))
})

t.test('fetch position runs ahead of the consumed position; back-off and in-flight block fetching', async (t) => {
  const s = new SubscriptionState()
  const p = s.assign('a', 0, 0n)
  p.positioned(0n)
  const ticket = p.fetchStarted()
  t.equal(ticket.offset, 0n)
  t.notOk(p.fetchable(Date.now()), 'one fetch at a time')
  p.updateOffsets(ticket, 50n, 40n, 2n)
  t.ok(p.fetched(ticket, 20n))
  p.fetchEnded()
  t.equal(p.fetchPosition, 20n, 'prefetched up to 20')
  t.equal(p.position, 0n, 'nothing handed out yet')
  t.equal(p.highWatermark, 50n)
  t.equal(p.lastStableOffset, 40n)
  t.equal(p.logStartOffset, 2n)
  p.updateOffsets(p.fetchStarted(), 60n, 60n, -1n)
  p.fetchEnded()
  t.equal(p.logStartOffset, 2n, 'an unknown log start offset keeps the last known')
  p.backOff(Date.now() + 60_000)
  t.notOk(p.fetchable(Date.now()))
  p.seek(5n)
  t.ok(p.fetchable(Date.now()), 'a seek clears the back-off')
})

t.test('a Fetch answer for a position before a seek is dropped', async (t) => {
  const s = new SubscriptionState()
  const p = s.assign('a', 0, 0n)
  p.positioned(0n)
  const ticket = p.fetchStarted()
  p.seek(100n)
  p.updateOffsets(ticket, 999n, 999n, 999n)
  t.equal(p.highWatermark, -1n, 'stale offsets ignored')
  t.equal(p.fetched(ticket, 30n), false, 'stale records refused')
  t.equal(p.fetchPosition, 100n, 'the fetch position stays where the seek put it')
})

t.test('buffered data of a sought or revoked partition is never handed out', async (t) => {
  const s = new SubscriptionState()
  const a = s.assign('a', 0, 0n)
  const b = s.assign('b', 0, 0n)
  a.positioned(0n)
  b.positioned(0n)
  const released: FetchedPartition[] = []
  const q = new FetchQueue((c) => s.isCurrent(c), (r) => released.push(r), () => {})
  const response: BufferedResponse = { nodeId: 1, pending: 3 }
  const item = (p: PartitionState, from: bigint, n: number): FetchedPartition => {
    const ticket = p.fetchStarted()
    p.fetchEnded()
    const records = Array.from({ length: n }, (_, i) => record(p, from + BigInt(i)))
    p.fetched(ticket, from + BigInt(n))
    return { cursor: p, version: ticket.version, records, reader: null, recordCount: n, taken: 0, next: 0, nextOffset: from + BigInt(n), lastEpoch: 4, highWatermark: 10n, lastStableOffset: 10n, response, bytes: 100 }
  }
  q.push([item(a, 0n, 3), item(b, 0n, 3)])
  const first = q.nextRecords(2)
  t.same(first.map((r) => [r.topic, r.offset]), [['a', 0n], ['a', 1n]])
  t.equal(a.position, 2n, 'consumed position follows what was handed out')
  t.equal(a.fetchPosition, 3n)
  a.seek(0n)
  s.revoke(b)
  t.same(q.nextRecords(10), [], 'the rest of a (before its seek) and all of b (revoked) are dropped')
  t.equal(released.length, 2, 'their buffer budget was given back')
  t.equal(a.position, 0n)
})
