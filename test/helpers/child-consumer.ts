/**
 * A consumer in a child process for tests that kill it (SIGKILL): joins a group, commits after
 * each batch, and reports on stdout one JSON line per rebalance and per batch.
 * Env: KAFKA_BOOTSTRAP, CHILD_TOPIC, CHILD_GROUP, CHILD_SESSION_TIMEOUT_MS.
 */
import { Kafka } from '../../src/client.js'

const kafka = new Kafka({ clientId: 'child', bootstrapServers: process.env.KAFKA_BOOTSTRAP ?? '', logger: { debug() {}, info() {}, warn() {}, error() {} } })
const consumer = kafka.consumer({
  groupId: process.env.CHILD_GROUP ?? '',
  topics: [process.env.CHILD_TOPIC ?? ''],
  resetStrategy: 'earliest',
  sessionTimeoutMs: Number(process.env.CHILD_SESSION_TIMEOUT_MS ?? 6000),
  heartbeatIntervalMs: 500,
})
const out = (o: object): void => {
  process.stdout.write(JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n')
}
for (;;) {
  const ev = await consumer.poll(200)
  if (ev.type === 'rebalance') out({ type: 'rebalance', generationId: ev.generationId, partitions: Object.keys(ev.assignment[process.env.CHILD_TOPIC ?? ''] ?? {}).map(Number) })
  else if (ev.type === 'records' && ev.records.length > 0) {
    await consumer.commit()
    out({ type: 'records', offsets: ev.records.map((r) => [r.partition, r.offset]) })
  }
}
