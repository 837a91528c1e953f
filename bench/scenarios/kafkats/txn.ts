// kafkats side of `npm run bench -- txn` (bench/txn.ts): a transactional producer writing
// `transactions` transactions of `perTransaction` records each (beginTransaction, sends,
// commitTransaction), as bench/peers/java/TxnBench.java does with the Java client. Public API only.
// Env BENCH_TXN: { bootstrap, topic, transactions, perTransaction, valueBytes, transactionalId }.
// Prints one `BENCH_RESULT {"records","bytes","elapsedMs","transactions"}` line.
import { Kafka } from '../../../src/index.js'

interface TxnConfig { bootstrap: string, topic: string, transactions: number, perTransaction: number, valueBytes: number, transactionalId: string }

const cfg = JSON.parse(process.env.BENCH_TXN ?? '{}') as TxnConfig
const quiet = { debug () {}, info () {}, warn () {}, error () {} }
const kafka = new Kafka({ clientId: 'bench-txn', bootstrapServers: cfg.bootstrap, logger: quiet })
const producer = kafka.producer({ transactionalId: cfg.transactionalId, lingerMs: 5 })
const value = Buffer.alloc(cfg.valueBytes, 'x')
try {
  await producer.initTransactions()
  // One transaction before the clock starts: connections, metadata, the coordinator.
  await producer.transaction(async (tx) => { await tx.send({ topic: cfg.topic, value }) })
  const started = performance.now()
  for (let t = 0; t < cfg.transactions; t++) {
    producer.beginTransaction()
    const records = new Array<{ topic: string, key: string, value: Buffer }>(cfg.perTransaction)
    for (let i = 0; i < cfg.perTransaction; i++) records[i] = { topic: cfg.topic, key: String(t * cfg.perTransaction + i), value }
    // As the Java client's send() then commitTransaction(): the commit flushes the records.
    const acks = producer.sendBatch(records)
    await producer.commitTransaction()
    await acks
  }
  const elapsedMs = performance.now() - started
  const records = cfg.transactions * cfg.perTransaction
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ records, bytes: records * cfg.valueBytes, elapsedMs, transactions: cfg.transactions })}\n`)
  await producer.close()
  await kafka.disconnectAll()
} catch (err) {
  process.stdout.write(`BENCH_ERROR ${(err as Error).name}: ${(err as Error).message}\n`)
  process.exit(1)
}
