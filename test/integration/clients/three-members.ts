/**
 * The three-member scenario of the usage suite, run with one assignor per test file: three
 * members of one group, a producer sending 30,000 records and an admin creating, describing and
 * deleting topics in a loop, all from ONE `Kafka` instance (issue 11). Not a test file itself.
 */
import type { Test } from 'tap'
import type { AssignorName } from '../../../src/consumer/group/assignors/index.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { adminLoop, duplicatesOf, produceIndexed, splitEvenly, startUsageMember, until } from './usage-fixture.js'

const PARTITIONS = 6
const RECORDS = 30_000

export async function threeMembersOneInstance(t: Test, assignor: AssignorName): Promise<void> {
  // The group's debug log, kept in memory and printed only when the split does not come: a
  // failure must be explainable from the CI output alone.
  const trail: string[] = []
  const keep = (level: string) => (obj: object, msg: string): void => {
    trail.push(`${new Date().toISOString()} ${level} ${msg} ${JSON.stringify(obj)}`)
    if (trail.length > 400) trail.shift()
  }
  const kafka = newKafka({ clientId: `usage-${assignor}`, debug: 'consumer', logger: { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') } })
  t.teardown(() => kafka.disconnectAll())
  const admin = kafka.admin()
  const topic = uniqueTopic(`usage-${assignor}`)
  const groupId = uniqueTopic(`usage-group-${assignor}`)
  const [created] = await admin.createTopics([{ name: topic, partitions: PARTITIONS, replicationFactor: 1 }])
  t.equal(created.errorCode, 0, 'topic created')

  const members = ['a', 'b', 'c'].map((n) =>
    startUsageMember(kafka, n, { groupId, topics: [topic], assignors: [assignor], resetStrategy: 'earliest', heartbeatIntervalMs: 1000, sessionTimeoutMs: 10_000 }),
  )
  try {
    await until('a 2/2/2 split', () => splitEvenly(members, topic, PARTITIONS), 90_000).catch((err: unknown) => {
      for (const m of members) {
        t.comment(`${m.name}: rebalances ${JSON.stringify(m.rebalances.map((r) => ({ gen: r.generationId, owned: Object.keys(r.assignment[topic] ?? {}), revoked: r.revoked.map((p) => p.partition) })))}; errors ${m.errors.map(String).join(' | ')}`)
      }
      for (const line of trail.slice(-150)) t.comment(line)
      throw err
    })
    t.pass(`split 2/2/2: ${members.map((m) => `${m.name}=[${m.owned(topic).join(',')}]`).join(' ')}`)
    const rebalancesAtSplit = members.map((m) => m.rebalances.length)

    const loop = adminLoop(admin)
    await produceIndexed(kafka, topic, RECORDS, PARTITIONS)
    await until(`${RECORDS} records`, () => members.reduce((n, m) => n + m.values.length, 0) >= RECORDS, 120_000)
    await loop.stop()

    const values = members.flatMap((m) => m.values)
    t.equal(values.length, RECORDS, 'every record arrived once (count)')
    t.same(duplicatesOf(values), [], 'no record twice')
    t.same(duplicatesOf(members.flatMap((m) => m.seen)), [], 'no offset twice')
    t.equal(new Set(values).size, RECORDS, 'every record arrived')
    t.same(members.map((m) => m.rebalances.length), rebalancesAtSplit, 'no rebalance after the split')
    for (const m of members) {
      const owned = new Set(m.owned(topic))
      t.ok(m.seen.every((s) => owned.has(Number(s.split(':')[0]))), `${m.name} got records only from its partitions`)
      t.equal(m.values.length, (RECORDS / PARTITIONS) * owned.size, `${m.name} got all of its partitions' records`)
    }
    t.ok(loop.rounds() > 0, `the admin loop ran (${loop.rounds()} create/describe/delete rounds)`)
    t.same(loop.errors.map(String), [], 'the admin loop had no errors')
    t.same(members.flatMap((m) => m.errors.map(String)), [], 'no poll or commit errors')
  } finally {
    await Promise.all(members.map((m) => m.stop()))
  }
}
