// A consume-transform-produce processor in a child process, for the exactly-once scenario to
// SIGKILL: a read_committed group member and a transactional producer. Each poll's records are
// copied to the output topic (same partition, key and value) in one transaction together with
// the consumed offsets (sendOffsetsToTransaction). After each commit it writes
// `{"type":"committed","records":n}` on stdout; `{"type":"aborted","records":n,"error":...}`
// when a transaction had to be aborted (its records are read again from where it started).
// A fatal error (ProducerFencedError: a newer incarnation took the transactional id) ends the
// process with status 3. With EOS_HOLD_AT=n, once it has committed n records it holds its next
// transaction open (records written, offsets sent, no commit) and writes `{"type":"holding",
// "records":n}`, for the scenario to SIGKILL it with a transaction open.
// Env: KAFKA_BOOTSTRAP, EOS_INPUT, EOS_OUTPUT, EOS_GROUP, EOS_TXN_ID, EOS_MAX_RECORDS, EOS_HOLD_AT.
import { Kafka } from '../../src/client.js'
import { ProducerFencedError, TransactionAbortableError } from '../../src/index.js'

const quiet = { debug () {}, info () {}, warn () {}, error () {} }
const input = process.env.EOS_INPUT ?? ''
const output = process.env.EOS_OUTPUT ?? ''
const kafka = new Kafka({ clientId: 'chaos-eos', bootstrapServers: process.env.KAFKA_BOOTSTRAP ?? '', logger: quiet, requestTimeoutMs: 15_000 })
const consumer = kafka.consumer({
  groupId: process.env.EOS_GROUP ?? '',
  topics: [input],
  resetStrategy: 'earliest',
  isolationLevel: 'read_committed',
  autoCommit: false,
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 500,
  maxPollRecords: Number(process.env.EOS_MAX_RECORDS ?? 500)
})
const producer = kafka.producer({ transactionalId: process.env.EOS_TXN_ID ?? '', transactionTimeoutMs: 30_000, acks: 'all', lingerMs: 0 })
const out = (o: object): void => { process.stdout.write(JSON.stringify(o) + '\n') }

/** Ends the process on a fatal error (a newer incarnation fenced this one). */
function exitIfFatal (err: unknown): void {
  if (err instanceof ProducerFencedError) {
    out({ type: 'fenced', error: err.message })
    process.exit(3)
  }
}

/**
 * Runs `step` again after an error that leaves the outcome unknown (a timeout, a connection lost
 * to a killed coordinator): commitTransaction and abortTransaction are to be called again then.
 * An abortable or fatal error, or 120 failures, is thrown.
 */
async function untilDone (step: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step()
    } catch (err) {
      exitIfFatal(err)
      if (err instanceof TransactionAbortableError || attempt >= 120) throw err
      out({ type: 'retry', error: `${(err as Error).name}: ${(err as Error).message}` })
      await new Promise(resolve => setTimeout(resolve, 500))
    }
  }
}

const holdAt = Number(process.env.EOS_HOLD_AT ?? Infinity)
let committed = 0

await producer.initTransactions()
out({ type: 'ready' })
for (;;) {
  const ev = await consumer.poll(500)
  if (ev.type !== 'records' || ev.records.length === 0) continue
  // Where each partition of this batch starts and where it ends (the next offset to read).
  const first = new Map<number, bigint>()
  const next = new Map<number, bigint>()
  for (const r of ev.records) {
    if (!first.has(r.partition)) first.set(r.partition, r.offset)
    next.set(r.partition, r.offset + 1n)
  }
  try {
    producer.beginTransaction()
    await producer.sendBatch(ev.records.map(r => ({ topic: output, partition: r.partition, key: r.key, value: r.value })))
    await producer.sendOffsetsToTransaction([...next].map(([partition, offset]) => ({ topic: input, partition, offset })), consumer.groupMetadata())
    if (committed >= holdAt) {
      out({ type: 'holding', records: ev.records.length })
      await new Promise(resolve => setTimeout(resolve, 120_000))
    }
    await untilDone(async () => producer.commitTransaction())
    committed += ev.records.length
    out({ type: 'committed', records: ev.records.length })
  } catch (err) {
    exitIfFatal(err)
    out({ type: 'aborted', records: ev.records.length, error: `${(err as Error).name}: ${(err as Error).message}` })
    await untilDone(async () => producer.abortTransaction())
    // Read the batch again: back to where it started on each partition still assigned.
    for (const [partition, offset] of first) {
      try { consumer.seek(input, partition, offset) } catch {}
    }
  }
}
