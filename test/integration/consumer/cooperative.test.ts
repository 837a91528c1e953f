// cooperativeSticky (KIP-429): while a joining member causes a rebalance, the partitions that
// stay with a member keep delivering records; the revoked ones move in a second round.
import t from 'tap'
import type { Logger } from '../../../src/logger.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { type Member, settled, startMember, until } from '../../helpers/group-members.js'

// Member a's join windows, from the debug log of the one Kafka instance all members share.
const joins: { memberId: string; start: number; end: number }[] = []
const logger: Logger = {
  debug: (o, msg) => {
    const memberId = String((o as { memberId?: unknown }).memberId ?? '')
    if (msg === 'joining group') joins.push({ memberId, start: Date.now(), end: Infinity })
    if (msg === 'joined group') {
      const open = joins.findLast((j) => j.memberId === memberId && j.end === Infinity)
      if (open !== undefined) open.end = Date.now()
    }
  },
  info() {},
  warn() {},
  error() {},
}
const admin = newKafka({ logger, debug: ['consumer'] })
t.teardown(() => admin.disconnectAll())

t.test('retained partitions deliver during the rebalance', async (t) => {
  const topic = uniqueTopic('coop')
  const groupId = uniqueTopic('g-coop')
  await createTopic(admin, topic, 6)
  let producing = true
  const producer = (async () => {
    let i = 0
    while (producing) {
      await Promise.all(Array.from({ length: 6 }, (_, p) => produce(admin, topic, p, [{ key: null, value: Buffer.from(String(i)) }])))
      i++
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  t.teardown(async () => {
    producing = false
    await producer
  })
  const opts = { groupId, topics: [topic], assignors: ['cooperativeSticky' as const], resetStrategy: 'latest' as const, heartbeatIntervalMs: 300, sessionTimeoutMs: 10_000 }
  const received: { at: number; partition: number }[] = []
  const a = startMember(admin, 'a', opts, {
    commit: true,
    onRecords: (_m, rs) => received.push(...rs.map((r) => ({ at: Date.now(), partition: r.partition }))),
  })
  // A second member whose handler is slow: the coordinator waits for it to rejoin, which keeps
  // the rebalance open while member a's JoinGroup is pending.
  const slow = startMember(admin, 'slow', opts, {
    commit: true,
    onRecords: () => {
      const end = Date.now() + 2500
      while (Date.now() < end) {
        /* a slow handler */
      }
    },
  })
  const members: Member[] = [a, slow]
  t.teardown(async () => {
    await Promise.all(members.map((m) => m.stop()))
  })
  await until('a and slow settle', () => settled(members) && members.every((m) => (m.partitions().get(topic) ?? []).length === 3), 60_000)
  const kept = a.partitions().get(topic) ?? []
  const aId = a.rebalances[a.rebalances.length - 1].memberId
  const joinsBefore = joins.length
  members.push(startMember(admin, 'b', opts, { commit: true }))
  await until('three members own 2 partitions each', () => settled(members) && members.every((m) => (m.partitions().get(topic) ?? []).length === 2), 90_000)
  const windows = joins.slice(joinsBefore).filter((j) => j.memberId === aId)
  t.ok(windows.length >= 1, 'member a rejoined')
  const during = received.filter((r) => windows.some((w) => r.at > w.start && r.at < w.end) && kept.includes(r.partition))
  t.comment(`a's join windows: ${windows.map((w) => `${w.end - w.start} ms`).join(', ')}; records from retained partitions during them: ${during.length}`)
  t.ok(during.length > 0, 'records from retained partitions arrived while the rebalance was in progress')
  const revoked = a.rebalances.flatMap((e) => e.revoked)
  t.ok(revoked.length > 0, 'a gave up partitions (revoked, then assigned to b in a second round)')
  // A member may hold a batch of a partition revoked meanwhile: its commit then fails with
  // STALE_GENERATION by design (the new owner reads those records again).
  const unexpected = (m: Member): unknown[] => m.errors.filter((e) => !['CLIENT_CLOSED', 'STALE_GENERATION'].includes((e as { code?: string }).code ?? ''))
  for (const m of members) t.same(unexpected(m), [], `${m.name}: no unexpected errors`)
})
