// Two, then three consumers of one group on a 6-partition topic get exactly the partitions
// `range` and `roundRobin` prescribe for the member ids they were given; each sees the rebalance.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic } from '../../helpers/consumer-fixtures.js'
import { type Member, settled, startMember, until } from '../../helpers/group-members.js'

const admin = newKafka()
t.teardown(() => admin.disconnectAll())

/** Expected split for members sorted by member id (all dynamic): Java's RangeAssignor / RoundRobinAssignor on one topic. */
function expected(assignor: 'range' | 'roundRobin', memberIds: string[], partitions: number): Map<string, number[]> {
  const sorted = [...memberIds].sort()
  const out = new Map<string, number[]>(sorted.map((id) => [id, []]))
  if (assignor === 'range') {
    const per = Math.floor(partitions / sorted.length)
    const extra = partitions % sorted.length
    let next = 0
    sorted.forEach((id, i) => {
      const n = per + (i < extra ? 1 : 0)
      for (let k = 0; k < n; k++) out.get(id)?.push(next++)
    })
  } else {
    for (let p = 0; p < partitions; p++) out.get(sorted[p % sorted.length])?.push(p)
  }
  return out
}

for (const assignor of ['range', 'roundRobin'] as const) {
  t.test(`${assignor}: 2 then 3 members`, async (t) => {
    const topic = uniqueTopic(`grp-${assignor}`)
    const groupId = uniqueTopic(`g-${assignor}`)
    await createTopic(admin, topic, 6)
    const opts = { groupId, topics: [topic], assignors: [assignor], heartbeatIntervalMs: 300, sessionTimeoutMs: 10_000, resetStrategy: 'earliest' as const }
    const members: Member[] = []
    t.teardown(async () => {
      await Promise.all(members.map((m) => m.stop()))
    })
    const check = (n: number): void => {
      const last = members.map((m) => m.rebalances[m.rebalances.length - 1])
      const ids = last.map((e) => e.memberId)
      t.equal(new Set(ids).size, n, 'distinct member ids')
      const want = expected(assignor, ids, 6)
      for (const [i, m] of members.entries()) {
        t.same(m.partitions().get(topic) ?? [], want.get(ids[i]), `${m.name} (${ids[i]}) gets the ${assignor} share with ${n} members`)
        t.same(last[i].revoked.length >= 0, true)
        for (const offset of Object.values(last[i].assignment[topic] ?? {})) t.equal(offset, 0n, 'starting offset of an empty topic')
      }
    }
    members.push(startMember(admin, 'a', opts), startMember(admin, 'b', opts))
    await until('2 members settle', () => settled(members) && members.every((m) => Object.keys(m.rebalances.at(-1)?.assignment[topic] ?? {}).length > 0))
    check(2)
    const before = members.map((m) => m.rebalances.length)
    members.push(startMember(admin, 'c', opts))
    await until('3 members settle', () => settled(members) && members.every((m, i) => m.rebalances.length > (before[i] ?? 0)))
    check(3)
    for (const m of members) t.same(m.errors, [], `${m.name} saw no errors`)
  })
}
