// One consumer group, members of different clients: two kafkats members (from ONE Kafka) with a
// Java client member, and with a librdkafka member, under range and cooperative-sticky. Whoever
// leads runs its assignor over the others' subscriptions (the consumer protocol's bytes, with
// owned partitions and generation for cooperative-sticky) — a kafkats leader assigns the peer,
// and a peer leader assigns kafkats. Every record is consumed once, by its partition's owner;
// when the peer leaves, the kafkats members take over from its committed offsets.
import t from 'tap'
import { bootstrap, newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { type Member, startMember, until } from '../../helpers/group-members.js'
import { ownedBy, PARTITIONS, PER_PARTITION, produceRound } from './mixed-group-fixture.js'
import { peerMissing, type PeerKind, type PeerMember, startPeerMember } from './peers.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())
const admin = kafka.admin()
t.teardown(() => admin.close())

const cases: { peer: PeerKind; assignor: 'range' | 'cooperative-sticky'; peerLeads: boolean }[] = [
  { peer: 'java', assignor: 'range', peerLeads: true },
  { peer: 'java', assignor: 'cooperative-sticky', peerLeads: false },
  { peer: 'librdkafka', assignor: 'range', peerLeads: false },
  { peer: 'librdkafka', assignor: 'cooperative-sticky', peerLeads: true },
]

for (const c of cases) {
  const name = `${c.assignor}: two kafkats members and a ${c.peer} member; the ${c.peerLeads ? c.peer : 'kafkats'} member leads`
  t.test(name, { skip: peerMissing(c.peer) }, async (t) => {
    const topic = uniqueTopic(`mixed-${c.peer}`)
    const groupId = uniqueTopic(`g-mixed-${c.peer}`)
    await admin.createTopics([{ name: topic, partitions: PARTITIONS, replicationFactor: 1 }])
    const opts = {
      groupId,
      topics: [topic],
      resetStrategy: 'earliest' as const,
      assignors: [c.assignor === 'range' ? ('range' as const) : ('cooperativeSticky' as const)],
      heartbeatIntervalMs: 500,
      sessionTimeoutMs: 10_000,
    }
    const members: Member[] = []
    let peer: PeerMember | null = null
    t.teardown(async () => {
      await peer?.stop()
      await Promise.all(members.map((m) => m.stop()))
    })
    // The first member to join leads the group.
    if (c.peerLeads) {
      peer = startPeerMember(c.peer, bootstrap(), groupId, topic, c.assignor)
      await until(`the ${c.peer} member joined`, () => peer!.rebalances() > 0, 60_000)
    } else {
      members.push(startMember(kafka, 'a', opts, { commit: true }))
      await until('the first kafkats member joined', () => members[0].rebalances.length > 0, 60_000)
    }
    if (c.peerLeads) members.push(startMember(kafka, 'a', opts, { commit: true }))
    members.push(startMember(kafka, 'b', opts, { commit: true }))
    peer ??= startPeerMember(c.peer, bootstrap(), groupId, topic, c.assignor)
    const p = peer
    const split = (): boolean => {
      const all = [...ownedBy(members[0], topic), ...ownedBy(members[1], topic), ...p.assigned()].sort((x, y) => x - y)
      return all.join() === '0,1,2,3,4,5' && [ownedBy(members[0], topic), ownedBy(members[1], topic), p.assigned()].every((ps) => ps.length === 2)
    }
    await until('a 2/2/2 split across the three members', split, 90_000).catch((err: unknown) => {
      t.comment(`kafkats a: ${ownedBy(members[0], topic).join()} b: ${ownedBy(members[1], topic).join()}; ${c.peer}: ${p.assigned().join()}; ${c.peer} stderr: ${p.stderr()}`)
      throw err
    })
    const peerPartitions = p.assigned()

    await produceRound(kafka, topic, 1)
    const total = (): number => members.reduce((n, m) => n + m.records.length, 0) + p.records.length
    await until('round 1 consumed', () => total() >= PARTITIONS * PER_PARTITION, 60_000)
    t.ok(split(), 'no rebalance while consuming')
    t.same([...new Set(p.records.map((r) => r.partition))].sort(), peerPartitions, `the ${c.peer} member read exactly its partitions`)
    for (const m of members) {
      t.same([...new Set(m.records.map((r) => r.partition))].sort(), ownedBy(m, topic), `kafkats ${m.name} read exactly its partitions`)
    }

    // The peer leaves (after committing); the kafkats members take its partitions over.
    await p.stop()
    await until('the kafkats members own all partitions', () => [...ownedBy(members[0], topic), ...ownedBy(members[1], topic)].sort((x, y) => x - y).join() === '0,1,2,3,4,5', 60_000)
    await produceRound(kafka, topic, 2)
    await until('round 2 consumed', () => total() >= 2 * PARTITIONS * PER_PARTITION, 60_000)
    await new Promise((r) => setTimeout(r, 500))
    const seen = new Map<string, number>()
    for (const r of [...members.flatMap((m) => m.records), ...p.records]) seen.set(`${r.partition}:${r.offset}`, (seen.get(`${r.partition}:${r.offset}`) ?? 0) + 1)
    t.equal(seen.size, 2 * PARTITIONS * PER_PARTITION, 'every record consumed')
    t.same([...seen.entries()].filter(([, n]) => n > 1), [], 'none consumed twice')
    for (const m of members) t.same(m.errors, [], `kafkats ${m.name}: no errors`)
  })
}
