import t from 'tap'
import { settleItems } from '../../../src/admin/item-retry.js'
import type { Cluster } from '../../../src/pool/cluster.js'

const cluster = { retryPolicy: { retryBackoffMs: 1, retryBackoffMaxMs: 2 }, defaultApiTimeoutMs: 1000, isClosed: false } as unknown as Cluster

t.test('only items flagged for retry are sent again, results stay in input order', async (t) => {
  const rounds: string[][] = []
  let failB = 2
  const out = await settleItems(
    cluster,
    ['a', 'b', 'c'],
    async (pending) => {
      rounds.push(pending)
      return pending.map((p) => ({ item: p, code: p === 'b' && failB-- > 0 ? 41 : 0 }))
    },
    (r) => r.code === 41,
  )
  t.same(rounds, [['a', 'b', 'c'], ['b'], ['b']])
  t.same(out, [{ item: 'a', code: 0 }, { item: 'b', code: 0 }, { item: 'c', code: 0 }])
})

t.test('past the deadline the failed result is returned, not thrown', async (t) => {
  let calls = 0
  const retried: number[] = []
  const out = await settleItems(
    cluster,
    [1],
    async (pending) => {
      calls++
      return pending.map(() => ({ code: 16 }))
    },
    (r) => r.code === 16,
    (rs) => retried.push(rs.length),
    Date.now() + 50,
  )
  t.ok(calls >= 2, 'retried while the deadline allowed')
  t.equal(retried.length, calls - 1, 'every round but the last was retried')
  t.same(out, [{ code: 16 }])
})

t.test('a rejected round rejects the whole operation', async (t) => {
  await t.rejects(settleItems(cluster, [1], async () => { throw new Error('boom') }, () => false), /boom/)
})
