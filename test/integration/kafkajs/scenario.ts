/**
 * One KafkaJS script, run unchanged against the real `kafkajs` package and against
 * `kafkats/kafkajs` (differential.test.ts): topics, keyed sends through DefaultPartitioner and
 * LegacyPartitioner, sendBatch with GZIP, unkeyed round-robin, headers, metadata and offsets
 * from the admin, eachMessage and eachBatch consumers, committed offsets, setOffsets and
 * resetOffsets, a transaction committed and one aborted read by a read_committed consumer.
 * It returns what it saw, normalized only where the two legitimately differ (topic name
 * prefixes, node ids, timestamps, arrival order across partitions).
 */
import type * as Facade from '../../../src/kafkajs/index.js'

export type KafkaJSModule = typeof Facade

export interface ScenarioOutput {
  [step: string]: unknown
}

const N = 30

export async function scenario(lib: KafkaJSModule, brokers: string[], prefix: string): Promise<ScenarioOutput> {
  const { Kafka, Partitioners, CompressionTypes, logLevel } = lib
  const out: ScenarioOutput = {}
  const name = (s: string): string => `${prefix}-${s}`
  const norm = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? x.split(prefix).join('P') : x)))
  const kafka = new Kafka({ clientId: 'differential', brokers, logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  const topics = ['default', 'legacy', 'rr', 'txn'].map(name)
  out.createTopics = await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })) })
  out.createTopicsAgain = await admin.createTopics({ topics: [{ topic: topics[0], numPartitions: 3 }] })
  const listed = await admin.listTopics()
  out.listTopics = topics.map((t) => listed.includes(t))
  const meta = await admin.fetchTopicMetadata({ topics })
  out.fetchTopicMetadata = norm(
    meta.topics
      .map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ ...p, leader: typeof p.leader, replicas: p.replicas.length, isr: p.isr.length, offlineReplicas: p.offlineReplicas?.length ?? 0 })).sort((a, b) => a.partitionId - b.partitionId) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  )

  // Keyed messages: both partitioners, one send each; the RecordMetadata of every partition.
  const keyed = (tag: string) => Array.from({ length: N }, (_, i) => ({ key: `${tag}-key-${i}`, value: `${tag}-value-${i}`, headers: { 'correlation-id': `c-${i}`, multi: ['a', 'b'] } }))
  const pDefault = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  const pLegacy = kafka.producer({ createPartitioner: Partitioners.LegacyPartitioner })
  await Promise.all([pDefault.connect(), pLegacy.connect()])
  const byPartition = (r: Array<{ topicName: string; partition: number; errorCode: number; baseOffset?: string }>) =>
    norm(r.map((m) => ({ topicName: m.topicName, partition: m.partition, errorCode: m.errorCode, baseOffset: m.baseOffset })).sort((a, b) => a.partition - b.partition))
  out.sendDefault = byPartition(await pDefault.send({ topic: topics[0], messages: keyed('d') }))
  out.sendLegacy = byPartition(await pLegacy.send({ topic: topics[1], messages: keyed('l') }))
  out.sendBatch = byPartition(
    await pDefault.sendBatch({
      compression: CompressionTypes.GZIP,
      topicMessages: [
        { topic: topics[0], messages: [{ key: 'batch-a', value: 'A' }] },
        { topic: topics[1], messages: [{ key: 'batch-b', value: 'B', partition: 2 }] },
      ],
    }),
  )
  // Unkeyed: round-robin over the 3 partitions from a random start: equal counts per partition.
  const rr = await pDefault.send({ topic: topics[2], messages: Array.from({ length: 3 }, (_, i) => ({ value: `rr-${i}` })) })
  out.roundRobin = rr.map((m) => m.partition).sort()
  await Promise.all([pDefault.disconnect(), pLegacy.disconnect()])

  const offsets = async (topic: string) => (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition)
  out.fetchTopicOffsets = await Promise.all(topics.slice(0, 3).map(offsets))
  out.fetchTopicOffsetsByTimestamp = (await admin.fetchTopicOffsetsByTimestamp(topics[0], Date.now() + 3_600_000)).sort((a, b) => a.partition - b.partition)

  // eachMessage, from the beginning, over both keyed topics.
  const group = name('g-each-message')
  const consumer = kafka.consumer({ groupId: group })
  await consumer.connect()
  await consumer.subscribe({ topics: [topics[0], topics[1]], fromBeginning: true })
  const records: unknown[] = []
  const want = 2 * N + 2
  let done!: () => void
  const received = new Promise<void>((resolve) => {
    done = resolve
  })
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      records.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString(),
        value: message.value?.toString(),
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)])),
        timestamp: typeof message.timestamp,
      })
      if (records.length === want) done()
    },
  })
  await received
  await consumer.disconnect()
  out.eachMessage = norm(sortRecords(records))
  const committed = async (groupId: string, ts: string[]) =>
    norm((await admin.fetchOffsets({ groupId, topics: ts })).map((t) => ({ topic: t.topic, partitions: [...t.partitions].sort((a, b) => a.partition - b.partition) })))
  out.committedAfterEachMessage = await committed(group, [topics[0], topics[1]])

  // eachBatch, resolving every offset by hand.
  const group2 = name('g-each-batch')
  const batchConsumer = kafka.consumer({ groupId: group2 })
  await batchConsumer.connect()
  await batchConsumer.subscribe({ topic: topics[0], fromBeginning: true })
  const batchRecords: unknown[] = []
  let batchDone!: () => void
  const batchReceived = new Promise<void>((resolve) => {
    batchDone = resolve
  })
  await batchConsumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break
        batchRecords.push({ topic: batch.topic, partition: batch.partition, offset: message.offset, key: message.key?.toString(), highWatermark: typeof batch.highWatermark })
        resolveOffset(message.offset)
        await heartbeat()
      }
      if (batchRecords.length === N + 1) batchDone()
    },
  })
  await batchReceived
  await batchConsumer.disconnect()
  out.eachBatch = norm(sortRecords(batchRecords))
  out.committedAfterEachBatch = await committed(group2, [topics[0]])

  // Offsets by hand on a group without members, then back to the start.
  await admin.setOffsets({ groupId: group2, topic: topics[0], partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '2' }] })
  out.afterSetOffsets = await committed(group2, [topics[0]])
  await admin.resetOffsets({ groupId: group2, topic: topics[0], earliest: true })
  out.afterResetOffsets = norm((await admin.fetchOffsets({ groupId: group2, topics: [topics[0]], resolveOffsets: true })).map((t) => ({ topic: t.topic, partitions: [...t.partitions].sort((a, b) => a.partition - b.partition) })))
  const described = await admin.describeGroups([group, group2])
  out.describeGroups = norm(described.groups.map((g) => ({ groupId: g.groupId, state: g.state, protocolType: g.protocolType, members: g.members.length })).sort((a, b) => a.groupId.localeCompare(b.groupId)))
  const listedGroups = (await admin.listGroups()).groups
  out.listGroups = [group, group2].map((g) => listedGroups.some((x) => x.groupId === g && x.protocolType === 'consumer'))

  // Transactions: one committed with offsets, one aborted; a read_committed consumer sees the first only.
  const txProducer = kafka.producer({ transactionalId: name('tx'), maxInFlightRequests: 1, idempotent: true })
  await txProducer.connect()
  out.isIdempotent = [kafka.producer().isIdempotent(), txProducer.isIdempotent(), kafka.producer({ transactionalId: name('tx-only') }).isIdempotent()]
  // A transactional producer's own send() is outside any transaction.
  await txProducer.send({ topic: topics[3], messages: [{ key: 'plain', value: 'outside' }] })
  const tx1 = await txProducer.transaction()
  await tx1.send({ topic: topics[3], messages: [{ key: 'committed', value: 'yes' }] })
  await tx1.sendOffsets({ consumerGroupId: name('g-txn-offsets'), topics: [{ topic: topics[0], partitions: [{ partition: 0, offset: '3' }] }] })
  await tx1.commit()
  try {
    await tx1.send({ topic: topics[3], messages: [{ key: 'late', value: 'x' }] })
    out.sendAfterCommit = 'no error'
  } catch (e) {
    out.sendAfterCommit = { name: (e as Error).name, message: (e as Error).message }
  }
  const tx2 = await txProducer.transaction()
  await tx2.send({ topic: topics[3], messages: [{ key: 'aborted', value: 'no' }] })
  await tx2.abort()
  out.txActive = [tx1.isActive(), tx2.isActive()]
  await txProducer.disconnect()
  out.txnOffsets = await committed(name('g-txn-offsets'), [topics[0]])
  const txConsumer = kafka.consumer({ groupId: name('g-txn-read') })
  await txConsumer.connect()
  await txConsumer.subscribe({ topic: topics[3], fromBeginning: true })
  const seen: string[] = []
  let txDone!: () => void
  const txReceived = new Promise<void>((resolve) => {
    txDone = resolve
  })
  await txConsumer.run({
    eachMessage: async ({ message }) => {
      seen.push(String(message.key))
      if (message.key?.toString() === 'committed') txDone()
    },
  })
  await txReceived
  // Anything after the committed record would have arrived in the same fetch; give it one more round.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  await txConsumer.disconnect()
  out.readCommitted = seen

  // Errors: the KafkaJS classes and their fields.
  try {
    await admin.fetchTopicMetadata({ topics: [name('missing')] })
    out.missingTopic = 'no error'
  } catch (e) {
    const err = e as { name: string; type?: string; code?: number; retriable?: boolean }
    out.missingTopic = { isKafkaJSError: e instanceof lib.KafkaJSError, type: err.type, code: err.code }
  }
  try {
    await admin.deleteGroups([name('never-existed')])
    out.deleteMissingGroup = 'no error'
  } catch (e) {
    out.deleteMissingGroup = { name: (e as Error).name, groups: norm((e as { groups: Array<{ groupId: string; errorCode: number; error: { type: string } }> }).groups.map((g) => ({ groupId: g.groupId, errorCode: g.errorCode, type: g.error.type }))) }
  }
  out.deleteGroups = norm(await admin.deleteGroups([group]))
  await admin.deleteTopics({ topics })
  await admin.disconnect()
  return out
}

function sortRecords(records: unknown[]): unknown[] {
  return [...records].sort((a, b) => {
    const x = a as { topic: string; partition: number; offset: string }
    const y = b as { topic: string; partition: number; offset: string }
    return x.topic.localeCompare(y.topic) || x.partition - y.partition || Number(x.offset) - Number(y.offset)
  })
}
