// A topic deleted and created again under the same name is a new topic with a new id (KIP-516):
// the topic-id cache takes the new id, the producer's records reach the new topic (a request
// still naming the old id gets UNKNOWN_TOPIC_ID, refreshes metadata and is sent again), a
// partition the new topic lacks fails typed, and a consumer's position is reset per its
// resetStrategy, as for a new topic.
import t, { type Test } from 'tap'
import diagnostics from 'node:diagnostics_channel'
import type { Admin } from '../../../src/admin/admin.js'
import { KafkaError } from '../../../src/errors.js'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())
const admin = kafka.admin()
t.teardown(() => admin.close())

async function create(a: Admin, topic: string, partitions: number): Promise<void> {
  // Deletion completes asynchronously: TOPIC_ALREADY_EXISTS until it has.
  await waitFor(`${topic} created`, async () => {
    const [r] = await a.createTopics([{ name: topic, partitions }])
    if (r.errorCode !== 0 && r.errorName !== 'TOPIC_ALREADY_EXISTS') throw new Error(`create ${topic}: ${r.errorName}`)
    return r.errorCode === 0
  }, 30_000, 300)
}

/** Deletes `topic` and creates it again with `partitions`; returns once the client sees a new id. */
async function recreate(topic: string, partitions: number): Promise<void> {
  const [d] = await admin.deleteTopics([topic])
  if (d.errorCode !== 0) throw new Error(`delete ${topic}: ${d.errorName}`)
  await create(admin, topic, partitions)
}

/** Produce requests' topic ids and the error codes answered per id, from the diagnostics channels. */
function watchProduce(t: Test): { sentIds: string[]; answers: Array<[string, number]> } {
  const out = { sentIds: [] as string[], answers: [] as Array<[string, number]> }
  const onRequest = (m: unknown): void => {
    const msg = m as { apiName: string; version: number; request: { topicData: Array<{ topicId?: string }> } }
    if (msg.apiName === 'Produce' && msg.version >= 13) for (const d of msg.request.topicData) out.sentIds.push(d.topicId ?? '')
  }
  const onResponse = (m: unknown): void => {
    const msg = m as { apiName: string; response?: { responses: Array<{ topicId?: string; partitionResponses: Array<{ errorCode: number }> }> } }
    if (msg.apiName !== 'Produce' || msg.response === undefined) return
    for (const r of msg.response.responses) for (const p of r.partitionResponses) out.answers.push([r.topicId ?? '', p.errorCode])
  }
  diagnostics.subscribe('kafkats:request', onRequest)
  diagnostics.subscribe('kafkats:response', onResponse)
  t.teardown(() => {
    diagnostics.unsubscribe('kafkats:request', onRequest)
    diagnostics.unsubscribe('kafkats:response', onResponse)
  })
  return out
}

t.test('producer: records after a re-creation go to the new topic, under its new id', async (t) => {
  const topic = uniqueTopic('recreated-produce')
  await create(admin, topic, 1)
  t.teardown(() => admin.deleteTopics([topic]).then(() => undefined))
  const producer = kafka.producer()
  t.teardown(() => producer.close())
  for (let i = 0; i < 5; i++) await producer.send({ topic, partition: 0, value: `old-${i}` })
  const oldId = kafka.cluster.topicId(topic)
  t.ok(oldId, 'the topic id is cached')

  const watched = watchProduce(t)
  await recreate(topic, 1)
  const meta = await producer.send({ topic, partition: 0, value: 'new-0' })
  t.equal(meta.offset, 0n, 'the first record of the new topic')
  const newId = kafka.cluster.topicId(topic)
  t.ok(newId !== undefined && newId !== oldId, 'the cache holds the new id')
  t.equal(kafka.cluster.topicName(oldId as string), undefined, 'the old id names nothing')
  if (watched.sentIds.length > 0) {
    t.equal(watched.sentIds.at(-1), newId, 'the acknowledged request named the new id')
    t.ok(watched.answers.some(([id, code]) => id === newId && code === 0), 'acknowledged under the new id')
    if (watched.sentIds.includes(oldId as string)) {
      t.ok(watched.answers.some(([id, code]) => id === oldId && code !== 0), 'the request naming the old id was refused, then sent again')
    }
  }
})

t.test('producer: a partition the re-created topic lacks fails typed', async (t) => {
  const topic = uniqueTopic('recreated-fewer')
  await create(admin, topic, 2)
  t.teardown(() => admin.deleteTopics([topic]).then(() => undefined))
  const producer = kafka.producer({ deliveryTimeoutMs: 3000, requestTimeoutMs: 2000, lingerMs: 0 })
  t.teardown(() => producer.close())
  await producer.send({ topic, partition: 1, value: 'before' })
  await recreate(topic, 1)
  const err = await producer.send({ topic, partition: 1, value: 'gone' }).then(() => null, (e: unknown) => e)
  t.type(err, KafkaError, `rejected with a KafkaError: ${(err as Error | null)?.message}`)
  t.ok(await producer.send({ topic, partition: 0, value: 'p0' }), 'partition 0 of the new topic takes records')
})

t.test('consumer: the position on a re-created topic is reset per resetStrategy', async (t) => {
  const topic = uniqueTopic('recreated-consume')
  await create(admin, topic, 1)
  t.teardown(() => admin.deleteTopics([topic]).then(() => undefined))
  const producer = kafka.producer()
  t.teardown(() => producer.close())
  for (let i = 0; i < 10; i++) await producer.send({ topic, partition: 0, value: `old-${i}` })
  const consumer = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], resetStrategy: 'earliest', maxWaitMs: 200 })
  t.teardown(() => consumer.stop())
  let old = 0
  for (let i = 0; i < 60 && old < 10; i++) {
    const ev = await consumer.poll(1000)
    if (ev.type === 'records') old += ev.records.length
  }
  t.equal(old, 10, 'read the old topic to its end (position 10)')

  // Paused while the topic is re-created and filled past the old position: without a reset the
  // consumer would go on at offset 10 (an empty new log would reset it as out of range anyway).
  consumer.pause([{ topic, partitions: [0] }])
  await recreate(topic, 1)
  for (let i = 0; i < 15; i++) await producer.send({ topic, partition: 0, value: `new-${i}` })
  consumer.resume([{ topic, partitions: [0] }])
  let first: { offset: bigint; value: string } | null = null
  for (let i = 0; i < 60 && first === null; i++) {
    const ev = await consumer.poll(1000)
    if (ev.type === 'records' && ev.records.length > 0) first = { offset: ev.records[0].offset, value: String(ev.records[0].value) }
  }
  t.same(first, { offset: 0n, value: 'new-0' }, 'reset to earliest: the new topic from its start')
})
