// Commits and rebalances: progress handed out before a rebalance and not committed is
// discarded, committing it fails with StaleCommitError, and the new owner reads those records.
import t from 'tap'
import { StaleCommitError } from '../../../src/consumer/consumer-errors.js'
import type { RebalanceEvent } from '../../../src/consumer/consumer-record.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, numbered, produce } from '../../helpers/consumer-fixtures.js'
import { startMember, until } from '../../helpers/group-members.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())

t.test('commit after a rebalance took the partitions: StaleCommitError, nothing overwritten', async (t) => {
  const topic = uniqueTopic('commit')
  const groupId = uniqueTopic('g-commit')
  await createTopic(kafka, topic, 2)
  await produce(kafka, topic, 0, numbered('a', 0, 10))
  await produce(kafka, topic, 1, numbered('b', 0, 10))
  const opts = { groupId, topics: [topic], resetStrategy: 'earliest' as const, heartbeatIntervalMs: 300, sessionTimeoutMs: 10_000 }
  const a = kafka.consumer(opts)
  const events: RebalanceEvent[] = []
  a.on('rebalance', (e) => events.push(e))
  // a owns both partitions and takes records without committing them
  let handed = 0
  while (handed < 20) {
    const ev = await a.poll(5000)
    if (ev.type === 'records') handed += ev.records.length
  }
  t.equal(events.length, 1, 'the first assignment was emitted')
  t.same(Object.keys(events[0].assignment[topic]).map(Number), [0, 1])
  await a.commit([{ topic, partition: 0, offset: 4n }])

  const b = startMember(kafka, 'b', opts, { commit: true })
  t.teardown(() => b.stop())
  // a keeps polling (the rebalance runs inside poll) until it has its new assignment
  while (events.length < 2) await a.poll(500)
  const kept = Object.keys(events[1].assignment[topic] ?? {}).map(Number)
  t.equal(kept.length, 1, 'range gives a one partition')
  const lost = kept[0] === 0 ? 1 : 0
  t.equal(events[1].assignment[topic][kept[0]], kept[0] === 0 ? 4n : 0n, 'starts at the committed offset (or earliest)')
  // An explicit commit is judged by the partitions it names: the kept one commits, and the
  // progress lost on the other is not reported here (it used to be, after committing: a
  // successful commit that looked refused).
  const keptAt = events[1].assignment[topic][kept[0]]
  await t.resolves(a.commit([{ topic, partition: kept[0], offset: keptAt + 1n }]), 'explicit commit of the kept partition succeeds')
  const admin = kafka.admin()
  t.teardown(() => admin.close())
  const committed = await admin.fetchCommittedOffsets(groupId, [{ topic, partitions: [kept[0]] }])
  t.equal(committed[0]?.offset, keptAt + 1n, 'and is committed')
  // commit() without offsets still reports the progress the rebalance discarded.
  const err = await a.commit().catch((e: unknown) => e)
  t.type(err, StaleCommitError)
  t.equal((err as StaleCommitError).code, 'STALE_GENERATION')
  t.equal((err as StaleCommitError).retriable, false)
  t.ok((err as StaleCommitError).partitions.length >= 1, 'names the partitions')
  await t.rejects(a.commit([{ topic, partition: lost, offset: 10n }]), { code: 'STALE_GENERATION' }, 'explicit commit of a partition no longer owned')
  await until('b read its partition from the last commit', () => b.records.filter((r) => r.partition === lost).length >= (lost === 0 ? 6 : 10), 30_000)
  const first = b.records.find((r) => r.partition === lost)
  t.equal(first?.offset, lost === 0 ? 4n : 0n, "a's uncommitted progress was not committed: b starts at the last commit")
  await a.stop()
  await a.stop()
  await t.rejects(a.commit(), { code: 'CLIENT_CLOSED' })
})

t.test('eager rebalance: nothing handed out means no StaleCommitError, and revoked names what was given up', async (t) => {
  const topic = uniqueTopic('commit-none')
  const groupId = uniqueTopic('g-commit-none')
  await createTopic(kafka, topic, 2)
  const opts = { groupId, topics: [topic], resetStrategy: 'latest' as const, heartbeatIntervalMs: 300, sessionTimeoutMs: 10_000 }
  const a = kafka.consumer(opts)
  t.teardown(() => a.stop())
  const events: RebalanceEvent[] = []
  a.on('rebalance', (e) => events.push(e))
  for (let i = 0; i < 100 && events.length < 1; i++) await a.poll(500)
  t.same(Object.keys(events[0]?.assignment[topic] ?? {}).map(Number), [0, 1], 'a owns both partitions, positioned by resetStrategy')
  const b = startMember(kafka, 'b', opts, { commit: true })
  t.teardown(() => b.stop())
  for (let i = 0; i < 120 && events.length < 2; i++) await a.poll(500)
  t.equal(events.length, 2, 'a saw the second rebalance')
  t.same(events[1].revoked.map((p) => p.partition).sort(), [0, 1], 'eager: every owned partition is revoked')
  await t.resolves(a.commit(), 'no StaleCommitError: nothing was handed out')
})
