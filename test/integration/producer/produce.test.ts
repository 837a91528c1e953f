// The producer against the real broker: acks, auto-creation, Java partitioning, oversized
// records, many concurrent senders.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { RecordTooLargeError, type RecordMetadata } from '../../../src/producer/producer.js'
import { fetchPartition } from './fetch-partition.js'
import { createTopic } from './topics.js'

t.test('acks 0, 1 and all', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('producer-acks')
  await createTopic(kafka, topic, 1)
  const all = kafka.producer({ acks: 'all' })
  const one = kafka.producer({ acks: 1 })
  const zero = kafka.producer({ acks: 0 })
  const a = await all.sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic, value: `all-${i}` })))
  t.same(a.map((m) => m.offset), Array.from({ length: 10 }, (_, i) => BigInt(i)), 'acks all: offsets 0..9')
  const o = await one.sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic, value: `one-${i}` })))
  t.same(o.map((m) => m.offset), Array.from({ length: 10 }, (_, i) => BigInt(10 + i)), 'acks 1: offsets 10..19')
  const z = await zero.sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic, value: `zero-${i}` })))
  t.ok(z.every((m) => m.offset === -1n), 'acks 0: offset -1')
  await Promise.all([all.close(), one.close(), zero.close()])
  let fetched = await fetchPartition(kafka.cluster, topic, 0)
  for (let i = 0; i < 50 && fetched.length < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    fetched = await fetchPartition(kafka.cluster, topic, 0)
  }
  t.same(
    fetched.map((r) => r.value?.toString()),
    [...Array.from({ length: 10 }, (_, i) => `all-${i}`), ...Array.from({ length: 10 }, (_, i) => `one-${i}`), ...Array.from({ length: 10 }, (_, i) => `zero-${i}`)],
    'all 30 records written in order',
  )
  t.ok(fetched[0].producerId >= 0n, 'acks all is idempotent: batches carry a producer id')
  t.equal(fetched[10].producerId, -1n, 'acks 1 is not idempotent')
})

t.test('a send to an unknown topic creates it', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('producer-autocreate')
  const producer = kafka.producer()
  const m = await producer.send({ topic, key: 'k', value: 'created' })
  t.equal(m.topic, topic)
  t.equal(m.offset, 0n)
  await producer.close()
  const fetched = await fetchPartition(kafka.cluster, topic, m.partition)
  t.equal(fetched[0].value?.toString(), 'created')
})

// Apache Kafka UtilsTest.testMurmur2 keys; partitions are (hash & 0x7fffffff) % 12 of the Java ints.
const JAVA_PARTITIONS_OF_12: Array<[string, number]> = [
  ['21', 0],
  ['foobar', 6],
  ['a-little-bit-long-string', 8],
  ['a-little-bit-longer-string', 11],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', 5],
  ['abc', 3],
]

t.test('keys land on the partitions of Java\'s default partitioner', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('producer-murmur2')
  await createTopic(kafka, topic, 12)
  const producer = kafka.producer()
  const metas = await Promise.all(JAVA_PARTITIONS_OF_12.map(([key]) => producer.send({ topic, key, value: key })))
  await producer.close()
  for (let i = 0; i < JAVA_PARTITIONS_OF_12.length; i++) {
    const [key, partition] = JAVA_PARTITIONS_OF_12[i]
    t.equal(metas[i].partition, partition, `${key} → partition ${partition}`)
    const fetched = await fetchPartition(kafka.cluster, topic, partition)
    t.ok(fetched.some((r) => r.key?.toString() === key), `${key} is in partition ${partition} on the broker`)
  }
})

t.test('a too-large record rejects with a typed error and does not block others', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('producer-too-large')
  await createTopic(kafka, topic, 1, 1, { 'max.message.bytes': '20000' })
  const producer = kafka.producer({ maxRequestSize: 100_000 })
  const before = producer.send({ topic, value: 'before' })
  const huge = producer.send({ topic, value: Buffer.alloc(200_000) })
  const brokerRejects = producer.send({ topic, partition: 0, value: Buffer.alloc(50_000) })
  const after = producer.send({ topic, value: 'after' })
  await t.rejects(huge, RecordTooLargeError, 'over maxRequestSize: rejected by send')
  // The batch it is in is split until it is alone: then it fails on its own, typed.
  await t.rejects(brokerRejects, { code: 'MESSAGE_TOO_LARGE', name: 'RecordTooLargeError', topic, partition: 0 }, 'over the topic\'s max.message.bytes: rejected by the broker alone in its batch')
  t.ok(((await brokerRejects.catch((e: unknown) => e)) as { cause?: { name?: string } }).cause?.name === 'ResponseError', 'the broker\'s error is the cause')
  t.equal((await before).offset, 0n)
  t.ok((await after).offset >= 1n, 'the record after still goes')
  const more = await producer.send({ topic, value: 'more' })
  t.ok(more.offset > 0n, 'later sends work')
  await producer.close()
})

t.test('50 concurrent senders × 1000 records: distinct offsets in per-partition send order', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('producer-concurrent')
  await createTopic(kafka, topic, 3)
  const producer = kafka.producer({ lingerMs: 2 })
  const SENDERS = 50
  const EACH = 1000
  const results: RecordMetadata[][] = await Promise.all(
    Array.from({ length: SENDERS }, async (_, s) => {
      const out: RecordMetadata[] = []
      // Each sender keeps a window of sends in flight, like an async app would.
      for (let i = 0; i < EACH; i += 50) {
        const chunk = await Promise.all(Array.from({ length: 50 }, (_, j) => producer.send({ topic, key: `sender-${s}`, value: `${s}:${i + j}` })))
        out.push(...chunk)
      }
      return out
    }),
  )
  await producer.close()
  const seen = new Set<string>()
  for (const list of results) for (const m of list) seen.add(`${m.partition}:${m.offset}`)
  t.equal(seen.size, SENDERS * EACH, 'every record has its own offset')
  for (let s = 0; s < SENDERS; s++) {
    const offsets = results[s].map((m) => m.offset)
    t.ok(offsets.every((o, i) => i === 0 || o > offsets[i - 1]), `sender ${s}: offsets increase in send order`)
    if (s > 3) continue
  }
  for (let p = 0; p < 3; p++) {
    const fetched = await fetchPartition(kafka.cluster, topic, p)
    const lastBySender = new Map<string, number>()
    let inOrder = true
    for (const r of fetched) {
      const [s, i] = r.value!.toString().split(':')
      const prev = lastBySender.get(s) ?? -1
      if (Number(i) !== prev + 1) inOrder = false
      lastBySender.set(s, Number(i))
    }
    t.ok(inOrder, `partition ${p}: each sender's records once, in send order`)
  }
})
