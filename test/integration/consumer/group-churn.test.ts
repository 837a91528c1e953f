// At-least-once across churn: 3 members process 300,000 records while one member stops and
// another joins; committing after each batch, every record is processed. Reports how many
// records were processed twice (0 expected: stop() comes after the member's last commit, and
// eager rebalances run between batches).
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { type Member, startMember, until } from '../../helpers/group-members.js'

const TOTAL = 300_000
const PARTITIONS = 6
const admin = newKafka()
t.teardown(() => admin.disconnectAll())

t.test('300,000 records, one member leaves and one joins', async (t) => {
  const topic = uniqueTopic('churn')
  const groupId = uniqueTopic('g-churn')
  await createTopic(admin, topic, PARTITIONS)
  const per = TOTAL / PARTITIONS
  const value = Buffer.alloc(100, 'x')
  await Promise.all(
    Array.from({ length: PARTITIONS }, async (_, p) => {
      for (let from = 0; from < per; from += 10_000) {
        const records = Array.from({ length: Math.min(10_000, per - from) }, (_, i) => ({ key: Buffer.from(String(from + i)), value }))
        await produce(admin, topic, p, records, { compression: 'lz4' })
      }
    }),
  )
  const seen = new Map<string, number>()
  let processed = 0
  const onRecords = (_m: Member, rs: { partition: number; offset: bigint }[]): void => {
    for (const r of rs) {
      const k = `${r.partition}:${r.offset}`
      seen.set(k, (seen.get(k) ?? 0) + 1)
    }
    processed += rs.length
  }
  const opts = { groupId, topics: [topic], resetStrategy: 'earliest' as const, heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000, maxPollRecords: 2000 }
  // Slow processing (a few ms per batch) so that the churn happens mid-stream.
  const slow = (m: Member, rs: { partition: number; offset: bigint }[]): void => {
    onRecords(m, rs)
    const until = Date.now() + 15
    while (Date.now() < until) {
      /* busy: a handler doing work */
    }
  }
  const members: Member[] = ['a', 'b', 'c'].map((n) => startMember(admin, n, opts, { commit: true, onRecords: slow }))
  t.teardown(async () => {
    await Promise.all(members.map((m) => m.stop()))
  })
  const started = Date.now()
  await until('20% processed', () => processed >= TOTAL * 0.2, 90_000)
  await members[0].stop()
  members.push(startMember(admin, 'd', opts, { commit: true, onRecords: slow }))
  await until('every record processed', () => seen.size >= TOTAL, 110_000)
  const duplicates = [...seen.values()].reduce((n, c) => n + (c - 1), 0)
  t.comment(`processed ${processed} records (${seen.size} distinct) in ${Date.now() - started} ms; processed twice: ${duplicates}`)
  t.equal(seen.size, TOTAL, 'every record processed')
  t.equal(duplicates, 0, 'no record processed twice with clean stops')
  t.ok(members[3].records.length > 0, 'the member that joined got work')
  for (const m of members) t.same(m.errors.filter((e) => (e as { code?: string }).code !== 'CLIENT_CLOSED'), [], `${m.name}: no errors`)
})
