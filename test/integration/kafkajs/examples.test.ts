// The examples of KafkaJS's documentation (README's getting started; docs/Producing.md,
// Consuming.md, Admin.md, Transactions.md of tulios/kafkajs) against kafkats/kafkajs on the
// real broker, unchanged except the import, the broker address and unique topic and group
// names (the broker is shared). Each example also checks what it should have done.
import t from 'tap'
import { AssignerProtocol, CompressionTypes, ConfigResourceTypes, Kafka, KafkaJSProtocolError, Partitioners, PartitionAssigners, logLevel } from '../../../src/kafkajs/index.js'
import { bootstrap, uniqueTopic, waitFor } from '../../helpers/cluster.js'

const brokers = [bootstrap()]
const kafka = new Kafka({ clientId: 'my-app', brokers, logLevel: logLevel.NOTHING })
const admin = kafka.admin()

t.before(async () => {
  await admin.connect()
})
t.teardown(async () => {
  await admin.disconnect()
})

async function newTopic(partitions = 3): Promise<string> {
  const topic = uniqueTopic('kjs-ex')
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
  return topic
}

function counter(n: number): { seen: string[]; done: Promise<void>; add: (v: string) => void } {
  const seen: string[] = []
  let resolve!: () => void
  const done = new Promise<void>((r) => {
    resolve = r
  })
  return {
    seen,
    done,
    add: (v) => {
      seen.push(v)
      if (seen.length >= n) resolve()
    },
  }
}

t.test('getting started (README)', async (t) => {
  const topic = await newTopic(1)
  const groupId = uniqueTopic('test-group')
  const got = counter(1)

  const producer = kafka.producer()
  await producer.connect()
  await producer.send({
    topic,
    messages: [{ value: 'Hello KafkaJS user!' }],
  })
  await producer.disconnect()

  const consumer = kafka.consumer({ groupId })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      got.add(message.value?.toString() ?? '')
    },
  })
  await got.done
  await consumer.disconnect()
  t.same(got.seen, ['Hello KafkaJS user!'])
})

t.test('producing: keys, a defined partition, headers, sendBatch, compression, custom and legacy partitioners', async (t) => {
  const [topicA, topicB, topicC] = [await newTopic(), await newTopic(), await newTopic()]
  const producer = kafka.producer({ allowAutoTopicCreation: false, transactionTimeout: 30000 })
  await producer.connect()
  const r1 = await producer.send({
    topic: topicA,
    messages: [
      { key: 'key1', value: 'hello world' },
      { key: 'key2', value: 'hey hey!' },
    ],
  })
  t.ok(r1.length >= 1 && r1.every((m) => m.topicName === topicA && m.errorCode === 0 && typeof m.baseOffset === 'string'))
  const r2 = await producer.send({
    topic: topicA,
    messages: [
      { key: 'key1', value: 'hello world', partition: 0 },
      { key: 'key2', value: 'hey hey!', partition: 1 },
    ],
  })
  t.same(r2.map((m) => m.partition).sort(), [0, 1])
  await producer.send({
    topic: topicA,
    messages: [
      {
        key: 'key1',
        value: 'hello world',
        headers: {
          'correlation-id': '2bfb68bb-893a-423b-a7fa-7b568cad5b67',
          'system-id': 'my-system',
        },
      },
    ],
  })
  const topicMessages = [
    { topic: topicA, messages: [{ key: 'key', value: 'hello topic-a' }] },
    { topic: topicB, messages: [{ key: 'key', value: 'hello topic-b' }] },
    { topic: topicC, messages: [{ key: 'key', value: 'hello topic-c', headers: { 'correlation-id': '2bfb68bb-893a-423b-a7fa-7b568cad5b67' } }] },
  ]
  const rb = await producer.sendBatch({ topicMessages })
  t.same(rb.map((m) => m.topicName).sort(), [topicA, topicB, topicC].sort())
  await producer.send({
    topic: topicB,
    compression: CompressionTypes.GZIP,
    messages: [
      { key: 'key1', value: 'hello world' },
      { key: 'key2', value: 'hey hey!' },
    ],
  })
  await producer.disconnect()

  const MyPartitioner = () => {
    return ({ topic, partitionMetadata, message }: { topic: string; partitionMetadata: Array<{ partitionId: number; leader: number }>; message: unknown }) => {
      // select a partition based on some logic
      // return the partition number
      return partitionMetadata.length - 1
    }
  }
  const custom = kafka.producer({ createPartitioner: MyPartitioner })
  await custom.connect()
  const rc = await custom.send({ topic: topicC, messages: [{ key: 'x', value: 'y' }, { value: 'z' }] })
  t.same(rc.map((m) => m.partition), [2], 'every message where the custom partitioner said')
  await custom.disconnect()

  const legacy = kafka.producer({ createPartitioner: Partitioners.LegacyPartitioner })
  await legacy.connect()
  const rl = await legacy.send({ topic: topicC, messages: [{ key: 'key1', value: 'v' }] })
  t.equal(rl.length, 1)
  await legacy.disconnect()

  const offsets = await admin.fetchTopicOffsets(topicA)
  t.equal(offsets.reduce((n, p) => n + Number(p.high), 0), 6, 'every message of topic A written')
})

t.test('consuming: subscribe several times, RegExp, eachMessage with headers', async (t) => {
  const base = uniqueTopic('kjs-rx')
  const topics = [`${base}-eu-1`, `${base}-us-1`, `${base}-other`]
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 2 })) })
  const producer = kafka.producer()
  await producer.connect()
  for (const topic of topics) await producer.send({ topic, messages: [{ key: 'k', value: topic, headers: { h: 'v' } }] })
  await producer.disconnect()
  const consumer = kafka.consumer({ groupId: uniqueTopic('my-group') })
  await consumer.connect()
  await consumer.subscribe({ topic: new RegExp(`${base}-(eu|us)-.*`, 'i'), fromBeginning: true })
  const got = counter(2)
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      t.same(message.headers, { h: Buffer.from('v') })
      got.add(message.value?.toString() ?? '')
    },
  })
  await got.done
  await consumer.disconnect()
  t.same(got.seen.sort(), topics.slice(0, 2).sort())
})

t.test('consuming: the eachBatch example (eachBatchAutoResolve false), then a restart resumes after the resolved offsets', async (t) => {
  const topic = await newTopic()
  const groupId = uniqueTopic('batch-group')
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) })
  await producer.disconnect()
  const got = counter(30)
  const consumer = kafka.consumer({ groupId })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const processMessage = async (message: { value: Buffer | null }) => got.add(message.value?.toString() ?? '')
  consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (let message of batch.messages) {
        if (!isRunning() || isStale()) break
        await processMessage(message)
        resolveOffset(message.offset)
        await heartbeat()
      }
    },
  })
  await got.done
  await consumer.disconnect()
  t.equal(new Set(got.seen).size, 30)
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] })
  const high = await admin.fetchTopicOffsets(topic)
  t.same(committed[0].partitions.map((p) => p.offset).sort(), high.map((p) => p.high).sort(), 'resolved offsets committed')
})

t.test('consuming: partitionsConsumedConcurrently keeps per-partition order; autoCommitThreshold commits inside a batch', async (t) => {
  const topic = await newTopic(3)
  const groupId = uniqueTopic('concurrent-group')
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, messages: Array.from({ length: 90 }, (_, i) => ({ key: `k${i % 9}`, value: String(i) })) })
  await producer.disconnect()
  const consumer = kafka.consumer({ groupId })
  const commits: unknown[] = []
  consumer.on(consumer.events.COMMIT_OFFSETS, (e) => commits.push(e.payload))
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const got = counter(90)
  const lastByPartition = new Map<number, number>()
  let running = 0
  let maxRunning = 0
  await consumer.run({
    partitionsConsumedConcurrently: 3, // Default: 1
    autoCommitThreshold: 5,
    eachMessage: async ({ topic, partition, message }) => {
      running++
      maxRunning = Math.max(maxRunning, running)
      const offset = Number(message.offset)
      t.ok((lastByPartition.get(partition) ?? -1) < offset, 'in order within the partition')
      lastByPartition.set(partition, offset)
      await new Promise((resolve) => setTimeout(resolve, 5))
      running--
      got.add(message.value?.toString() ?? '')
    },
  })
  await got.done
  await consumer.disconnect()
  t.equal(new Set(got.seen).size, 90)
  t.ok(maxRunning >= 1 && maxRunning <= 3, `at most 3 at once (saw ${maxRunning})`)
  t.ok(commits.length >= 3, 'commits within batches (threshold) and after them')
})

t.test('consuming: manual commitOffsets with autoCommit false; seek; pause, paused and resume', async (t) => {
  const topic = await newTopic(2)
  const groupId = uniqueTopic('manual-group')
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ value: String(i), partition: i % 2 })) })
  await producer.disconnect()

  const consumer = kafka.consumer({ groupId })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen: string[] = []
  // you don't need to await consumer#run
  consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      seen.push(`${partition}:${message.offset}`)
    },
  })
  consumer.seek({ topic, partition: 0, offset: '7' })
  await waitFor('both partitions read', async () => seen.includes('0:9') && seen.includes('1:9'), 30_000)
  t.notOk(seen.some((s) => s.startsWith('0:') && Number(s.slice(2)) < 7), 'partition 0 started at the seek offset')
  await consumer.commitOffsets([
    { topic, partition: 0, offset: '1' },
    { topic, partition: 1, offset: '3' },
  ])
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] })
  t.same(committed[0].partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '1'], [1, '3']])

  consumer.pause([{ topic }])
  t.same(consumer.paused(), [{ topic, partitions: [0, 1] }])
  const before = seen.length
  const again = kafka.producer()
  await again.connect()
  await again.send({ topic, messages: [{ value: 'later', partition: 1 }] })
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.equal(seen.length, before, 'nothing consumed while paused')
  consumer.resume([{ topic }])
  t.same(consumer.paused(), [])
  await waitFor('the message produced while paused', async () => seen.includes('1:10'), 30_000)
  await again.disconnect()
  const description = await consumer.describeGroup()
  t.equal(description.state, 'Stable')
  t.equal(description.members.length, 1)
  t.same(AssignerProtocol.MemberAssignment.decode(description.members[0].memberAssignment)?.assignment, { [topic]: [0, 1] })
  await consumer.disconnect()
})

t.test('consuming: a failing eachMessage is retried (the message comes again), then committed', async (t) => {
  const topic = await newTopic(1)
  const groupId = uniqueTopic('retry-group')
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] })
  await producer.disconnect()
  const k = new Kafka({ clientId: 'retry', brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, retries: 5 } })
  const consumer = k.consumer({ groupId, partitionAssigners: [PartitionAssigners.roundRobin] })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const calls: string[] = []
  const got = counter(3)
  let failed = false
  await consumer.run({
    eachMessage: async ({ message }) => {
      const v = message.value?.toString() ?? ''
      calls.push(v)
      if (v === 'b' && !failed) {
        failed = true
        throw new Error('transient failure')
      }
      got.add(v)
    },
  })
  await got.done
  await consumer.disconnect()
  t.same(calls, ['a', 'b', 'b', 'c'], 'b delivered again, a not')
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] })
  t.equal(committed[0].partitions[0].offset, '3')
})

t.test('admin: topics, partitions, metadata, offsets, configs, cluster, groups', async (t) => {
  const topic = uniqueTopic('kjs-admin')
  t.equal(await admin.createTopics({ validateOnly: false, waitForLeaders: true, timeout: 5000, topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] }), true)
  t.ok((await admin.listTopics()).includes(topic))
  t.equal(await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] }), true)
  const meta = await admin.fetchTopicMetadata({ topics: [topic] })
  t.same(meta.topics[0].partitions.map((p) => p.partitionId).sort(), [0, 1, 2, 3])
  const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }] })
  t.same(configs.resources[0].configEntries.map((c) => [c.configName, c.configValue]), [['cleanup.policy', 'compact']])
  const altered = await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }] })
  t.equal(altered.resources[0].errorCode, 0)
  const after = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }] })
  t.equal(after.resources[0].configEntries[0].configValue, 'delete')
  const cluster = await admin.describeCluster()
  t.ok(cluster.brokers.length >= 1 && typeof cluster.clusterId === 'string' && typeof cluster.controller === 'number')
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, messages: [{ value: 'x', partition: 0 }, { value: 'y', partition: 0 }] })
  await producer.disconnect()
  const groupId = uniqueTopic('admin-group')
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] })
  t.same((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.find((p) => p.partition === 0)?.offset, '1')
  await admin.resetOffsets({ groupId, topic })
  t.same((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.find((p) => p.partition === 0)?.offset, '2')
  t.ok((await admin.listGroups()).groups.some((g) => g.groupId === groupId))
  t.same((await admin.deleteGroups([groupId])).map((g) => g.groupId), [groupId])
  await admin.deleteTopics({ topics: [topic], timeout: 5000 })
  await t.rejects(admin.fetchTopicMetadata({ topics: [uniqueTopic('kjs-none')] }), KafkaJSProtocolError)
})

t.test('transactions: commit with sendOffsets, abort; a read_committed consumer sees committed messages only', async (t) => {
  const topic = await newTopic(1)
  const client = new Kafka({ clientId: 'transactional-client', brokers, logLevel: logLevel.NOTHING })
  const producer = client.producer({ transactionalId: uniqueTopic('txid'), maxInFlightRequests: 1, idempotent: true })
  await producer.connect()
  const consumerGroupId = uniqueTopic('txn-offsets')
  const messages = [{ key: 'k', value: 'committed' }]

  const transaction = await producer.transaction()
  try {
    await transaction.send({ topic, messages })
    await transaction.sendOffsets({ consumerGroupId, topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }] })
    await transaction.commit()
  } catch (e) {
    await transaction.abort()
  }
  const aborted = await producer.transaction()
  await aborted.send({ topic, messages: [{ key: 'k', value: 'aborted' }] })
  await aborted.abort()
  await producer.disconnect()

  t.equal((await admin.fetchOffsets({ groupId: consumerGroupId, topics: [topic] }))[0].partitions[0].offset, '1')
  const consumer = client.consumer({ groupId: uniqueTopic('txn-read') })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const got = counter(1)
  await consumer.run({ eachMessage: async ({ message }) => got.add(message.value?.toString() ?? '') })
  await got.done
  await new Promise((resolve) => setTimeout(resolve, 1000))
  await consumer.disconnect()
  t.same(got.seen, ['committed'])
})
