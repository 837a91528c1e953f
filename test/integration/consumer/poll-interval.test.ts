// maxPollIntervalMs (Java's max.poll.interval.ms): a member whose application stops polling
// leaves the group (LeaveGroup; on the consumer protocol a heartbeat with epoch -1), a second member of the same Kafka instance takes its
// partitions, and the first sees the revocation on its next poll, then rejoins.
import t from 'tap'
import type { RebalanceEvent } from '../../../src/consumer/consumer-record.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic } from '../../helpers/consumer-fixtures.js'
import { startMember, until } from '../../helpers/group-members.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())

const owned = (e: RebalanceEvent, topic: string): number[] => Object.keys(e.assignment[topic] ?? {}).map(Number).sort()

for (const groupProtocol of ['classic', 'consumer'] as const) t.test(`${groupProtocol}: a stalled handler: the member leaves, another takes over, the revocation comes with the next poll`, async (t) => {
  const topic = uniqueTopic('poll-interval')
  const groupId = uniqueTopic('g-poll-interval')
  await createTopic(kafka, topic, 2)
  const base = { groupId, topics: [topic], resetStrategy: 'earliest' as const, maxPollIntervalMs: 5_000, groupProtocol }
  const opts = groupProtocol === 'classic' ? { ...base, heartbeatIntervalMs: 300, sessionTimeoutMs: 10_000 } : base
  const a = kafka.consumer(opts)
  t.teardown(() => a.stop())
  // The consumer protocol may first hand out an empty assignment (the coordinator computes the
  // target asynchronously; the partitions come with a later heartbeat), as Java reports it too.
  let first: RebalanceEvent | null = null
  for (let i = 0; i < 100 && (first === null || owned(first, topic).length < 2); i++) {
    const ev = await a.poll(500)
    if (ev.type === 'rebalance') first = ev
  }
  t.same(first && owned(first, topic), [0, 1], 'a owns both partitions')

  // The handler stalls for 10 s: no poll. Meanwhile b (same Kafka instance) joins.
  const stallStart = Date.now()
  const b = startMember(kafka, 'b', opts)
  t.teardown(() => b.stop())
  await until('b owns both partitions', () => (b.partitions().get(topic) ?? []).length === 2, 60_000)
  const left = 10_000 - (Date.now() - stallStart)
  if (left > 0) await new Promise((r) => setTimeout(r, left))

  const ev = await a.poll(5_000)
  t.equal(ev.type, 'rebalance', 'the next poll returns a rebalance event')
  const revocation = ev as RebalanceEvent
  t.same(revocation.revoked.map((p) => p.partition).sort(), [0, 1], 'both partitions revoked')
  t.same(revocation.assignment, {}, 'nothing assigned until the rejoin')
  t.same(a.assignment(), [])

  // Polling again rejoins: the two members share the partitions.
  let rejoined: RebalanceEvent | null = null
  for (let i = 0; i < 200 && (rejoined === null || owned(rejoined, topic).length !== 1); i++) {
    const e = await a.poll(500)
    if (e.type === 'rebalance') rejoined = e
  }
  t.equal(rejoined && owned(rejoined, topic).length, 1, 'a rejoined and got one partition')
  await until('b owns one partition', () => (b.partitions().get(topic) ?? []).length === 1, 60_000)
  t.same(b.errors, [], 'b saw no errors')
})
