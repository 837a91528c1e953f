// One consumer group on the consumer group protocol (KIP-848) with members of two clients: two
// kafkats members (from ONE Kafka, groupProtocol 'consumer') and a peer member on the same
// protocol: Java (group.protocol=consumer, the broker's own kafka-clients jar; with both server
// assignors) or librdkafka (confluent-kafka-python, group.protocol=consumer; uniform). The
// coordinator assigns all three; every record is consumed once, by its partition's owner; when
// the peer leaves, the kafkats members take over from its committed offsets.
import t from 'tap'
import { bootstrap, newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { type Member, startMember, until } from '../../helpers/group-members.js'
import { ownedBy, PARTITIONS, PER_PARTITION, produceRound } from './mixed-group-fixture.js'
import { peerMissing, type PeerKind, type PeerMember, startPeerMember } from './peers.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())
const admin = kafka.admin()
t.teardown(() => admin.close())

const cases: [PeerKind, 'uniform' | 'range'][] = [
  ['java', 'uniform'],
  ['java', 'range'],
  ['librdkafka', 'uniform'],
]
for (const [kind, assignor] of cases) {
  t.test(`${assignor}: two kafkats members and a ${kind} member on the consumer protocol`, { skip: peerMissing(kind) }, async (t) => {
    const topic = uniqueTopic('mixed848')
    const groupId = uniqueTopic('g-mixed848')
    await admin.createTopics([{ name: topic, partitions: PARTITIONS, replicationFactor: 1 }])
    const opts = { groupId, topics: [topic], resetStrategy: 'earliest' as const, groupProtocol: 'consumer' as const, groupRemoteAssignor: assignor }
    const members: Member[] = []
    let peer: PeerMember | null = null
    t.teardown(async () => {
      await peer?.stop()
      await Promise.all(members.map((m) => m.stop()))
    })
    members.push(startMember(kafka, 'a', opts, { commit: true }))
    await until('the first kafkats member joined', () => members[0].rebalances.length > 0, 60_000)
    // The peer names no assignor: the group's (the kafkats members') is used.
    peer = startPeerMember(kind, bootstrap(), groupId, topic, 'consumer')
    members.push(startMember(kafka, 'b', opts, { commit: true }))
    const p = peer
    const split = (): boolean => {
      const all = [...ownedBy(members[0], topic), ...ownedBy(members[1], topic), ...p.assigned()].sort((x, y) => x - y)
      return all.join() === '0,1,2,3,4,5' && [ownedBy(members[0], topic), ownedBy(members[1], topic), p.assigned()].every((ps) => ps.length === 2)
    }
    await until('a 2/2/2 split across the three members', split, 90_000).catch((err: unknown) => {
      t.comment(`kafkats a: ${ownedBy(members[0], topic).join()} b: ${ownedBy(members[1], topic).join()}; ${kind}: ${p.assigned().join()}; ${kind} stderr: ${p.stderr()}`)
      throw err
    })
    const peerPartitions = p.assigned()
    // The peer is on the consumer protocol itself, not a classic member of an upgraded group.
    const [group] = await admin.describeGroups([groupId])
    t.equal(group.type, 'consumer', 'a consumer protocol group')
    t.same(
      group.members.map((m) => m.consumerProtocol?.memberType),
      [1, 1, 1],
      'all three members on the consumer protocol (ConsumerGroupDescribe member type)',
    )
    await produceRound(kafka, topic, 1)
    const total = (): number => members.reduce((n, m) => n + m.records.length, 0) + p.records.length
    await until('round 1 consumed', () => total() >= PARTITIONS * PER_PARTITION, 60_000)
    t.ok(split(), 'no rebalance while consuming')
    t.same([...new Set(p.records.map((r) => r.partition))].sort(), peerPartitions, `the ${kind} member read exactly its partitions`)
    for (const m of members) t.same([...new Set(m.records.map((r) => r.partition))].sort(), ownedBy(m, topic), `kafkats ${m.name} read exactly its partitions`)

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
