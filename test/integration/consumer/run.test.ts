// consumer.run() on the real broker (issue 18): eachMessage and eachBatch, one partition at a
// time and with partitionsConsumedConcurrently (KafkaJS's option). Checked: every record is
// handled exactly once, the records of each partition in offset order, more than one handler
// running at once when allowed (and never two on one partition), commitAfterBatch leaves the
// group's committed offsets at the end of every partition, and a handler error rejects run()
// with HANDLER_FAILED. Handlers wait a few ms (an await, as I/O would) so batches overlap.
import t from 'tap'
import type { ConsumerBatch, ConsumerRecord } from '../../../src/consumer/consumer-record.js'
import type { KafkaError } from '../../../src/errors.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { until } from '../../helpers/group-members.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())
const admin = kafka.admin()
t.teardown(() => admin.close())

const PARTITIONS = 6
const PER_PARTITION = 400

async function filledTopic(): Promise<string> {
  const topic = uniqueTopic('run')
  await createTopic(kafka, topic, PARTITIONS)
  for (let p = 0; p < PARTITIONS; p++) {
    // Several produce batches per partition, so a partition comes in several Fetch batches.
    for (let from = 0; from < PER_PARTITION; from += 50) {
      await produce(kafka, topic, p, Array.from({ length: 50 }, (_, i) => ({ key: null, value: Buffer.from(`${p}:${from + i}`) })))
    }
  }
  return topic
}

/** Tracks handled records: duplicates, order per partition, handlers running at once. */
class Tally {
  readonly next = new Map<number, bigint>()
  readonly problems: string[] = []
  count = 0
  running = 0
  maxRunning = 0
  readonly busy = new Set<number>()
  enter(partition: number): void {
    if (this.busy.has(partition)) this.problems.push(`two handlers on partition ${partition}`)
    this.busy.add(partition)
    this.maxRunning = Math.max(this.maxRunning, ++this.running)
  }
  leave(partition: number): void {
    this.busy.delete(partition)
    this.running--
  }
  record(r: ConsumerRecord): void {
    const want = this.next.get(r.partition) ?? 0n
    if (r.offset !== want) this.problems.push(`partition ${r.partition}: got offset ${r.offset}, expected ${want}`)
    this.next.set(r.partition, r.offset + 1n)
    this.count++
  }
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Waits until the group committed the end of every partition: the commit after the last batch
 * runs after its handler returned, so it may still be on its way when the last record was seen.
 */
async function committedAtEnd(groupId: string, topic: string): Promise<bigint[]> {
  let offsets: bigint[] = []
  for (let i = 0; i < 100; i++) {
    const committed = await admin.fetchCommittedOffsets(groupId, [topic])
    offsets = committed.sort((a, b) => a.partition - b.partition).map((c) => c.offset)
    if (offsets.length === PARTITIONS && offsets.every((o) => o === BigInt(PER_PARTITION))) break
    await pause(100)
  }
  return offsets
}

for (const groupProtocol of ['classic', 'consumer'] as const) {
  for (const concurrency of [1, 3]) {
    t.test(`${groupProtocol}: eachMessage, partitionsConsumedConcurrently ${concurrency}`, async (t) => {
      const topic = await filledTopic()
      const groupId = uniqueTopic('g-run')
      const consumer = kafka.consumer({ groupId, topics: [topic], groupProtocol, resetStrategy: 'earliest', maxPartitionBytes: 4096 })
      t.teardown(() => consumer.stop())
      const tally = new Tally()
      const run = consumer.run({
        partitionsConsumedConcurrently: concurrency,
        commitAfterBatch: true,
        eachMessage: async (r) => {
          tally.enter(r.partition)
          tally.record(r)
          await pause(1)
          tally.leave(r.partition)
        },
      })
      await until('every record handled', () => tally.count >= PARTITIONS * PER_PARTITION || tally.problems.length > 0, 120_000)
      const committed = await committedAtEnd(groupId, topic)
      await consumer.stop()
      await run
      t.same(tally.problems, [], 'each record once, in order per partition, one handler per partition')
      t.equal(tally.count, PARTITIONS * PER_PARTITION, 'every record handled once')
      if (concurrency > 1) t.ok(tally.maxRunning > 1, `handlers ran concurrently (at most ${tally.maxRunning} at once)`)
      else t.equal(tally.maxRunning, 1, 'one handler at a time')
      t.ok(tally.maxRunning <= concurrency, 'never more handlers than partitionsConsumedConcurrently')
      t.same(committed, Array.from({ length: PARTITIONS }, () => BigInt(PER_PARTITION)), 'commitAfterBatch committed the end of every partition')
    })
  }
}

t.test('eachBatch, partitionsConsumedConcurrently 4: batches of a partition in order, several partitions at once', async (t) => {
  const topic = await filledTopic()
  const groupId = uniqueTopic('g-run-batch')
  const consumer = kafka.consumer({ groupId, topics: [topic], groupProtocol: 'consumer', resetStrategy: 'earliest', maxPartitionBytes: 4096 })
  t.teardown(() => consumer.stop())
  const tally = new Tally()
  let batches = 0
  const run = consumer.run({
    partitionsConsumedConcurrently: 4,
    commitAfterBatch: true,
    eachBatch: async (b: ConsumerBatch) => {
      batches++
      tally.enter(b.partition)
      for (const r of b.records) tally.record(r)
      await pause(15)
      tally.leave(b.partition)
    },
  })
  await until('every record handled', () => tally.count >= PARTITIONS * PER_PARTITION || tally.problems.length > 0, 120_000)
  const committed = await committedAtEnd(groupId, topic)
  await consumer.stop()
  await run
  t.same(tally.problems, [], 'batches of one partition one after the other, in order, each record once')
  t.equal(tally.count, PARTITIONS * PER_PARTITION, 'every record handled once')
  t.ok(batches > PARTITIONS, `several batches per partition (${batches})`)
  t.ok(tally.maxRunning > 1 && tally.maxRunning <= 4, `2 to 4 handlers at once (max ${tally.maxRunning})`)
  t.same(committed, Array.from({ length: PARTITIONS }, () => BigInt(PER_PARTITION)), 'commitAfterBatch committed the end of every partition')
})

for (const groupProtocol of ['classic', 'consumer'] as const) {
  t.test(`${groupProtocol}: a second member joins while run() handles 3 partitions at once`, async (t) => {
    const topic = await filledTopic()
    const groupId = uniqueTopic('g-run-join')
    // Slow handlers (15 ms a record: a member alone needs about 12 s): the join lands
    // mid-stream (the consumer protocol takes a broker heartbeat interval, 5 s by default, to
    // move partitions).
    const opts = { groupId, topics: [topic], groupProtocol, resetStrategy: 'earliest' as const, maxPartitionBytes: 1024 }
    const seen = new Map<string, number>()
    const next = new Map<number, bigint>()
    const problems: string[] = []
    const handled: Record<string, number> = { a: 0, b: 0 }
    const handler = (name: string) => async (b: ConsumerBatch): Promise<void> => {
      for (const r of b.records) {
        const k = `${r.partition}:${r.offset}`
        seen.set(k, (seen.get(k) ?? 0) + 1)
        // Across members too: a partition's records in order (a new owner starts where the old one committed).
        const want = next.get(r.partition) ?? 0n
        if (r.offset !== want) problems.push(`partition ${r.partition}: ${name} got offset ${r.offset}, expected ${want}`)
        next.set(r.partition, r.offset + 1n)
      }
      handled[name] += b.records.length
      await pause(15 * b.records.length)
    }
    const a = kafka.consumer(opts)
    const b = kafka.consumer(opts)
    t.teardown(() => Promise.all([a.stop(), b.stop()]))
    const runA = a.run({ partitionsConsumedConcurrently: 3, commitAfterBatch: true, eachBatch: handler('a') })
    await until('a handled some records', () => handled.a >= 200, 60_000)
    const runB = b.run({ partitionsConsumedConcurrently: 3, commitAfterBatch: true, eachBatch: handler('b') })
    await until('every record handled', () => seen.size >= PARTITIONS * PER_PARTITION, 180_000)
    await Promise.all([a.stop(), b.stop()])
    await Promise.all([runA, runB])
    t.equal(seen.size, PARTITIONS * PER_PARTITION, 'every record handled')
    t.same([...seen].filter(([, n]) => n > 1), [], 'none twice: running handlers end and commit before their partitions move')
    t.same(problems, [], 'each partition in order across the two members')
    t.ok(handled.b > 0, `the second member took partitions over (a ${handled.a}, b ${handled.b})`)
  })
}

t.test('a handler that throws rejects run() with HANDLER_FAILED after the others end; its batch is not committed', async (t) => {
  const topic = await filledTopic()
  const groupId = uniqueTopic('g-run-fail')
  const consumer = kafka.consumer({ groupId, topics: [topic], resetStrategy: 'earliest', maxPartitionBytes: 4096 })
  t.teardown(() => consumer.stop())
  let running = 0
  let runningAtFailure = -1
  const err = await consumer
    .run({
      partitionsConsumedConcurrently: 3,
      commitAfterBatch: true,
      eachBatch: async (b) => {
        running++
        try {
          await pause(20)
          if (b.partition === 2) throw new Error('boom')
        } finally {
          running--
        }
      },
    })
    .then(
      () => null,
      (e: unknown) => {
        runningAtFailure = running
        return e as KafkaError
      },
    )
  t.equal(err?.code, 'HANDLER_FAILED', 'run() rejects with HANDLER_FAILED')
  t.equal((err?.cause as Error | undefined)?.message, 'boom', 'cause is the handler error')
  t.equal(runningAtFailure, 0, 'no handler still running when run() rejects')
  const committed = await admin.fetchCommittedOffsets(groupId, [{ topic, partitions: [2] }])
  t.equal(committed[0]?.offset ?? -1n, -1n, 'the failed batch was not committed')
})

t.test('run() option checks', async (t) => {
  const consumer = kafka.consumer({ groupId: uniqueTopic('g-run-opts'), topics: [uniqueTopic('run-opts')] })
  t.teardown(() => consumer.stop())
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    await t.rejects(consumer.run({ eachMessage: () => {}, partitionsConsumedConcurrently: bad }), { code: 'INVALID_CONFIG' }, `partitionsConsumedConcurrently ${bad}`)
  }
})
