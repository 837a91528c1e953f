// OffsetCommit / OffsetFetch request building with topic ids (v10) and names (older), and the
// mapping of answers back to names, with a scripted cluster (no broker): which version the
// broker negotiated is the script's choice here, which a real broker can't vary on demand.
import t from 'tap'
import type { Broker } from '../../../src/pool/broker.js'
import { ResponseError } from '../../../src/errors.js'
import { requestOffsetCommit, requestOffsetFetch, type OffsetsCluster } from '../../../src/offsets/offset-requests.js'

const ID_A = 'AAAAAAAAAAAAAAAAAAAAAQ'
const ID_B = 'AAAAAAAAAAAAAAAAAAAAAg'
const broker = {} as Broker

/** A cluster speaking `version`, with a topic-id cache that learns `later` on the first refresh. */
function scripted(version: number, known: Record<string, string>, later: Record<string, string>, answer: (req: Record<string, unknown>) => unknown) {
  const ids = new Map(Object.entries(known))
  const requests: Array<Record<string, unknown>> = []
  let refreshes = 0
  const cluster: OffsetsCluster = {
    send: (async (_target: unknown, _api: unknown, build: (v: number) => Record<string, unknown>) => {
      const req = build(version)
      requests.push(req)
      return answer(req)
    }) as OffsetsCluster['send'],
    topicId: (name) => ids.get(name),
    topicName: (id) => [...ids].find(([, v]) => v === id)?.[0],
    topicIds: async (names) => {
      refreshes++
      for (const [n, id] of Object.entries(later)) ids.set(n, id)
      return new Map([...names].flatMap((n) => (ids.has(n) ? [[n, ids.get(n) as string] as [string, string]] : [])))
    },
    refreshAllTopics: async () => {
      refreshes++
      for (const [n, id] of Object.entries(later)) ids.set(n, id)
    },
  }
  return { cluster, requests, refreshes: () => refreshes }
}

const identity = { generationId: 3, memberId: 'm', groupInstanceId: null }
const offset = (topic: string, partition: number, o: bigint) => ({ topic, partition, offset: o, leaderEpoch: -1, metadata: null })

t.test('OffsetCommit v10 names topics by id and maps the answer back to names', async (t) => {
  const s = scripted(10, { a: ID_A, b: ID_B }, {}, () => ({ topics: [{ topicId: ID_B, partitions: [{ partitionIndex: 0, errorCode: 0 }] }, { topicId: ID_A, partitions: [{ partitionIndex: 1, errorCode: 100 }] }] }))
  const res = await requestOffsetCommit(s.cluster, broker, 'g', identity, [offset('a', 1, 5n), offset('b', 0, 7n)])
  t.same(s.requests[0].topics, [
    { topicId: ID_A, partitions: [{ partitionIndex: 1, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null }] },
    { topicId: ID_B, partitions: [{ partitionIndex: 0, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: null }] },
  ])
  t.same([...res], [['b\u00000', 0], ['a\u00001', 100]])
  t.equal(s.refreshes(), 0, 'cached ids cost no refresh')
})

t.test('OffsetCommit v9 names topics by name', async (t) => {
  const s = scripted(9, {}, {}, () => ({ topics: [{ name: 'a', partitions: [{ partitionIndex: 1, errorCode: 0 }] }] }))
  const res = await requestOffsetCommit(s.cluster, broker, 'g', identity, [offset('a', 1, 5n)])
  t.equal((s.requests[0].topics as Array<{ name: string }>)[0].name, 'a')
  t.same([...res], [['a\u00001', 0]])
  t.equal(s.refreshes(), 0, 'no ids needed, none looked up')
})

t.test('an id not cached yet: one refresh, then the request', async (t) => {
  const s = scripted(10, {}, { a: ID_A }, () => ({ topics: [{ topicId: ID_A, partitions: [{ partitionIndex: 0, errorCode: 0 }] }] }))
  const res = await requestOffsetCommit(s.cluster, broker, 'g', identity, [offset('a', 0, 1n)])
  t.equal(s.refreshes(), 1)
  t.equal(s.requests.length, 1, 'sent once, with the id')
  t.same([...res], [['a\u00000', 0]])
})

t.test('an id that stays unknown: a retriable UNKNOWN_TOPIC_ID', async (t) => {
  const s = scripted(10, {}, {}, () => ({ topics: [] }))
  const err = await requestOffsetCommit(s.cluster, broker, 'g', identity, [offset('gone', 0, 1n)]).then(() => null, (e: unknown) => e)
  t.type(err, ResponseError)
  t.match(err, { code: 'UNKNOWN_TOPIC_ID', retriable: true, refreshMetadata: true })
  t.equal(s.requests.length, 0, 'nothing sent with a zero id')
})

t.test('OffsetFetch v10: by id; every committed offset maps ids through the cache, refreshing once for unknown ones', async (t) => {
  const partition = (i: number, o: bigint) => ({ partitionIndex: i, committedOffset: o, committedLeaderEpoch: -1, metadata: '', errorCode: 0 })
  const s = scripted(10, { a: ID_A }, { b: ID_B }, (req) => {
    const g = (req.groups as Array<{ topics: Array<{ topicId: string }> | null }>)[0]
    if (g.topics !== null) return { groups: [{ groupId: 'g', errorCode: 0, topics: g.topics.map((tp) => ({ topicId: tp.topicId, partitions: [partition(0, 4n)] })) }] }
    return { groups: [{ groupId: 'g', errorCode: 0, topics: [{ topicId: ID_A, partitions: [partition(0, 4n)] }, { topicId: ID_B, partitions: [partition(2, 9n)] }, { topicId: 'AAAAAAAAAAAAAAAAAAAAAw', partitions: [partition(0, 1n)] }] }] }
  })
  const some = await requestOffsetFetch(s.cluster, broker, 'g', new Map([['a', [0]]]), false)
  t.same((s.requests[0].groups as Array<{ topics: unknown }>)[0].topics, [{ topicId: ID_A, partitionIndexes: [0] }])
  t.same(some.partitions.map((p) => [p.topic, p.partition, p.offset]), [['a', 0, 4n]])
  const all = await requestOffsetFetch(s.cluster, broker, 'g', null, false)
  t.equal(s.refreshes(), 1, 'one refresh for the ids not cached')
  t.same(all.partitions.map((p) => [p.topic, p.partition, p.offset]), [['a', 0, 4n], ['b', 2, 9n]], 'an id no metadata names (a deleted topic) is left out')
})
