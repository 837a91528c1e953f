// The tools for hanging transactions (KIP-664) against the real broker: a transaction left open
// holds a partition's last stable offset; listTransactions and describeTransactions find it,
// describeProducers shows it on the partition, abortTransaction writes its abort marker, and a
// read_committed consumer then reads past it.
import t from 'tap'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'
import { numbered, produce } from '../../helpers/consumer-fixtures.js'
import type { Producer } from '../../../src/producer/producer.js'

const kafka = newKafka()
const admin = kafka.admin()
t.teardown(() => kafka.disconnectAll())

const topic = uniqueTopic('admin-txn')
/** The transaction left open, as the tools see it. */
const tx = { transactionalId: `${topic}-tx`, producerId: -1n, producerEpoch: -1, baseOffset: -1n }
let producer: Producer | undefined

t.before(async () => {
  const [r] = await admin.createTopics([{ name: topic, partitions: 2 }])
  if (r.errorCode !== 0) throw new Error(`create ${topic}: ${r.errorName}`)
  await waitFor('the topic to have leaders', async () => {
    const m = (await admin.metadata([topic])).topics.find((x) => x.name === topic)
    return m !== undefined && m.errorCode === 0 && m.partitions.every((p) => p.leader >= 0)
  })
  // A transactional producer that never ends its transaction: it stands for a hanging one.
  producer = kafka.producer({ transactionalId: tx.transactionalId, transactionTimeoutMs: 300_000 })
  await producer.initTransactions()
  producer.beginTransaction()
  const metas = await producer.sendBatch([0, 1, 2].map((i) => ({ topic, partition: 0, key: String(i), value: `open-${i}` })))
  tx.baseOffset = metas[0].offset
  await produce(kafka, topic, 0, numbered('after', 0, 2))
  // Its producer id and epoch, as the broker knows them (the producer does not expose them).
  const [d] = await admin.describeTransactions([tx.transactionalId])
  tx.producerId = d.producerId
  tx.producerEpoch = d.producerEpoch
})
t.teardown(async () => {
  // The coordinator still counts the transaction open: end it so nothing waits for its timeout.
  await producer?.abortTransaction().catch(() => {})
  await producer?.close().catch(() => {})
  await admin.deleteTopics([topic]).catch(() => {})
  await admin.close()
})

const lso = async (): Promise<bigint> => (await admin.listOffsets([{ topic, partition: 0, at: 'latest' }], { isolationLevel: 'read_committed' }))[0].offset

t.test('the open transaction holds the last stable offset at its first record', async (t) => {
  t.equal(tx.baseOffset, 0n)
  t.equal(await lso(), 0n)
  const [hw] = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }])
  t.equal(hw.offset, 5n)
})

t.test('listTransactions finds it by state, producer id, duration and pattern', async (t) => {
  const ongoing = await admin.listTransactions({ states: ['Ongoing'] })
  const mine = ongoing.find((x) => x.transactionalId === tx.transactionalId)
  t.ok(mine, 'listed among the Ongoing transactions')
  t.equal(mine?.producerId, tx.producerId)
  t.equal(mine?.state, 'Ongoing')
  t.ok(typeof mine?.coordinator === 'number' && mine.coordinator >= 0)
  const byId = await admin.listTransactions({ producerIds: [tx.producerId] })
  t.same(byId.map((x) => x.transactionalId), [tx.transactionalId], 'the producer id filter')
  const byNumber = await admin.listTransactions({ producerIds: [Number(tx.producerId)] })
  t.same(byNumber.map((x) => x.transactionalId), [tx.transactionalId], 'a producer id as a number')
  t.notOk((await admin.listTransactions({ states: ['CompleteCommit'], producerIds: [tx.producerId] })).length, 'not in another state')
  t.notOk((await admin.listTransactions({ durationMs: 3_600_000, producerIds: [tx.producerId] })).length, 'not open for an hour (ListTransactions v1)')
  const pattern = tx.transactionalId.replace(/[-]/g, '\\-')
  t.same((await admin.listTransactions({ transactionalIdPattern: `^${pattern}$` })).map((x) => x.transactionalId), [tx.transactionalId], 'the pattern filter (v2, KIP-1152)')
  const sorted = (await admin.listTransactions()).map((x) => x.transactionalId)
  t.same(sorted, [...sorted].sort(), 'sorted by transactional id')
})

t.test('describeTransactions asks each id’s coordinator; an unknown id is TRANSACTIONAL_ID_NOT_FOUND', async (t) => {
  const missing = `missing-${tx.transactionalId}`
  const [d, m] = await admin.describeTransactions([tx.transactionalId, missing])
  t.equal(d.transactionalId, tx.transactionalId)
  t.equal(d.errorCode, 0)
  t.equal(d.state, 'Ongoing')
  t.equal(d.producerId, tx.producerId)
  t.equal(d.producerEpoch, tx.producerEpoch)
  t.equal(d.transactionTimeoutMs, 300_000)
  t.ok(d.transactionStartTimeMs > Date.now() - 600_000 && d.transactionStartTimeMs <= Date.now() + 60_000, 'start time in ms since the epoch')
  t.same(d.partitions, [{ topic, partition: 0 }])
  t.ok(d.coordinator >= 0)
  t.equal(m.transactionalId, missing)
  t.equal(m.errorName, 'TRANSACTIONAL_ID_NOT_FOUND')
  t.equal(m.errorCode, 105)
  t.same(await admin.describeTransactions([]), [])
})

t.test('describeProducers shows the open transaction on its partition, nothing on the other', async (t) => {
  const [p0, p1, p9, gone] = await admin.describeProducers([
    { topic, partition: 0 },
    { topic, partition: 1 },
    { topic, partition: 9 },
    { topic: `missing-${topic}`, partition: 0 },
  ])
  t.equal(p0.errorCode, 0)
  const mine = p0.activeProducers.find((p) => p.producerId === tx.producerId)
  t.ok(mine, 'the transactional producer is active on partition 0')
  t.equal(mine?.producerEpoch, tx.producerEpoch)
  t.equal(mine?.currentTransactionStartOffset, 0n, 'its transaction starts at offset 0')
  t.equal(mine?.lastSequence, 2, 'three records: sequences 0..2')
  t.ok((mine?.coordinatorEpoch ?? -2) >= -1, 'coordinator epoch: -1 until a marker was written')
  t.ok((mine?.lastTimestamp ?? 0) > 0)
  const plain = p0.activeProducers.filter((p) => p.producerId !== tx.producerId)
  t.ok(plain.every((p) => p.currentTransactionStartOffset === -1n), 'other producers have no open transaction')
  t.same([p1.errorCode, p1.activeProducers], [0, []])
  t.equal(p9.errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
  t.equal(gone.errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
})

t.test('abortTransaction writes the abort marker: a read_committed consumer reads past it', async (t) => {
  const c = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], isolationLevel: 'read_committed', maxWaitMs: 200 })
  t.teardown(() => c.stop())
  // Before: the consumer gets nothing (the open transaction holds the last stable offset at 0).
  const before = await c.poll(1000)
  t.same(before.type === 'records' ? before.records : null, [], 'nothing is readable before the abort')
  const [state] = await admin.describeProducers([{ topic, partition: 0 }])
  const p = state.activeProducers.find((x) => x.producerId === tx.producerId)
  if (!p) throw new Error('the producer is not active on the partition')
  const res = await admin.abortTransaction({ topic, partition: 0, producerId: p.producerId, producerEpoch: p.producerEpoch, coordinatorEpoch: p.coordinatorEpoch })
  t.same(res, { topic, partition: 0, errorCode: 0, errorName: 'NONE', errorMessage: null })
  await waitFor('the last stable offset to pass the transaction', async () => (await lso()) === 6n)
  const got: string[] = []
  await waitFor('the records after the transaction', async () => {
    const ev = await c.poll(1000)
    if (ev.type === 'records') got.push(...ev.records.map((r) => String(r.value)))
    return got.length >= 2
  })
  t.same(got, ['after-0', 'after-1'], 'the aborted records are skipped, the later ones read')
  const [after] = await admin.describeProducers([{ topic, partition: 0 }])
  t.equal(after.activeProducers.find((x) => x.producerId === tx.producerId)?.currentTransactionStartOffset, -1n, 'no open transaction left on the partition')
})

t.test('abortTransaction on a partition that does not exist', async (t) => {
  const res = await admin.abortTransaction({ topic, partition: 7, producerId: tx.producerId, producerEpoch: tx.producerEpoch, coordinatorEpoch: 0 })
  t.equal(res.errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
})
