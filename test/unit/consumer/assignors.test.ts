import t from 'tap'
import { ConfigError } from '../../../src/errors.js'
import {
  ASSIGNORS,
  compareMembers,
  rangeAssignor,
  resolveAssignor,
  roundRobinAssignor,
  type Assignment,
  type Assignor,
  type MemberSubscription,
} from '../../../src/consumer/group/assignors/index.js'

/** Assignment as a plain object: { member: { topic: partitions } }, for t.same. */
function plain(a: Assignment): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {}
  for (const [member, topics] of a) out[member] = Object.fromEntries(topics)
  return out
}

const member = (memberId: string, topics: string[], groupInstanceId: string | null = null): MemberSubscription => ({
  memberId,
  groupInstanceId,
  topics,
})

const run = (assignor: Assignor, members: MemberSubscription[], topics: Record<string, number>) =>
  plain(assignor.assign({ members, partitionsPerTopic: new Map(Object.entries(topics)) }))

t.test('range: one topic of 6 then 7 partitions, 2 then 3 members', async (t) => {
  t.same(run(rangeAssignor, [member('B', ['t']), member('A', ['t'])], { t: 6 }), {
    A: { t: [0, 1, 2] },
    B: { t: [3, 4, 5] },
  })
  t.same(run(rangeAssignor, [member('C', ['t']), member('A', ['t']), member('B', ['t'])], { t: 6 }), {
    A: { t: [0, 1] },
    B: { t: [2, 3] },
    C: { t: [4, 5] },
  })
  t.same(run(rangeAssignor, [member('A', ['t']), member('B', ['t']), member('C', ['t'])], { t: 7 }), {
    A: { t: [0, 1, 2] },
    B: { t: [3, 4] },
    C: { t: [5, 6] },
  })
  t.same(run(rangeAssignor, [member('A', ['t']), member('B', ['t']), member('C', ['t'])], { t: 8 }), {
    A: { t: [0, 1, 2] },
    B: { t: [3, 4, 5] },
    C: { t: [6, 7] },
  })
})

t.test('range: more members than partitions leaves the last ones empty', async (t) => {
  t.same(run(rangeAssignor, [member('A', ['t']), member('B', ['t']), member('C', ['t'])], { t: 2 }), {
    A: { t: [0] },
    B: { t: [1] },
    C: {},
  })
})

t.test('range: multiple topics are split independently (extra partitions pile on the first member)', async (t) => {
  // Java RangeAssignor doc example: t0 and t1 of 3 partitions, C0 and C1 subscribed to both.
  t.same(run(rangeAssignor, [member('C0', ['t0', 't1']), member('C1', ['t0', 't1'])], { t0: 3, t1: 3 }), {
    C0: { t0: [0, 1], t1: [0, 1] },
    C1: { t0: [2], t1: [2] },
  })
})

t.test('range: different subscriptions, unknown topics', async (t) => {
  t.same(
    run(rangeAssignor, [member('A', ['t0']), member('B', ['t0', 't1', 'missing']), member('C', ['t1'])], { t0: 4, t1: 3 }),
    {
      A: { t0: [0, 1] },
      B: { t0: [2, 3], t1: [0, 1] },
      C: { t1: [2] },
    },
  )
  t.same(run(rangeAssignor, [member('A', ['t0'])], { t0: 0 }), { A: {} })
  t.same(run(rangeAssignor, [], { t0: 3 }), {})
})

t.test('range and roundRobin order static members first, by group.instance.id', async (t) => {
  // Member ids of static members change on restart; their instance ids decide the order.
  const members = [member('a-dynamic', ['t']), member('z-1', ['t'], 'instance-2'), member('y-2', ['t'], 'instance-1')]
  t.same(run(rangeAssignor, members, { t: 3 }), {
    'a-dynamic': { t: [2] },
    'z-1': { t: [1] },
    'y-2': { t: [0] },
  })
  t.same(run(roundRobinAssignor, members, { t: 6 }), {
    'a-dynamic': { t: [2, 5] },
    'z-1': { t: [1, 4] },
    'y-2': { t: [0, 3] },
  })
  t.ok(compareMembers(member('b', []), member('a', [])) > 0)
  t.ok(compareMembers(member('b', [], 'x'), member('a', [])) < 0)
})

t.test('roundRobin: one topic of 6 partitions, 2 then 3 members', async (t) => {
  t.same(run(roundRobinAssignor, [member('B', ['t']), member('A', ['t'])], { t: 6 }), {
    A: { t: [0, 2, 4] },
    B: { t: [1, 3, 5] },
  })
  t.same(run(roundRobinAssignor, [member('A', ['t']), member('B', ['t']), member('C', ['t'])], { t: 6 }), {
    A: { t: [0, 3] },
    B: { t: [1, 4] },
    C: { t: [2, 5] },
  })
  t.same(run(roundRobinAssignor, [member('A', ['t']), member('B', ['t']), member('C', ['t'])], { t: 7 }), {
    A: { t: [0, 3, 6] },
    B: { t: [1, 4] },
    C: { t: [2, 5] },
  })
})

t.test('roundRobin: multiple topics in name order, turn carries over between topics', async (t) => {
  // Java RoundRobinAssignor doc example 1: C0 [t0p0, t0p2, t1p1], C1 [t0p1, t1p0, t1p2].
  t.same(run(roundRobinAssignor, [member('C1', ['t1', 't0']), member('C0', ['t0', 't1'])], { t1: 3, t0: 3 }), {
    C0: { t0: [0, 2], t1: [1] },
    C1: { t0: [1], t1: [0, 2] },
  })
})

t.test('roundRobin: members not subscribed to a topic are skipped', async (t) => {
  // Java RoundRobinAssignor doc example 2: t0, t1, t2 of 1, 2, 3 partitions;
  // C0 subscribes t0, C1 t0 and t1, C2 t0, t1 and t2.
  t.same(
    run(roundRobinAssignor, [member('C0', ['t0']), member('C1', ['t0', 't1']), member('C2', ['t0', 't1', 't2'])], {
      t0: 1,
      t1: 2,
      t2: 3,
    }),
    {
      C0: { t0: [0] },
      C1: { t1: [0] },
      C2: { t1: [1], t2: [0, 1, 2] },
    },
  )
})

t.test('bad input is a ConfigError', async (t) => {
  for (const a of Object.values(ASSIGNORS)) {
    t.throws(() => a.assign({ members: [member('A', ['t']), member('A', ['t'])], partitionsPerTopic: new Map([['t', 1]]) }), ConfigError)
    t.throws(() => a.assign({ members: [member('A', ['t'])], partitionsPerTopic: new Map([['t', -1]]) }), ConfigError)
    t.throws(() => a.assign({ members: [member('A', ['t'])], partitionsPerTopic: new Map([['t', 1.5]]) }), ConfigError)
  }
})

t.test('resolveAssignor and ASSIGNORS', async (t) => {
  t.equal(resolveAssignor('range'), rangeAssignor)
  t.equal(resolveAssignor('roundRobin'), roundRobinAssignor)
  t.equal(resolveAssignor('roundrobin'), roundRobinAssignor)
  t.equal(resolveAssignor('cooperativeSticky').name, 'cooperative-sticky')
  t.equal(resolveAssignor('cooperative-sticky'), ASSIGNORS.cooperativeSticky)
  t.same(
    Object.entries(ASSIGNORS).map(([k, a]) => [k, a.name, a.protocol]),
    [
      ['range', 'range', 'eager'],
      ['roundRobin', 'roundrobin', 'eager'],
      ['cooperativeSticky', 'cooperative-sticky', 'cooperative'],
    ],
  )
  const custom: Assignor = { name: 'mine', protocol: 'eager', version: 0, assign: () => new Map() }
  t.equal(resolveAssignor(custom), custom)
  t.throws(() => resolveAssignor('sticky' as never), ConfigError)
  t.throws(() => resolveAssignor('toString' as never), ConfigError)
  t.throws(() => resolveAssignor({ name: 'x' } as never), ConfigError)
  t.throws(() => resolveAssignor({ ...custom, protocol: 'both' } as never), ConfigError)
})
