// The consumer group protocol (KIP-848, groupProtocol: 'consumer') on the real broker: members
// of ONE Kafka instance join and leave while 30,000 records are consumed. From the rebalance
// events (emitted in one process, so their order is real), no partition is ever owned by two
// members; committing after each batch, every record is processed exactly once. Handlers are
// slow (35 ms per 20 records) so the changes happen mid-stream: each change takes a heartbeat
// interval or two (the broker's group.consumer.heartbeat.interval.ms, 5 s by default).
import t from 'tap'
import type { Logger } from '../../../src/logger.js'
import type { RebalanceEvent } from '../../../src/consumer/consumer-record.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { type Member, startMember, until } from '../../helpers/group-members.js'

const warnings: string[] = []
const logger: Logger = { debug() {}, info() {}, warn: (o, msg) => warnings.push(`${msg} ${JSON.stringify(o)}`), error() {} }
const kafka = newKafka({ logger })
t.teardown(() => kafka.disconnectAll())

const TOTAL = 30_000
const PARTITIONS = 6

/** Owner of each partition as the rebalance events say, and any moment two members owned one. */
class Ownership {
  readonly owner = new Map<number, string>()
  readonly overlaps: string[] = []
  readonly owned = new Map<string, Set<number>>()
  watch(m: Member, topic: string): void {
    m.consumer.on('rebalance', (e: RebalanceEvent) => {
      const now = new Set(Object.keys(e.assignment[topic] ?? {}).map(Number))
      for (const p of this.owned.get(m.name) ?? []) if (!now.has(p) && this.owner.get(p) === m.name) this.owner.delete(p)
      for (const p of now) {
        const o = this.owner.get(p)
        if (o !== undefined && o !== m.name) this.overlaps.push(`partition ${p}: ${m.name} got it while ${o} owned it`)
        this.owner.set(p, m.name)
      }
      this.owned.set(m.name, now)
    })
  }
  /** A member stopped: it owns nothing from now on. */
  gone(m: Member): void {
    for (const p of this.owned.get(m.name) ?? []) if (this.owner.get(p) === m.name) this.owner.delete(p)
    this.owned.delete(m.name)
  }
  counts(names: string[]): number[] {
    return names.map((n) => this.owned.get(n)?.size ?? 0)
  }
}

t.test('two then three members on the consumer protocol, 30,000 records exactly once', async (t) => {
  const topic = uniqueTopic('kip848')
  const groupId = uniqueTopic('g-kip848')
  await createTopic(kafka, topic, PARTITIONS)
  const per = TOTAL / PARTITIONS
  await Promise.all(
    Array.from({ length: PARTITIONS }, async (_, p) => {
      for (let from = 0; from < per; from += 1000) {
        await produce(kafka, topic, p, Array.from({ length: 1000 }, (_, i) => ({ key: null, value: Buffer.from(String(from + i)) })))
      }
    }),
  )
  const seen = new Map<string, number>()
  const slow = (_m: Member, rs: { partition: number; offset: bigint }[]): void => {
    for (const r of rs) {
      const k = `${r.partition}:${r.offset}`
      seen.set(k, (seen.get(k) ?? 0) + 1)
    }
    const end = Date.now() + 35
    while (Date.now() < end) {
      /* a handler doing work */
    }
  }
  const opts = { groupId, topics: [topic], groupProtocol: 'consumer' as const, resetStrategy: 'earliest' as const, maxPollRecords: 20 }
  const own = new Ownership()
  const members: Member[] = []
  const start = (name: string): Member => {
    const m = startMember(kafka, name, opts, { commit: true, onRecords: slow })
    own.watch(m, topic)
    members.push(m)
    return m
  }
  t.teardown(async () => {
    await Promise.all(members.map((m) => m.stop()))
  })
  const a = start('a')
  const b = start('b')
  await until('a and b own 3 partitions each', () => own.counts(['a', 'b']).every((n) => n === 3), 60_000)
  t.ok(seen.size < TOTAL, 'the group formed while records remained')
  const c = start('c')
  await until('a, b and c own 2 partitions each', () => own.counts(['a', 'b', 'c']).every((n) => n === 2), 60_000)
  t.pass('a third member got its share')
  await a.stop()
  own.gone(a)
  await until('b and c own 3 each after a left', () => own.counts(['b', 'c']).every((n) => n === 3), 60_000)
  const d = start('d')
  await until('b, c and d own 2 partitions each', () => own.counts(['b', 'c', 'd']).every((n) => n === 2), 60_000)
  t.ok(seen.size < TOTAL, `every change happened while records remained (${TOTAL - seen.size} left)`)
  await until('every record processed', () => seen.size >= TOTAL, 120_000)
  const duplicates = [...seen.values()].reduce((n, k) => n + (k - 1), 0)
  t.equal(seen.size, TOTAL, 'every record processed')
  t.equal(duplicates, 0, 'no record processed twice')
  t.same(own.overlaps, [], 'no partition was ever owned by two members')
  t.ok(d.rebalances.length > 0, 'the member that joined last was assigned')
  for (const m of [a, b, c, d]) {
    t.same(m.errors.filter((e) => (e as { code?: string }).code !== 'CLIENT_CLOSED'), [], `${m.name}: no errors`)
    const last = m.rebalances[m.rebalances.length - 1]
    if (last !== undefined) t.ok(last.generationId > 0, `${m.name}: the member epoch is the generation`)
  }
  t.same(warnings, [], 'no warnings')
})
