// The transactional producer against the real broker, read back through the real consumer
// (read_committed): commit and abort, offsets committed with a transaction, the transaction()
// helper, zombie fencing, and the state machine's misuse errors. Runs on Kafka 4.x (transactions
// v2, KIP-890) and in `npm run test:compat` on 3.9 and 2.8 (transactions v1).
import t from 'tap'
import type { Kafka } from '../../../src/client.js'
import type { Consumer } from '../../../src/consumer/consumer.js'
import type { ConsumerRecord } from '../../../src/consumer/consumer-record.js'
import { ProducerFencedError, TransactionAbortableError, TransactionStateError } from '../../../src/producer/producer.js'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'
import { fetchPartition } from './fetch-partition.js'
import { createTopic } from './topics.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())
/**
 * Whether the cluster finalized transaction.version 2 (KIP-890; Kafka 4.0+ by default, unless
 * downgraded), read from ApiVersions: the producer must then use transactions v2.
 */
async function transactionsV2(): Promise<boolean> {
  await kafka.cluster.metadata([])
  const conn = await kafka.cluster.anyBroker().connection()
  return conn.finalizedFeature('transaction.version') >= 2
}

/** Waits until read_committed can see everything written: the last stable offset reached the high watermark. */
async function settledLso(k: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = k.admin()
  try {
    await waitFor(`the last stable offsets of ${topic} to reach the high watermarks`, async () => {
      const tps = Array.from({ length: partitions }, (_, partition) => ({ topic, partition, at: 'latest' as const }))
      const hw = await admin.listOffsets(tps)
      const lso = await admin.listOffsets(tps, { isolationLevel: 'read_committed' })
      return hw.every((h, i) => h.offset === lso[i].offset)
    })
  } finally {
    await admin.close()
  }
}

/** Every record of the topic's partitions a consumer with `isolationLevel` reads (exitAtEnd). */
async function readAll(k: Kafka, topic: string, partitions: number, isolationLevel: 'read_committed' | 'read_uncommitted' = 'read_committed'): Promise<ConsumerRecord[]> {
  const c: Consumer = k.consumer({ assignments: Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 'earliest' as const })), exitAtEnd: true, maxWaitMs: 100, isolationLevel })
  const out: ConsumerRecord[] = []
  try {
    for await (const b of c) out.push(...b.records)
  } finally {
    await c.stop()
  }
  return out
}

const valuesOf = (rs: readonly ConsumerRecord[], partition: number): string[] => rs.filter((r) => r.partition === partition).map((r) => String(r.value))

t.test('commit and abort: read_committed reads committed records in order, never aborted ones', async (t) => {
  const topic = uniqueTopic('txn-commit-abort')
  await createTopic(kafka, topic, 2)
  const producer = kafka.producer({ transactionalId: uniqueTopic('tx-ca'), transactionTimeoutMs: 30_000 })
  t.teardown(() => producer.close())
  await producer.initTransactions()

  producer.beginTransaction()
  const first = await producer.sendBatch([
    ...Array.from({ length: 5 }, (_, i) => ({ topic, partition: 0, value: `c1-${i}` })),
    ...Array.from({ length: 3 }, (_, i) => ({ topic, partition: 1, value: `c1-${i}` })),
  ])
  t.equal(first.length, 8, 'every record of the transaction acknowledged')
  await producer.commitTransaction()

  producer.beginTransaction()
  await producer.sendBatch(Array.from({ length: 4 }, (_, i) => ({ topic, partition: i % 2, value: `aborted-${i}` })))
  // Still in the accumulator (linger) when the abort starts: rejected, never sent.
  const unsent = producer.send({ topic, partition: 0, value: 'never-sent' }).catch((e: unknown) => e)
  await producer.abortTransaction()
  const err = await unsent
  t.type(err, TransactionAbortableError, 'a record not sent when the transaction aborted rejects')

  producer.beginTransaction()
  await producer.send({ topic, partition: 0, value: 'c3-0' })
  await producer.send({ topic, partition: 1, value: 'c3-0' })
  await producer.commitTransaction()

  await settledLso(kafka, topic, 2)
  const committed = await readAll(kafka, topic, 2)
  t.same(valuesOf(committed, 0), ['c1-0', 'c1-1', 'c1-2', 'c1-3', 'c1-4', 'c3-0'], 'partition 0: committed records, in order, no aborted ones')
  t.same(valuesOf(committed, 1), ['c1-0', 'c1-1', 'c1-2', 'c3-0'], 'partition 1: committed records, in order')
  const all = await readAll(kafka, topic, 2, 'read_uncommitted')
  t.same(valuesOf(all, 0), ['c1-0', 'c1-1', 'c1-2', 'c1-3', 'c1-4', 'aborted-0', 'aborted-2', 'c3-0'], 'read_uncommitted shows the aborted records were written')
  t.notOk(all.some((r) => String(r.value) === 'never-sent'), 'the rejected record was never written')

  // On the wire: transactional batches; v2 bumps the epoch at every transaction end (KIP-890), v1 keeps it.
  const raw = await fetchPartition(kafka.cluster, topic, 0)
  t.ok(raw.every((r) => r.isTransactional && r.producerId >= 0n), 'every batch is transactional')
  const epochs = new Set(raw.map((r) => r.producerEpoch))
  const v2 = await transactionsV2()
  t.equal(epochs.size, v2 ? 3 : 1, v2 ? 'transactions v2: one epoch per transaction' : 'transactions v1: one epoch')
})

t.test('sendOffsetsToTransaction: the group commits the offsets only when the transaction commits', async (t) => {
  const input = uniqueTopic('txn-in')
  const output = uniqueTopic('txn-out')
  const groupId = uniqueTopic('txn-group')
  await createTopic(kafka, input, 1)
  await createTopic(kafka, output, 1)
  const plain = kafka.producer()
  await plain.sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic: input, value: `in-${i}` })))
  await plain.close()
  const consumer = kafka.consumer({ groupId, topics: [input], resetStrategy: 'earliest', autoCommit: false, heartbeatIntervalMs: 500, isolationLevel: 'read_committed' })
  t.teardown(() => consumer.stop())
  const got: ConsumerRecord[] = []
  for (let i = 0; i < 60 && got.length < 10; i++) {
    const ev = await consumer.poll(1000)
    if (ev.type === 'records') got.push(...ev.records)
  }
  t.equal(got.length, 10, 'the member read the input')
  const meta = consumer.groupMetadata()
  t.equal(meta.groupId, groupId)
  t.ok(meta.generationId >= 1 && meta.memberId !== '', 'groupMetadata: a joined member')
  t.equal(meta.groupInstanceId, null)

  const producer = kafka.producer({ transactionalId: uniqueTopic('tx-offsets') })
  t.teardown(() => producer.close())
  await producer.initTransactions()
  const admin = kafka.admin()
  t.teardown(() => admin.close())
  const committedOffset = async (): Promise<bigint> => (await admin.fetchCommittedOffsets(groupId, [input]))[0].offset

  // Aborted: the offsets are not the group's.
  producer.beginTransaction()
  await producer.sendBatch(got.slice(0, 5).map((r) => ({ topic: output, value: `out-${String(r.value)}` })))
  await producer.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 5n }], meta)
  await producer.abortTransaction()
  t.equal(await committedOffset(), -1n, 'after the abort the group has no committed offset')

  // Committed: the offsets become the group's.
  await producer.transaction(async (tx) => {
    await tx.sendBatch(got.map((r) => ({ topic: output, value: `out-${String(r.value)}` })))
    await tx.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 10n, metadata: 'txn' }], consumer.groupMetadata())
  })
  await waitFor('the transaction offsets to be committed', async () => (await committedOffset()) === 10n)
  const [c] = await admin.fetchCommittedOffsets(groupId, [input])
  t.equal(c.metadata, 'txn', 'with its metadata')
  await settledLso(kafka, output, 1)
  t.same(valuesOf(await readAll(kafka, output, 1), 0), got.map((r) => `out-${String(r.value)}`), 'the output holds the committed transaction only')

  // A stale generation is fenced (KIP-447): the transaction can only be aborted.
  producer.beginTransaction()
  const stale = { ...meta, generationId: meta.generationId + 100 }
  const e = await producer.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 10n }], stale).catch((x: unknown) => x)
  t.type(e, TransactionAbortableError, 'offsets of a stale generation: TransactionAbortableError')
  t.match((e as Error).message, /abortTransaction\(\)/, 'the message says what to call')
  await t.rejects(producer.commitTransaction(), TransactionAbortableError, 'commit after it fails the same way')
  await producer.abortTransaction()
  producer.beginTransaction()
  await producer.abortTransaction()
  t.pass('the producer is usable again after the abort')
})

t.test('transaction(): commits the callback\'s records, aborts and rethrows when it throws', async (t) => {
  const topic = uniqueTopic('txn-helper')
  await createTopic(kafka, topic, 1)
  const producer = kafka.producer({ transactionalId: uniqueTopic('tx-helper') })
  t.teardown(() => producer.close())
  await producer.initTransactions()
  const result = await producer.transaction(async (tx) => {
    await tx.send({ topic, value: 'kept-0' })
    void tx.send({ topic, value: 'kept-1' }) // not awaited: the commit flushes it
    return 42
  })
  t.equal(result, 42, 'resolves with what the callback returned')
  const boom = new Error('boom')
  let pending: Promise<unknown> | null = null
  await t.rejects(
    producer.transaction(async (tx) => {
      await tx.send({ topic, value: 'dropped-0' })
      pending = tx.send({ topic, value: 'dropped-1' }).catch((e: unknown) => e)
      throw boom
    }),
    boom,
    'the callback\'s error is rethrown',
  )
  t.type(await pending, TransactionAbortableError, 'its unsent record was rejected by the abort')
  await producer.transaction(async (tx) => {
    await tx.send({ topic, value: 'kept-2' })
  })
  await settledLso(kafka, topic, 1)
  t.same(valuesOf(await readAll(kafka, topic, 1), 0), ['kept-0', 'kept-1', 'kept-2'], 'only the committed transactions are read')
})

t.test('zombie fencing: a newer producer with the same transactionalId fences the older one', async (t) => {
  const topic = uniqueTopic('txn-fence')
  await createTopic(kafka, topic, 2)
  const transactionalId = uniqueTopic('tx-fence')
  const zombie = kafka.producer({ transactionalId })
  t.teardown(() => zombie.close())
  await zombie.initTransactions()
  zombie.beginTransaction()
  await zombie.send({ topic, partition: 0, value: 'zombie-before' })

  // The newer incarnation: its initTransactions aborts the zombie's open transaction and bumps the epoch.
  const fresh = kafka.producer({ transactionalId })
  t.teardown(() => fresh.close())
  await fresh.initTransactions()
  await fresh.transaction(async (tx) => {
    await tx.send({ topic, partition: 0, value: 'fresh-0' })
  })

  const sendErr = await zombie.send({ topic, partition: 0, value: 'zombie-after' }).catch((e: unknown) => e)
  t.type(sendErr, ProducerFencedError, 'the zombie\'s next send fails with ProducerFencedError')
  t.equal((sendErr as ProducerFencedError).code, 'PRODUCER_FENCED')
  t.equal((sendErr as ProducerFencedError).transactionalId, transactionalId)
  await t.rejects(zombie.send({ topic, partition: 1, value: 'zombie-later' }), ProducerFencedError, 'and every later send')
  await t.rejects(zombie.commitTransaction(), ProducerFencedError, 'its commit too')
  await t.rejects(zombie.abortTransaction(), ProducerFencedError, 'and its abort: the producer is unusable')

  // A zombie fenced at commit time (nothing sent after the newer producer came).
  const zombie2 = kafka.producer({ transactionalId })
  t.teardown(() => zombie2.close())
  fresh.beginTransaction()
  await fresh.send({ topic, partition: 1, value: 'fresh-open' })
  await zombie2.initTransactions() // fences fresh, aborting its open transaction
  await t.rejects(fresh.commitTransaction(), ProducerFencedError, 'a fenced producer\'s commit fails with ProducerFencedError')
  await zombie2.transaction(async (tx) => {
    await tx.send({ topic, partition: 1, value: 'zombie2-0' })
  })

  await settledLso(kafka, topic, 2)
  const read = await readAll(kafka, topic, 2)
  t.same(valuesOf(read, 0), ['fresh-0'], 'nothing the zombie wrote is visible to read_committed')
  t.same(valuesOf(read, 1), ['zombie2-0'], 'nor what the fenced producer had open')
})

t.test('state machine misuse: a TransactionStateError that says what to call', async (t) => {
  const topic = uniqueTopic('txn-misuse')
  await createTopic(kafka, topic, 1)
  const plain = kafka.producer()
  t.teardown(() => plain.close())
  await t.rejects(plain.initTransactions(), { name: 'TransactionStateError', code: 'TRANSACTION_STATE', message: /transactionalId/ }, 'a producer without transactionalId')
  t.throws(() => plain.beginTransaction(), TransactionStateError)

  const p = kafka.producer({ transactionalId: uniqueTopic('tx-misuse') })
  t.teardown(() => p.close())
  const rows: Array<[string, () => Promise<unknown>, RegExp]> = [
    ['send before initTransactions', () => p.send({ topic, value: 'x' }), /initTransactions\(\)/],
    ['beginTransaction before initTransactions', async () => p.beginTransaction(), /initTransactions\(\)/],
    ['commit without initTransactions', () => p.commitTransaction(), /initTransactions\(\)/],
    ['abort without initTransactions', () => p.abortTransaction(), /initTransactions\(\)/],
  ]
  for (const [what, call, message] of rows) await t.rejects(call(), { name: 'TransactionStateError', code: 'TRANSACTION_STATE', retriable: false, message }, what)
  await p.initTransactions()
  const ready: Array<[string, () => Promise<unknown>, RegExp]> = [
    ['send before beginTransaction', () => p.send({ topic, value: 'x' }), /beginTransaction\(\)/],
    ['sendBatch before beginTransaction', () => p.sendBatch([{ topic, value: 'x' }]), /beginTransaction\(\)/],
    ['sendOffsetsToTransaction before beginTransaction', () => p.sendOffsetsToTransaction([{ topic, partition: 0, offset: 1n }], { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }), /beginTransaction\(\)/],
    ['commit before beginTransaction', () => p.commitTransaction(), /beginTransaction\(\)/],
    ['abort before beginTransaction', () => p.abortTransaction(), /beginTransaction\(\)/],
    ['initTransactions twice', () => p.initTransactions(), /beginTransaction\(\)/],
  ]
  for (const [what, call, message] of ready) await t.rejects(call(), { name: 'TransactionStateError', message }, what)
  p.beginTransaction()
  t.throws(() => p.beginTransaction(), { name: 'TransactionStateError', message: /commitTransaction\(\) or abortTransaction\(\)/ }, 'begin twice')
  await t.rejects(p.sendOffsetsToTransaction([{ topic, partition: 0, offset: -1n }], { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }), { code: 'INVALID_CONFIG' }, 'a negative offset: ConfigError')
  const sent = p.send({ topic, value: 'in-the-commit' })
  const committing = p.commitTransaction()
  t.throws(() => p.beginTransaction(), { name: 'TransactionStateError', message: /commitTransaction\(\) is running/ }, 'begin while committing (sync)')
  await t.rejects(p.commitTransaction(), { name: 'TransactionStateError', message: /commitTransaction\(\) is running/ }, 'commit while committing')
  t.throws(() => p.beginTransaction(), { name: 'TransactionStateError', message: /commitTransaction\(\) is running/ }, 'begin while committing')
  await committing
  t.equal((await sent).offset >= 0n, true, 'the commit flushed the record')
  await t.rejects(p.commitTransaction(), { name: 'TransactionStateError', message: /beginTransaction\(\)/ }, 'commit twice')
  p.beginTransaction()
  await p.abortTransaction()
  await t.rejects(p.abortTransaction(), { name: 'TransactionStateError', message: /beginTransaction\(\)/ }, 'abort twice')
})

t.test('close() during a transaction aborts it: nothing is committed', async (t) => {
  const topic = uniqueTopic('txn-close')
  await createTopic(kafka, topic, 1)
  const p = kafka.producer({ transactionalId: uniqueTopic('tx-close') })
  await p.initTransactions()
  p.beginTransaction()
  await p.send({ topic, value: 'open-0' })
  const unsent = p.send({ topic, value: 'open-1' }).catch((e: unknown) => e)
  await p.close()
  t.type(await unsent, TransactionAbortableError, 'a record not sent yet rejects')
  await t.rejects(p.send({ topic, value: 'late' }), { code: 'CLIENT_CLOSED' })
  const other = kafka.producer()
  await other.send({ topic, value: 'plain' })
  await other.close()
  await settledLso(kafka, topic, 1)
  t.same(valuesOf(await readAll(kafka, topic, 1), 0), ['plain'], 'the open transaction was aborted, not committed')
})
