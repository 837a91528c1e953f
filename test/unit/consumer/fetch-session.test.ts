// The client side of a fetch session (KIP-227): full fetch first, then incremental requests
// with only added or changed partitions and forgotten ones; session errors fall back to full.
import t from 'tap'
import { FetchSession, FINAL_EPOCH, INITIAL_EPOCH, nextEpoch, type SessionPartition } from '../../../src/consumer/fetch-session.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'

const part = (topic: string, partition: number, fetchOffset: bigint, over: Partial<SessionPartition> = {}): SessionPartition => ({
  key: `${topic}\u0000${partition}`,
  topic,
  partition,
  topicId: `id-${topic}`,
  fetchOffset,
  currentLeaderEpoch: 0,
  lastFetchedEpoch: -1,
  partitionMaxBytes: 1024,
  ...over,
})
const keys = (list: readonly SessionPartition[]): string[] => list.map((p) => `${p.topic}-${p.partition}`).sort()

t.test('nextEpoch wraps to 1 and keeps the final epoch', async (t) => {
  t.equal(nextEpoch(0), 1)
  t.equal(nextEpoch(41), 42)
  t.equal(nextEpoch(0x7fffffff), 1)
  t.equal(nextEpoch(FINAL_EPOCH), FINAL_EPOCH)
})

t.test('full fetch, then incremental with only changes, then forgotten partitions', async (t) => {
  const s = new FetchSession()
  const a0 = part('a', 0, 0n)
  const a1 = part('a', 1, 0n)
  const b0 = part('b', 0, 5n)
  const first = s.prepare([a0, a1, b0])
  t.ok(first.full)
  t.equal(first.sessionId, 0)
  t.equal(first.sessionEpoch, INITIAL_EPOCH, 'asks for a new session')
  t.same(keys(first.toSend), ['a-0', 'a-1', 'b-0'])
  s.succeeded(first, 77)
  t.equal(s.id, 77)
  t.equal(s.nextRequestEpoch, 1)

  // a-0 advanced, a-1 unchanged, b-0 unchanged: only a-0 is sent.
  const second = s.prepare([part('a', 0, 10n, { lastFetchedEpoch: 0 }), a1, b0])
  t.notOk(second.full)
  t.equal(second.sessionId, 77)
  t.equal(second.sessionEpoch, 1)
  t.same(keys(second.toSend), ['a-0'])
  t.same(second.toForget, [])
  t.equal(second.wanted.size, 3, 'answers may carry any partition of the session')
  s.succeeded(second, 77)
  t.equal(s.nextRequestEpoch, 2)

  // b-0 no longer wanted (paused/unassigned): forgotten; a-1's leader epoch changed: sent; c-0 added.
  const third = s.prepare([part('a', 0, 10n, { lastFetchedEpoch: 0 }), part('a', 1, 0n, { currentLeaderEpoch: 3 }), part('c', 0, 0n)])
  t.same(keys(third.toSend), ['a-1', 'c-0'])
  t.same(keys(third.toForget), ['b-0'])
  s.succeeded(third, 77)
  t.equal(s.size, 3)

  // Nothing changed: an empty incremental request (the broker answers for partitions with data).
  const fourth = s.prepare([part('a', 0, 10n, { lastFetchedEpoch: 0 }), part('a', 1, 0n, { currentLeaderEpoch: 3 }), part('c', 0, 0n)])
  t.same(fourth.toSend, [])
  t.same(fourth.toForget, [])
  t.equal(fourth.sessionEpoch, 3)
})

t.test('a re-created topic (new id) forgets the old id and sends the new', async (t) => {
  const s = new FetchSession()
  const first = s.prepare([part('a', 0, 3n)])
  s.succeeded(first, 5)
  const next = s.prepare([part('a', 0, 0n, { topicId: 'id-a-2' })])
  t.same(next.toForget.map((p) => p.topicId), ['id-a'])
  t.same(next.toSend.map((p) => p.topicId), ['id-a-2'])
  s.succeeded(next, 5)
  t.same(s.prepare([part('a', 0, 0n, { topicId: 'id-a-2' })]).toSend, [], 'the new id is in the session')
})

t.test('session errors make the next request full', async (t) => {
  const s = new FetchSession()
  s.succeeded(s.prepare([part('a', 0, 0n)]), 9)
  s.succeeded(s.prepare([part('a', 0, 1n)]), 9)

  s.failed(ErrorCode.INVALID_FETCH_SESSION_EPOCH)
  const afterEpochError = s.prepare([part('a', 0, 1n), part('a', 1, 0n)])
  t.ok(afterEpochError.full, 'full after INVALID_FETCH_SESSION_EPOCH')
  t.equal(afterEpochError.sessionId, 9, 'names the old session: the broker closes it and opens a new one')
  t.equal(afterEpochError.sessionEpoch, INITIAL_EPOCH)
  t.same(keys(afterEpochError.toSend), ['a-0', 'a-1'])
  s.succeeded(afterEpochError, 10)
  t.equal(s.id, 10)

  s.failed(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
  const afterNotFound = s.prepare([part('a', 0, 1n)])
  t.ok(afterNotFound.full)
  t.equal(afterNotFound.sessionId, 0, 'the broker does not know the session: ask for a new one')
  t.equal(afterNotFound.sessionEpoch, INITIAL_EPOCH)

  s.succeeded(afterNotFound, 11)
  s.failed(0) // the connection dropped
  const afterDrop = s.prepare([part('a', 0, 1n)])
  t.ok(afterDrop.full)
  t.equal(afterDrop.sessionId, 11)
})

t.test('no session from the broker, or closed by it: full fetches asking again', async (t) => {
  const s = new FetchSession()
  s.succeeded(s.prepare([part('a', 0, 0n)]), 0)
  const again = s.prepare([part('a', 0, 0n)])
  t.ok(again.full, 'the broker kept no session (cache full)')
  t.equal(again.sessionEpoch, INITIAL_EPOCH)
  s.succeeded(again, 3)
  const incremental = s.prepare([part('a', 0, 1n)])
  t.notOk(incremental.full)
  s.succeeded(incremental, 0)
  const afterClose = s.prepare([part('a', 0, 1n)])
  t.ok(afterClose.full, 'an incremental answer with session id 0: the session is gone')
  t.equal(afterClose.sessionId, 0)
})

t.test('disabled (Fetch below v7): sessionless full fetches', async (t) => {
  const s = new FetchSession()
  s.disable()
  const r = s.prepare([part('a', 0, 0n)])
  t.ok(r.full)
  t.equal(r.sessionId, 0)
  t.equal(r.sessionEpoch, FINAL_EPOCH)
  s.succeeded(r, 0)
  t.ok(s.prepare([part('a', 0, 1n)]).full)
})
