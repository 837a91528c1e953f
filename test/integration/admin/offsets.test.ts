import t from 'tap'
import type { Kafka } from '../../../src/client.js'
import { UnsupportedVersionError } from '../../../src/errors.js'
import { responseError } from '../../../src/protocol/error-codes.js'
import { Produce } from '../../../src/protocol/messages/produce.js'
import { encodeRecordBatchSync } from '../../../src/protocol/records/index.js'
import { brokerAtLeast, newKafka, uniqueTopic } from '../../helpers/cluster.js'

const kafka = newKafka()
const admin = kafka.admin()
t.teardown(() => kafka.disconnectAll())

/**
 * One raw Produce (acks all) of a record batch to the partition's leader. A partition error is
 * thrown so that the retry policy retries the retriable ones: right after CreateTopics the
 * broker may not yet lead the partition (NOT_LEADER_OR_FOLLOWER; KRaft propagates it late).
 */
async function produce(k: Kafka, topic: string, partition: number, values: string[], timestamps: number[]): Promise<{ errorCode: number; baseOffset: bigint }> {
  const records = encodeRecordBatchSync(values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: timestamps[i] })))
  return k.cluster.withRetry(async () => {
    const leader = await k.cluster.leaderFor(topic, partition)
    const res = await leader.send(
      Produce,
      (v) => ({ transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ ...(v >= 13 ? { topicId: k.cluster.topicId(topic) } : { name: topic }), partitionData: [{ index: partition, records }] }] }),
    )
    const p = res.responses[0].partitionResponses[0]
    if (p.errorCode !== 0) throw responseError(p.errorCode, null, `produce to ${topic}-${partition}`)
    return { errorCode: p.errorCode, baseOffset: p.baseOffset }
  })
}

const topic = uniqueTopic('admin-offsets')
const t0 = Date.now() - 60_000

t.before(async () => {
  const [r] = await admin.createTopics([{ name: topic, partitions: 2 }])
  if (r.errorCode !== 0) throw new Error(`create ${topic}: ${r.errorName}`)
  const p0 = await produce(kafka, topic, 0, ['a', 'b', 'c', 'd', 'e'], [t0, t0 + 1000, t0 + 2000, t0 + 3000, t0 + 4000])
  const p1 = await produce(kafka, topic, 1, ['x', 'y', 'z'], [t0, t0, t0])
  if (p0.errorCode !== 0 || p1.errorCode !== 0) throw new Error(`produce failed: ${p0.errorCode} ${p1.errorCode}`)
})
t.teardown(() => admin.deleteTopics([topic]))

t.test('listOffsets matches what was produced', async (t) => {
  const rs = await admin.listOffsets([
    { topic, partition: 0, at: 'earliest' },
    { topic, partition: 0, at: 'latest' },
    { topic, partition: 1, at: 'latest' },
    { topic, partition: 0, at: t0 + 1500 },
    { topic, partition: 0, at: t0 + 3_600_000 },
    { topic, partition: 9, at: 'latest' },
    { topic: 'missing-' + topic, partition: 0, at: 'latest' },
  ])
  t.same(rs.map((r) => [r.topic, r.partition]), [[topic, 0], [topic, 0], [topic, 1], [topic, 0], [topic, 0], [topic, 9], ['missing-' + topic, 0]])
  t.equal(rs[0].offset, 0n)
  t.equal(rs[0].errorCode, 0)
  t.equal(rs[1].offset, 5n)
  t.equal(rs[2].offset, 3n)
  t.equal(rs[3].offset, 2n, 'first offset at or after the timestamp')
  t.equal(rs[3].timestamp, t0 + 2000)
  t.ok(rs[3].leaderEpoch >= 0)
  t.equal(rs[4].offset, -1n, 'no record that late')
  t.equal(rs[5].errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
  t.equal(rs[6].errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
  const [committed] = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }], { isolationLevel: 'read_committed' })
  t.equal(committed.offset, 5n, 'no open transactions: last stable offset = high watermark')
})

t.test('listOffsets maxTimestamp: ListOffsets v7 (Kafka 3.0+), a typed error before', async (t) => {
  if (!brokerAtLeast('3.0')) {
    await t.rejects(admin.listOffsets([{ topic, partition: 0, at: 'maxTimestamp' }]), UnsupportedVersionError)
    return
  }
  const [r] = await admin.listOffsets([{ topic, partition: 0, at: 'maxTimestamp' }])
  t.equal(r.offset, 4n, 'max timestamp record')
  t.equal(r.timestamp, t0 + 4000)
})

t.test('deleteRecords moves the log start offset', async (t) => {
  const [r, missing] = await admin.deleteRecords([
    { topic, partition: 0, beforeOffset: 2n },
    { topic, partition: 5, beforeOffset: 1 },
  ])
  t.equal(r.errorCode, 0, r.errorMessage ?? '')
  t.equal(r.lowWatermark, 2n)
  t.equal(missing.errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
  const [earliest] = await admin.listOffsets([{ topic, partition: 0, at: 'earliest' }])
  t.equal(earliest.offset, 2n)
  const [beyond] = await admin.deleteRecords([{ topic, partition: 1, beforeOffset: 10 }])
  t.equal(beyond.errorName, 'OFFSET_OUT_OF_RANGE')
})

t.test('committed offsets of an empty group: alter, fetch, delete', async (t) => {
  const groupId = uniqueTopic('admin-offsets-group')
  const altered = await admin.alterCommittedOffsets(groupId, [
    { topic, partition: 0, offset: 3n, metadata: 'from-admin' },
    { topic, partition: 1, offset: 1 },
  ])
  t.same(altered.map((a) => [a.partition, a.errorCode]), [[0, 0], [1, 0]])

  const fetched = await admin.fetchCommittedOffsets(groupId, [topic])
  t.same(fetched.map((f) => [f.topic, f.partition, f.offset, f.errorCode]), [[topic, 0, 3n, 0], [topic, 1, 1n, 0]])
  t.equal(fetched[0].metadata, 'from-admin')

  const all = await admin.fetchCommittedOffsets(groupId)
  t.same(all.map((f) => [f.partition, f.offset]), [[0, 3n], [1, 1n]])

  const deleted = await admin.deleteCommittedOffsets(groupId, [{ topic, partition: 0 }])
  t.same(deleted.map((d) => [d.topic, d.partition, d.errorCode]), [[topic, 0, 0]])
  const after = await admin.fetchCommittedOffsets(groupId, [{ topic, partitions: [0, 1] }])
  t.same(after.map((f) => [f.partition, f.offset]), [[0, -1n], [1, 1n]])

  const none = await admin.fetchCommittedOffsets(uniqueTopic('never-committed'), [topic])
  t.same(none.map((f) => f.offset), [-1n, -1n])

  await t.rejects(admin.deleteCommittedOffsets(uniqueTopic('no-group'), [{ topic, partition: 0 }]), { code: 'GROUP_ID_NOT_FOUND' })
  const [gone] = await admin.deleteGroups([groupId])
  t.equal(gone.errorCode, 0, gone.errorMessage ?? '')
})
