// assign() on a group consumer (issue 18), in both group protocols, on the real broker, with the
// Java client's semantics: subscribe() and assign() are mutually exclusive; after unsubscribe()
// (the member left its group), assign() gives the consumer partitions by hand, they start from
// the group's committed offsets, and commit() still commits to the group id (generation -1, no
// member id: the Java consumer's manual commits). unsubscribe() drops the manual assignment and
// subscribe() joins the group again.
import t from 'tap'
import type { ConsumerRecord } from '../../../src/consumer/consumer-record.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())
const admin = kafka.admin()
t.teardown(() => admin.close())

const values = (rs: readonly ConsumerRecord[]): string[] => rs.map((r) => `${r.partition}:${r.value?.toString() ?? ''}`)

for (const groupProtocol of ['classic', 'consumer'] as const) {
  t.test(`${groupProtocol}: unsubscribe(), then assign() with commits to the group`, async (t) => {
    const topic = uniqueTopic('massign')
    const groupId = uniqueTopic('g-massign')
    await createTopic(kafka, topic, 2)
    for (const p of [0, 1]) await produce(kafka, topic, p, Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(String(i)) })))
    const consumer = kafka.consumer({ groupId, topics: [topic], groupProtocol, resetStrategy: 'earliest', maxPollRecords: 5 })
    t.teardown(() => consumer.stop())

    // Subscribed: read partition 0 up to offset 4 through the group, commit 5.
    const got: ConsumerRecord[] = []
    for (let i = 0; i < 200 && got.filter((r) => r.partition === 0).length < 5; i++) {
      const ev = await consumer.poll(500, { maxRecords: 1 })
      if (ev.type === 'records') got.push(...ev.records)
    }
    t.throws(() => consumer.assign([{ topic, partition: 0 }]), { code: 'INVALID_CONFIG' }, 'assign() while subscribed is refused')
    await consumer.commit([{ topic, partition: 0, offset: 5n }])
    await consumer.unsubscribe()
    t.same(consumer.assignment(), [], 'nothing assigned after unsubscribe()')

    // Manual: partition 0 from the committed offset (5), partition 1 from its beginning.
    consumer.assign([
      { topic, partition: 0, offset: 'committed' },
      { topic, partition: 1, offset: 'earliest' },
    ])
    t.same(consumer.groupMetadata(), { groupId, generationId: -1, memberId: '', groupInstanceId: null }, 'no membership: generation -1, no member id')
    t.throws(() => consumer.subscribe([topic]), { code: 'INVALID_CONFIG' }, 'subscribe() while assigned by hand is refused')
    const manual: ConsumerRecord[] = []
    for (let i = 0; i < 200 && manual.length < 15; i++) {
      const ev = await consumer.poll(500)
      // The one rebalance event is unsubscribe()'s revocation, queued before assign().
      if (ev.type === 'rebalance') t.same(ev.assignment, {}, 'no rebalance event in manual assignment but the unsubscribe one')
      if (ev.type === 'records') manual.push(...ev.records)
    }
    t.same(values(manual.filter((r) => r.partition === 0)), ['5', '6', '7', '8', '9'].map((v) => `0:${v}`), 'partition 0 from the committed offset')
    t.equal(manual.filter((r) => r.partition === 1).length, 10, 'partition 1 from its beginning')
    await consumer.commit()
    const committed = await admin.fetchCommittedOffsets(groupId, [topic])
    t.same(
      committed.map((c) => [c.partition, c.offset]).sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [0, 10n],
        [1, 10n],
      ],
      'commit() of a manually assigned consumer went to the group',
    )
    const [group] = await admin.describeGroups([groupId])
    t.same(group.members, [], 'the consumer is no member of the group')

    // unassign() works on manual partitions; unsubscribe() drops them; subscribe() joins again.
    consumer.unassign([{ topic, partitions: [1] }])
    t.same(consumer.assignment(), [{ topic, partition: 0 }], 'unassign() dropped partition 1')
    await consumer.unsubscribe()
    t.same(consumer.assignment(), [], 'unsubscribe() dropped the manual assignment')
    consumer.subscribe([topic])
    let rebalanced = false
    for (let i = 0; i < 200 && !rebalanced; i++) {
      const ev = await consumer.poll(500)
      if (ev.type === 'rebalance' && Object.keys(ev.assignment[topic] ?? {}).length === 2) rebalanced = true
    }
    t.ok(rebalanced, 'subscribe() after the manual assignment joins the group and gets both partitions')
    t.ok((consumer.groupMember()?.generationId ?? -1) > 0, 'a member again')
  })
}
