// Online migration (KIP-848's upgrade path) on the real 4.4 broker: a group consumed by two
// classic kafkats members is taken over by two consumer-protocol members (one Kafka instance)
// — a consumer-protocol member joins the classic group, which the broker converts, and the
// classic members then leave one by one. Committing after each batch, no record is lost; how
// many were processed twice is reported.
import t from 'tap'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { type Member, startMember, until } from '../../helpers/group-members.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())
const admin = kafka.admin()
t.teardown(() => admin.close())

const TOTAL = 12_000
const PARTITIONS = 4

t.test('classic members hand a group over to consumer-protocol members', async (t) => {
  const topic = uniqueTopic('migrate')
  const groupId = uniqueTopic('g-migrate')
  await createTopic(kafka, topic, PARTITIONS)
  const per = TOTAL / PARTITIONS
  await Promise.all(
    Array.from({ length: PARTITIONS }, async (_, p) => {
      for (let from = 0; from < per; from += 1000) await produce(kafka, topic, p, Array.from({ length: 1000 }, (_, i) => ({ key: null, value: Buffer.from(String(from + i)) })))
    }),
  )
  const seen = new Map<string, number>()
  const slow = (_m: Member, rs: { partition: number; offset: bigint }[]): void => {
    for (const r of rs) seen.set(`${r.partition}:${r.offset}`, (seen.get(`${r.partition}:${r.offset}`) ?? 0) + 1)
    const end = Date.now() + 30
    while (Date.now() < end) {
      /* a handler doing work */
    }
  }
  const base = { groupId, topics: [topic], resetStrategy: 'earliest' as const, maxPollRecords: 50 }
  const members: Member[] = []
  t.teardown(async () => {
    await Promise.all(members.map((m) => m.stop()))
  })
  const classic = ['c1', 'c2'].map((n) => startMember(kafka, n, { ...base, heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000 }, { commit: true, onRecords: slow }))
  members.push(...classic)
  await until('the classic members share the partitions', () => classic.every((m) => (m.partitions().get(topic) ?? []).length === 2), 60_000)
  const next = ['k1', 'k2'].map((n) => startMember(kafka, n, { ...base, groupProtocol: 'consumer' }, { commit: true, onRecords: slow }))
  members.push(...next)
  await until('a consumer-protocol member got partitions', () => next.some((m) => (m.partitions().get(topic) ?? []).length > 0), 60_000)
  t.ok(seen.size < TOTAL, 'the consumer-protocol members joined while records remained')
  const memberTypes = async (): Promise<string> => {
    const [g] = await admin.describeGroups([groupId])
    return `${g.type}: ${g.members.map((m) => m.consumerProtocol?.memberType).sort().join()}`
  }
  await waitFor('two classic and two consumer-protocol members in one consumer group', async () => (await memberTypes()) === 'consumer: 0,0,1,1', 30_000)
  t.pass('the broker converted the group; classic members (type 0) and consumer-protocol members (type 1) share it')
  for (const m of classic) await m.stop()
  await until('the consumer-protocol members own every partition', () => next.reduce((n, m) => n + (m.partitions().get(topic) ?? []).length, 0) === PARTITIONS, 60_000)
  await until('every record processed', () => seen.size >= TOTAL, 120_000)
  const duplicates = [...seen.values()].reduce((n, k) => n + (k - 1), 0)
  t.comment(`processed twice during the migration: ${duplicates}`)
  t.equal(seen.size, TOTAL, 'no record lost')
  for (const m of members) t.same(m.errors.filter((e) => !['CLIENT_CLOSED', 'STALE_GENERATION'].includes((e as { code?: string }).code ?? '')), [], `${m.name}: no errors`)
})
