import fc from 'fast-check'
import t, { type Test } from 'tap'
import {
  cooperativeStickyAssignor as sticky,
  decodeCooperativeStickyUserData,
  encodeCooperativeStickyUserData,
  NO_GENERATION,
  type Assignment,
  type MemberSubscription,
} from '../../../src/consumer/group/assignors/index.js'

type Owned = Record<string, string[]> // member -> ["topic:partition"]

/** "topic:partition" keys of one member's assignment, sorted. */
function keysOf(a: Map<string, number[]> | undefined): string[] {
  const out: string[] = []
  for (const [topic, ps] of a ?? []) for (const p of ps) out.push(`${topic}:${p}`)
  return out.sort()
}

function toOwnedPartitions(keys: string[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>()
  for (const k of keys) {
    const [topic, p] = k.split(':')
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), Number(p)])
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }))
}

interface Round {
  assignment: Assignment
  /** Partitions each member holds after this round (cooperative: owned ∩ assigned, plus assigned). */
  owned: Owned
  revoked: boolean
}

/**
 * One cooperative rebalance: every member sends what it owns with `generation`, the leader
 * assigns, each member revokes what it lost and adds what it gained. Checks on the way that
 * no partition is handed to a member while another member still owns it.
 */
function rebalance(
  t: Test,
  subs: Record<string, string[]>,
  owned: Owned,
  partitionsPerTopic: Record<string, number>,
  generation: number,
): Round {
  const members: MemberSubscription[] = Object.entries(subs).map(([memberId, topics]) => ({
    memberId,
    topics,
    ownedPartitions: toOwnedPartitions(owned[memberId] ?? []),
    userData: sticky.userData!({ topics, generationId: generation }),
  }))
  const assignment = sticky.assign({ members, partitionsPerTopic: new Map(Object.entries(partitionsPerTopic)) })
  t.same([...assignment.keys()].sort(), Object.keys(subs).sort(), 'every member in the assignment')
  const holders = new Map<string, string[]>()
  for (const [m, keys] of Object.entries(owned)) {
    if (m in subs) for (const k of keys) holders.set(k, [...(holders.get(k) ?? []), m])
  }
  const seen = new Set<string>()
  const next: Owned = {}
  let revoked = false
  for (const [m, topics] of assignment) {
    const keys = keysOf(topics)
    for (const k of keys) {
      t.notOk(seen.has(k), `${k} assigned once`)
      seen.add(k)
      const other = (holders.get(k) ?? []).find((h) => h !== m)
      if (other !== undefined) t.fail(`${k} given to ${m} while ${other} still owns it`)
    }
    if ((owned[m] ?? []).some((k) => !keys.includes(k))) revoked = true
    next[m] = keys
  }
  return { assignment, owned: next, revoked }
}

const counts = (o: Owned) => Object.values(o).map((k) => k.length)
const all = (topic: string, n: number) => Array.from({ length: n }, (_, p) => `${topic}:${p}`)

t.test('fresh group: balanced, every partition once', async (t) => {
  const r = rebalance(t, { A: ['t'], B: ['t'] }, {}, { t: 6 }, NO_GENERATION)
  t.same(counts(r.owned).sort(), [3, 3])
  t.same(Object.values(r.owned).flat().sort(), all('t', 6))
  const r3 = rebalance(t, { A: ['t'], B: ['t'], C: ['t'] }, {}, { t: 7 }, NO_GENERATION)
  t.same(counts(r3.owned).sort(), [2, 2, 3])
})

t.test('member joins: owned partitions stay, moving ones are revoked first, then handed out', async (t) => {
  const subs = { A: ['t'], B: ['t'], C: ['t'] }
  const before: Owned = { A: ['t:0', 't:1', 't:2'], B: ['t:3', 't:4', 't:5'] }
  const r1 = rebalance(t, subs, before, { t: 6 }, 1)
  t.equal(r1.owned.A.length, 2)
  t.equal(r1.owned.B.length, 2)
  t.ok(r1.owned.A.every((k) => before.A.includes(k)), 'A keeps its own partitions')
  t.ok(r1.owned.B.every((k) => before.B.includes(k)), 'B keeps its own partitions')
  t.same(r1.owned.C, [], 'C gets nothing until A and B have revoked')
  t.ok(r1.revoked)

  const r2 = rebalance(t, subs, r1.owned, { t: 6 }, 2)
  t.same(r2.owned.A, r1.owned.A)
  t.same(r2.owned.B, r1.owned.B)
  t.equal(r2.owned.C.length, 2)
  t.same(Object.values(r2.owned).flat().sort(), all('t', 6))
  t.notOk(r2.revoked, 'stable after the follow-up round')
})

t.test('member leaves: its partitions go straight to the others, nobody else moves', async (t) => {
  const before: Owned = { A: ['t:0', 't:1'], B: ['t:2', 't:3'], C: ['t:4', 't:5'] }
  const r = rebalance(t, { A: ['t'], B: ['t'] }, before, { t: 6 }, 4)
  t.ok(before.A.every((k) => r.owned.A.includes(k)))
  t.ok(before.B.every((k) => r.owned.B.includes(k)))
  t.same([...r.owned.A, ...r.owned.B].sort(), all('t', 6))
  t.notOk(r.revoked)
})

t.test('one member owning everything spreads out over two rounds', async (t) => {
  const subs = { A: ['t0', 't1'], B: ['t0', 't1'], C: ['t0', 't1'] }
  const everything = [...all('t0', 4), ...all('t1', 5)]
  const r1 = rebalance(t, subs, { A: everything }, { t0: 4, t1: 5 }, 7)
  t.equal(r1.owned.A.length, 3)
  t.same(r1.owned.B, [])
  t.same(r1.owned.C, [])
  const r2 = rebalance(t, subs, r1.owned, { t0: 4, t1: 5 }, 8)
  t.same(counts(r2.owned), [3, 3, 3])
  t.same(r2.owned.A, r1.owned.A)
  t.same(Object.values(r2.owned).flat().sort(), everything.sort())
})

t.test('unsubscribed topic: its partitions are revoked before another member gets them', async (t) => {
  const before: Owned = { A: ['t:0', 't:1', 'u:0'], B: ['t:2', 'u:1'] }
  const subs = { A: ['t'], B: ['t', 'u'] }
  const r1 = rebalance(t, subs, before, { t: 3, u: 2 }, 3)
  t.notOk(r1.owned.A.includes('u:0'), 'A loses u:0')
  t.notOk(r1.owned.B.includes('u:0'), 'B must wait for u:0')
  const r2 = rebalance(t, subs, r1.owned, { t: 3, u: 2 }, 4)
  t.same(Object.values(r2.owned).flat().sort(), [...all('t', 3), ...all('u', 2)].sort())
})

t.test('claims from an older generation lose to the current generation', async (t) => {
  const members: MemberSubscription[] = [
    { memberId: 'A', topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [0, 1] }], generationId: 5 },
    { memberId: 'B', topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [1, 2, 3] }], generationId: 4 },
  ]
  const a = sticky.assign({ members, partitionsPerTopic: new Map([['t', 4]]) })
  t.same(a.get('A')!.get('t'), [0, 1], 'A (generation 5) keeps 0 and 1')
  // B's stale claim on 1 does not count; B still claims 2 and 3, which are unowned, so it gets them back.
  t.same(a.get('B')!.get('t'), [2, 3])

  // The generation can also come from userData (ConsumerProtocolSubscription v1).
  const viaUserData: MemberSubscription[] = [
    { memberId: 'A', topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [0, 1, 2] }], userData: encodeCooperativeStickyUserData(2) },
    { memberId: 'B', topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [0, 1, 2, 3] }], userData: encodeCooperativeStickyUserData(1) },
  ]
  const b = sticky.assign({ members: viaUserData, partitionsPerTopic: new Map([['t', 4]]) })
  t.same(b.get('A')!.get('t'), [0, 1], 'A keeps two of its partitions')
  // Partition 2 (A's) and 3 (B's stale claim) move to B, but each is still claimed by the other: withheld.
  t.same(b.get('B')!.get('t'), [3], 'B keeps 3, which it claims; 2 waits for A to revoke')
})

t.test('same partition claimed twice in one generation: both revoke, then one member gets it', async (t) => {
  const owned = (ps: number[]) => [{ topic: 't', partitions: ps }]
  const members: MemberSubscription[] = [
    { memberId: 'A', topics: ['t'], ownedPartitions: owned([0, 1]), generationId: 3 },
    { memberId: 'B', topics: ['t'], ownedPartitions: owned([1]), generationId: 3 },
  ]
  const a = sticky.assign({ members, partitionsPerTopic: new Map([['t', 2]]) })
  const first = [...(a.get('A')!.get('t') ?? []), ...(a.get('B')!.get('t') ?? [])]
  t.same(first, [0], 'partition 1 withheld while two members claim it')
  const again: MemberSubscription[] = [
    { memberId: 'A', topics: ['t'], ownedPartitions: owned(a.get('A')!.get('t') ?? []), generationId: 4 },
    { memberId: 'B', topics: ['t'], ownedPartitions: owned(a.get('B')!.get('t') ?? []), generationId: 4 },
  ]
  const b = sticky.assign({ members: again, partitionsPerTopic: new Map([['t', 2]]) })
  t.same([...(b.get('A')!.get('t') ?? []), ...(b.get('B')!.get('t') ?? [])].sort(), [0, 1])
  t.equal(b.get('A')!.get('t')?.length, 1)
})

t.test('userData is the generation as a big-endian int32', async (t) => {
  t.same(sticky.userData!({ topics: ['t'], generationId: 5 }), Buffer.from([0, 0, 0, 5]))
  t.same(sticky.userData!({ topics: ['t'], generationId: -1 }), Buffer.from([0xff, 0xff, 0xff, 0xff]))
  t.equal(decodeCooperativeStickyUserData(Buffer.from([0, 0, 1, 0])), 256)
  t.equal(decodeCooperativeStickyUserData(Buffer.from([0, 1])), NO_GENERATION)
  t.equal(decodeCooperativeStickyUserData(null), NO_GENERATION)
  t.equal(sticky.name, 'cooperative-sticky')
  t.equal(sticky.protocol, 'cooperative')
})

t.test('property: converges, never double-assigns, balanced and sticky (identical subscriptions)', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 3 }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 5 }),
      (initialMembers, topicSizes, memberChanges) => {
        const partitionsPerTopic = Object.fromEntries(topicSizes.map((n, i) => [`t${i}`, n]))
        const topics = Object.keys(partitionsPerTopic)
        const total = topicSizes.reduce((a, b) => a + b, 0)
        let owned: Owned = {}
        let generation = 0
        let next = 0
        let ids = Array.from({ length: initialMembers }, () => `m${next++}`)
        for (const size of memberChanges) {
          // Grow or shrink the group to `size` members (at least 1), keeping the oldest ones.
          const target = Math.max(1, size)
          while (ids.length < target) ids.push(`m${next++}`)
          ids = ids.slice(ids.length - target)
          const subs = Object.fromEntries(ids.map((id) => [id, topics]))
          owned = Object.fromEntries(Object.entries(owned).filter(([m]) => ids.includes(m)))
          let rounds = 0
          for (;;) {
            const before = owned
            const r = rebalance(t, subs, owned, partitionsPerTopic, generation++)
            rounds++
            // Sticky: everyone keeps min(owned, floor quota) of what it had.
            const floor = Math.floor(total / ids.length)
            for (const m of ids) {
              const kept = (r.owned[m] ?? []).filter((k) => (before[m] ?? []).includes(k)).length
              if (kept < Math.min((before[m] ?? []).length, floor)) t.fail(`${m} kept only ${kept}`)
            }
            owned = r.owned
            if (!r.revoked) break
            if (rounds > 3) {
              t.fail('no convergence')
              break
            }
          }
          const flat = Object.values(owned).flat()
          if (flat.length !== total || new Set(flat).size !== total) t.fail('not every partition assigned exactly once')
          const c = counts(owned)
          if (Math.max(...c) - Math.min(...c) > 1) t.fail(`unbalanced ${c}`)
        }
      },
    ),
    { numRuns: 200 },
  )
  t.pass('properties hold')
})

t.test('different subscriptions: every partition goes to a subscribed member, balanced where possible', async (t) => {
  const subs = { A: ['t0'], B: ['t0', 't1'], C: ['t1'] }
  const r1 = rebalance(t, subs, {}, { t0: 4, t1: 4 }, 0)
  for (const k of r1.owned.A) t.ok(k.startsWith('t0:'))
  for (const k of r1.owned.C) t.ok(k.startsWith('t1:'))
  t.ok(Math.max(...counts(r1.owned)) - Math.min(...counts(r1.owned)) <= 1)
  t.same(Object.values(r1.owned).flat().sort(), [...all('t0', 4), ...all('t1', 4)].sort())
  // A member subscribed to a topic nobody else wants gets all of it.
  const r2 = rebalance(t, { A: ['t0'], B: ['t1'] }, {}, { t0: 1, t1: 5 }, 0)
  t.same(r2.owned.B, all('t1', 5))
})
