// A group member in a child process, for the group churn scenario to SIGKILL: reports each batch
// on stdout as one JSON line BEFORE committing it, then `{"type":"committed"}` once the commit
// succeeded, so the parent knows which records a kill left uncommitted.
// Env: KAFKA_BOOTSTRAP, CHILD_TOPIC, CHILD_GROUP.
import { Kafka } from '../../src/client.js'

const quiet = { debug () {}, info () {}, warn () {}, error () {} }
const kafka = new Kafka({ clientId: 'chaos-child', bootstrapServers: process.env.KAFKA_BOOTSTRAP ?? '', logger: quiet })
const consumer = kafka.consumer({
  groupId: process.env.CHILD_GROUP ?? '',
  topics: [process.env.CHILD_TOPIC ?? ''],
  resetStrategy: 'earliest',
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 500
})
for (;;) {
  const ev = await consumer.poll(500)
  if (ev.type !== 'records' || ev.records.length === 0) continue
  process.stdout.write(JSON.stringify({ type: 'records', offsets: ev.records.map(r => [r.partition, r.offset.toString()]) }) + '\n')
  try {
    await consumer.commit()
    process.stdout.write('{"type":"committed"}\n')
  } catch {
    process.stdout.write('{"type":"commit-failed"}\n')
  }
}
