// Leader failover under load: a 3-node cluster, a topic with replication 3 and
// min.insync.replicas 2, 200,000 records with acks all while the leader of a partition is
// SIGKILLed mid-way and restarted. Every send resolves; reading back finds each record exactly
// once and in send order per partition (the idempotent producer's sequence numbers at work).
import t from 'tap'
import { killNode, startCluster, startNode, stopCluster } from '../../../scripts/kafka/control.js'
import { freeBasePort } from '../../../scripts/kafka/free-ports.js'
import { Kafka } from '../../../src/client.js'
import type { RecordMetadata } from '../../../src/producer/producer.js'
import { fetchPartition } from './fetch-partition.js'
import { createTopic } from './topics.js'
import { uniqueTopic } from '../../helpers/cluster.js'

t.setTimeout(900_000)

const TOTAL = 200_000
const CHUNK = 5_000
const PARTITIONS = 3
// Own free ports (chosen at start) and folder, so other suites' clusters are left alone.
const BASE_PORT = process.env.KAFKATS_PRODUCER_FAILOVER_BASE_PORT !== undefined ? Number(process.env.KAFKATS_PRODUCER_FAILOVER_BASE_PORT) : await freeBasePort(3)

t.test('SIGKILL of a partition leader mid-stream: every record exactly once, in order', { timeout: 600_000 }, async (t) => {
  const log = (line: string): void => t.comment(line)
  const cluster = await startCluster({ nodes: 3, basePort: BASE_PORT, reuse: false, log })
  t.teardown(() => stopCluster(cluster, { graceMs: 5_000, quiet: true, log }))

  const kafka = new Kafka({
    clientId: 'kafkats-failover-test',
    bootstrapServers: cluster.plaintext,
    requestTimeoutMs: 15_000,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  })
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('producer-failover')
  await createTopic(kafka, topic, PARTITIONS, 3, { 'min.insync.replicas': '2' })
  const victim = kafka.cluster.topic(topic)!.partitions[0].leader
  t.comment(`partition 0 leader: node ${victim}`)

  const producer = kafka.producer({ acks: 'all', lingerMs: 5 })
  const metas: RecordMetadata[] = new Array(TOTAL)
  const inFlight: Array<Promise<void>> = []
  let killed: Promise<void> | null = null
  let restarted: Promise<void> | null = null
  for (let start = 0; start < TOTAL; start += CHUNK) {
    const records = Array.from({ length: CHUNK }, (_, j) => ({ topic, key: `key-${(start + j) % 997}`, value: String(start + j) }))
    inFlight.push(producer.sendBatch(records).then((m) => {
      for (let j = 0; j < m.length; j++) metas[start + j] = m[j]
    }))
    // Bounded window: at most 4 chunks outstanding.
    if (inFlight.length >= 4) await inFlight.shift()
    if (start === TOTAL * 0.4) {
      t.comment(`killing node ${victim} after ${start} records`)
      killed = killNode(victim, 'SIGKILL', cluster)
      await killed
    }
    if (start === TOTAL * 0.7) {
      t.comment(`restarting node ${victim} after ${start} records`)
      restarted = startNode(victim, cluster)
    }
  }
  await Promise.all(inFlight)
  await producer.close()
  t.ok(killed !== null && restarted !== null)
  await restarted
  t.comment(`stats: ${JSON.stringify(producer.stats())}`)
  t.ok(metas.every((m) => m !== undefined), 'every send resolved')

  const expected: string[][] = Array.from({ length: PARTITIONS }, () => [])
  for (let i = 0; i < TOTAL; i++) expected[metas[i].partition].push(String(i))
  for (let p = 0; p < PARTITIONS; p++) {
    const fetched = await fetchPartition(kafka.cluster, topic, p)
    const values = fetched.map((r) => r.value!.toString())
    t.equal(values.length, expected[p].length, `partition ${p}: ${expected[p].length} records, no duplicates, none lost`)
    let firstDiff = -1
    for (let i = 0; i < Math.max(values.length, expected[p].length); i++) {
      if (values[i] !== expected[p][i]) {
        firstDiff = i
        break
      }
    }
    t.equal(firstDiff, -1, `partition ${p}: records in send order${firstDiff >= 0 ? ` (first difference at ${firstDiff}: ${values[firstDiff]} vs ${expected[p][firstDiff]})` : ''}`)
    const offsets = fetched.map((r) => r.offset)
    const byOffset = new Map(offsets.map((o, i) => [o, values[i]]))
    let metaMatches = true
    for (let i = 0; i < TOTAL; i++) if (metas[i].partition === p && byOffset.get(metas[i].offset) !== String(i)) metaMatches = false
    t.ok(metaMatches, `partition ${p}: the offset each send resolved with holds that record`)
  }
})
