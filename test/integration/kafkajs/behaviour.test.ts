// kafkats/kafkajs behaviour beyond the documentation's examples, on the real broker: two
// members of one group from one Kafka splitting the partitions; stop() then run() again
// resuming from the committed offsets; a handler that keeps failing crashes the consumer when
// restartOnFailure says no; per-call acks and compression; deleteTopicRecords.
import t from 'tap'
import { CompressionTypes, Kafka, KafkaJSNonRetriableError, logLevel, Partitioners, type InstrumentationEvent } from '../../../src/kafkajs/index.js'
import { bootstrap, uniqueTopic, waitFor } from '../../helpers/cluster.js'

const brokers = [bootstrap()]
const kafka = new Kafka({ clientId: 'behaviour', brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, maxRetryTime: 500 } })
const admin = kafka.admin()

t.before(async () => {
  await admin.connect()
})
t.teardown(async () => {
  await admin.disconnect()
})

async function topicWith(partitions: number, messages: number): Promise<string> {
  const topic = uniqueTopic('kjs-beh')
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  if (messages > 0) await producer.send({ topic, messages: Array.from({ length: messages }, (_, i) => ({ key: `k${i}`, value: String(i) })) })
  await producer.disconnect()
  return topic
}

t.test('two members of one group from one Kafka: they split the partitions, every message is read and committed', async (t) => {
  const topic = await topicWith(4, 80)
  const groupId = uniqueTopic('kjs-two')
  const seen = new Map<string, string>()
  const assigned: Array<number[]> = [[], []]
  let joins = 0
  const members = [kafka.consumer({ groupId, heartbeatInterval: 500, sessionTimeout: 10_000 }), kafka.consumer({ groupId, heartbeatInterval: 500, sessionTimeout: 10_000 })]
  for (const [i, c] of members.entries()) {
    c.on(c.events.GROUP_JOIN, (e: InstrumentationEvent<unknown>) => {
      joins++
      assigned[i] = (e.payload as { memberAssignment: Record<string, number[]> }).memberAssignment[topic] ?? []
    })
    await c.connect()
    await c.subscribe({ topic, fromBeginning: true })
    await c.run({
      eachMessage: async ({ partition, message }) => {
        seen.set(`${partition}:${message.offset}`, `member${i}`)
      },
    })
  }
  await waitFor('every message', async () => seen.size === 80, 60_000)
  await waitFor('the partitions split between both members', async () => assigned[0].length > 0 && assigned[1].length > 0 && [...assigned[0], ...assigned[1]].sort().join() === '0,1,2,3', 60_000)
  t.ok(joins >= 2, 'a GROUP_JOIN per join')
  await Promise.all(members.map((c) => c.disconnect()))
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] })
  const ends = await admin.fetchTopicOffsets(topic)
  t.same(committed[0].partitions.map((p) => p.offset), ends.map((e) => e.high), 'everything committed')
})

t.test('stop() then run() again resumes after what was committed', async (t) => {
  const topic = await topicWith(2, 10)
  const groupId = uniqueTopic('kjs-restart')
  const consumer = kafka.consumer({ groupId })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const first: string[] = []
  await consumer.run({ eachMessage: async ({ message }) => void first.push(message.value?.toString() ?? '') })
  await waitFor('the first ten', async () => first.length === 10, 30_000)
  await consumer.stop()
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, messages: [{ key: 'x', value: 'after-stop' }] })
  await producer.disconnect()
  const second: string[] = []
  await consumer.run({ eachMessage: async ({ message }) => void second.push(message.value?.toString() ?? '') })
  await waitFor('the new one', async () => second.includes('after-stop'), 30_000)
  await consumer.disconnect()
  t.same(second, ['after-stop'], 'nothing read twice')
})

t.test('a handler that keeps failing: retried, then CRASH; restartOnFailure false stops the consumer', async (t) => {
  const topic = await topicWith(1, 3)
  const groupId = uniqueTopic('kjs-crash')
  const consumer = kafka.consumer({ groupId, retry: { retries: 2, initialRetryTime: 20, maxRetryTime: 100, restartOnFailure: async () => false } })
  const crashes: Array<{ error: Error; restart: boolean }> = []
  const stops: unknown[] = []
  consumer.on(consumer.events.CRASH, (e) => crashes.push(e.payload as { error: Error; restart: boolean }))
  consumer.on(consumer.events.STOP, (e) => stops.push(e))
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const calls: string[] = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      calls.push(message.value?.toString() ?? '')
      if (message.value?.toString() === '1') throw new Error('always')
    },
  })
  await waitFor('the crash', async () => crashes.length === 1 && stops.length === 1, 30_000)
  t.equal(crashes[0].error.message, 'always')
  t.equal(crashes[0].restart, false)
  t.same(calls, ['0', '1', '1', '1'], 'the failing message tried 1 + 2 retries times, the next never')
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] })
  t.equal(committed[0].partitions[0].offset, '1', 'committed up to the failing message')
  await consumer.disconnect()
})

t.test('per-call acks and compression; an idempotent producer refuses acks other than -1', async (t) => {
  const topic = await topicWith(1, 0)
  const producer = kafka.producer()
  await producer.connect()
  const r1 = await producer.send({ topic, acks: 1, compression: CompressionTypes.LZ4, messages: [{ value: 'a' }] })
  t.equal(r1[0].baseOffset, '0')
  const r0 = await producer.send({ topic, acks: 0, messages: [{ value: 'b' }] })
  t.equal(r0[0].baseOffset, '-1', 'acks 0: no offset')
  const rz = await producer.send({ topic, compression: CompressionTypes.ZSTD, timeout: 10_000, messages: [{ value: 'c' }, { value: 'd' }] })
  t.equal(rz[0].partition, 0)
  await waitFor('four written', async () => (await admin.fetchTopicOffsets(topic))[0].high === '4', 15_000)
  await producer.disconnect()
  const idem = kafka.producer({ idempotent: true })
  await idem.connect()
  await t.rejects(idem.send({ topic, acks: 1, messages: [{ value: 'x' }] }), KafkaJSNonRetriableError)
  await idem.disconnect()
  t.throws(() => kafka.producer({ idempotent: true, retry: { retries: 0 } }), KafkaJSNonRetriableError)
  await t.rejects(kafka.producer().send({ topic, messages: [{ value: 'x' }] }), { message: 'The producer is disconnected' })
})

t.test('deleteTopicRecords moves the low watermark', async (t) => {
  const topic = await topicWith(1, 5)
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] })
  t.equal((await admin.fetchTopicOffsets(topic))[0].low, '3')
})
