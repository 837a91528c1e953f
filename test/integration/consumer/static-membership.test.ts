// Static membership (groupInstanceId; KIP-345 classic, KIP-848 consumer protocol): a static
// member stopped and started again (a new consumer, same instance id) within the session
// timeout gets its partitions back, and the other member sees no rebalance.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic } from '../../helpers/consumer-fixtures.js'
import { type Member, startMember, until } from '../../helpers/group-members.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())

for (const groupProtocol of ['classic', 'consumer'] as const) {
  t.test(`${groupProtocol}: a static member restarted within the session timeout`, async (t) => {
    const topic = uniqueTopic(`static-${groupProtocol}`)
    const groupId = uniqueTopic(`g-static-${groupProtocol}`)
    await createTopic(kafka, topic, 4)
    const base = { groupId, topics: [topic], resetStrategy: 'earliest' as const, groupProtocol }
    // The classic protocol takes its session timeout from the member; the consumer protocol's is
    // the broker's group.consumer.session.timeout.ms (45 s by default).
    const opts = groupProtocol === 'classic' ? { ...base, sessionTimeoutMs: 30_000, heartbeatIntervalMs: 500 } : base
    const members: Member[] = []
    t.teardown(async () => {
      await Promise.all(members.map((m) => m.stop()))
    })
    const a = startMember(kafka, 'a', { ...opts, groupInstanceId: 'a' })
    members.push(a)
    await until('a owns every partition', () => (a.partitions().get(topic) ?? []).length === 4, 60_000)
    const b = startMember(kafka, 'b', { ...opts, groupInstanceId: 'b' })
    members.push(b)
    const split = (x: Member, y: Member): boolean => (x.partitions().get(topic) ?? []).length === 2 && (y.partitions().get(topic) ?? []).length === 2
    await until('a and b own 2 partitions each', () => split(a, b), 60_000)
    const bPartitions = b.partitions().get(topic)
    const aRebalances = a.rebalances.length
    await b.stop()
    const b2 = startMember(kafka, 'b2', { ...opts, groupInstanceId: 'b' })
    members.push(b2)
    await until('the restarted b owns partitions', () => (b2.partitions().get(topic) ?? []).length > 0, 60_000)
    t.same(b2.partitions().get(topic), bPartitions, 'the restarted static member got its partitions back')
    // Give a rebalance, if one were coming, time to reach a.
    await new Promise((r) => setTimeout(r, 3000))
    t.equal(a.rebalances.length, aRebalances, 'a saw no rebalance')
    t.same(a.partitions().get(topic)?.length, 2, 'a kept its partitions')
    for (const m of [a, b, b2]) t.same(m.errors.filter((e) => (e as { code?: string }).code !== 'CLIENT_CLOSED'), [], `${m.name}: no errors`)
  })
}
