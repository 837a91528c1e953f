// The consumer's fetch path across replicas, on a 3-node cluster this test starts and stops itself
// (free ports chosen at start; node N has broker.rack=rack-N and Kafka's RackAwareReplicaSelector):
//  - rack-aware fetching (KIP-392): a consumer with clientRack 'rack-2' is told by the leader
//    (node 1) to read from node 2, and the kafkats:request/response channels show its records
//    fetched from node 2; when node 2 dies it falls back to the leader (node 2 stays down for
//    the next subtest, which needs a follower that missed records);
//  - truncation detection (KIP-320): an unclean leader election (ElectLeaders UNCLEAN) makes a
//    replica that missed records the leader; consumers that had read them detect the truncation:
//    resetStrategy 'none' raises LogTruncationError, 'earliest' reads on from the first diverging
//    offset.
import diagnostics from 'node:diagnostics_channel'
import t from 'tap'
import { killNode, startCluster, startNode, stopCluster } from '../../../scripts/kafka/control.js'
import { freeBasePort } from '../../../scripts/kafka/free-ports.js'
import { isAlive } from '../../../scripts/kafka/processes.js'
import { Kafka } from '../../../src/client.js'
import { LogTruncationError, type ConsumerRecord } from '../../../src/index.js'
import { CreateTopics } from '../../../src/protocol/messages/create-topics.js'
import { ElectLeaders } from '../../../src/protocol/messages/elect-leaders.js'
import type { FetchRequest, FetchResponse } from '../../../src/protocol/messages/fetch.js'
import { numbered, produce } from '../../helpers/consumer-fixtures.js'
import { uniqueTopic } from '../../helpers/cluster.js'
import type { Consumer } from '../../../src/consumer/consumer.js'

t.setTimeout(900_000)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function createTopic(kafka: Kafka, name: string, replicas: number[], configs: Record<string, string> = {}): Promise<void> {
  const res = await kafka.cluster.send('any', CreateTopics, () => ({
    topics: [{ name, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: replicas }], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    validateOnly: false,
    timeoutMs: 30_000,
  }))
  const r = res.topics[0]
  if (r.errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${r.errorCode} ${r.errorMessage ?? ''}`)
  await waitFor(kafka, name, (p) => p.leader === replicas[0] && p.isr.length === replicas.length, 60_000)
}

async function waitFor(kafka: Kafka, topic: string, ok: (p: { leader: number; leaderEpoch: number; isr: number[] }) => boolean, ms: number): Promise<{ leader: number; leaderEpoch: number; isr: number[] }> {
  let last: { leader: number; leaderEpoch: number; isr: number[] } | undefined
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(300)) {
    try {
      last = (await kafka.cluster.metadata([topic], { force: true })).get(topic)?.partitions[0]
      if (last !== undefined && ok(last)) return last
    } catch {
      // a node is down: ask again
    }
  }
  throw new Error(`${topic}-0 never reached the wanted state; last seen ${JSON.stringify(last)}`)
}

async function readUntil(consumer: Consumer, got: Map<bigint, ConsumerRecord>, n: number, ms = 60_000): Promise<void> {
  for (const deadline = Date.now() + ms; got.size < n && Date.now() < deadline;) {
    const e = await consumer.poll(500)
    if (e.type === 'records') for (const r of e.records) got.set(r.offset, r)
  }
}

t.test('3 nodes with racks', async (t) => {
  const log = (line: string): void => t.comment(line)
  const cluster = await startCluster({
    nodes: 3,
    basePort: await freeBasePort(3),
    reuse: false,
    log,
    brokerProperties: (nodeId) => ({
      'broker.rack': `rack-${nodeId}`,
      'replica.selector.class': 'org.apache.kafka.common.replica.RackAwareReplicaSelector',
    }),
  })
  t.teardown(() => stopCluster(cluster, { graceMs: 5_000, quiet: true, log }))
  const kafka = new Kafka({
    clientId: 'kafkats-fetch-replicas-test',
    bootstrapServers: cluster.plaintext,
    requestTimeoutMs: 15_000,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  })
  t.teardown(() => kafka.disconnectAll())

  await t.test('rack-aware fetching: records come from the same-rack follower', async (t) => {
    const topic = uniqueTopic('rack')
    await createTopic(kafka, topic, [1, 2, 3])
    const fetchedFrom = new Map<number, number>() // node → records bytes of this topic answered
    const preferred: number[] = []
    const onResponse = (m: unknown): void => {
      const e = m as { apiKey: number; nodeId: number; response?: FetchResponse }
      if (e.apiKey !== 1 || e.response === undefined) return
      for (const tp of e.response.responses) {
        if (tp.topicId !== kafka.cluster.topicId(topic) && tp.topic !== topic) continue
        for (const p of tp.partitions) {
          if ((p.preferredReadReplica ?? -1) >= 0) preferred.push(p.preferredReadReplica ?? -1)
          fetchedFrom.set(e.nodeId, (fetchedFrom.get(e.nodeId) ?? 0) + (p.records?.length ?? 0))
        }
      }
    }
    const racks: string[] = []
    const onRequest = (m: unknown): void => {
      const e = m as { apiKey: number; request: FetchRequest }
      if (e.apiKey === 1) racks.push(e.request.rackId ?? '')
    }
    diagnostics.subscribe('kafkats:response', onResponse)
    diagnostics.subscribe('kafkats:request', onRequest)
    t.teardown(() => {
      diagnostics.unsubscribe('kafkats:response', onResponse)
      diagnostics.unsubscribe('kafkats:request', onRequest)
    })
    const consumer = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], clientRack: 'rack-2', maxWaitMs: 200 })
    t.teardown(() => consumer.stop())
    const got = new Map<bigint, ConsumerRecord>()
    await produce(kafka, topic, 0, numbered('a', 0, 20))
    await readUntil(consumer, got, 20)
    await produce(kafka, topic, 0, numbered('a', 20, 40))
    await readUntil(consumer, got, 40)
    t.equal(got.size, 40, 'every record delivered')
    t.same([...got.values()].map((r) => r.value?.toString()), numbered('a', 0, 40).map((r) => r.value?.toString()), 'in order')
    t.ok(racks.length > 0 && racks.every((r) => r === 'rack-2'), 'every Fetch names the consumer rack')
    t.ok(preferred.includes(2), 'the leader named node 2 (rack-2) the preferred read replica')
    t.ok((fetchedFrom.get(2) ?? 0) > 0, `records fetched from node 2 (bytes by node: ${JSON.stringify([...fetchedFrom])})`)

    t.comment('killing node 2: the consumer falls back to the leader')
    fetchedFrom.clear()
    await killNode(2, 'SIGKILL', cluster)
    await produce(kafka, topic, 0, numbered('a', 40, 50))
    await readUntil(consumer, got, 50, 90_000)
    t.equal(got.size, 50, 'records written after node 2 died delivered')
    t.ok((fetchedFrom.get(1) ?? 0) > 0, `records fetched from the leader, node 1 (bytes by node: ${JSON.stringify([...fetchedFrom])})`)
  })

  await t.test('unclean leader election: truncation detected (KIP-320)', async (t) => {
    // Node 2 is down since the previous subtest: start it to replicate the common records.
    if (!isAlive(cluster.pids[1] ?? -1)) await startNode(2, cluster)
    const topic = uniqueTopic('truncation')
    await createTopic(kafka, topic, [1, 2], { 'unclean.leader.election.enable': 'true', 'min.insync.replicas': '1' })
    const lastFetchedEpochs: number[] = []
    let validations = 0
    const onRequest = (m: unknown): void => {
      const e = m as { apiKey: number; request: FetchRequest }
      if (e.apiKey === 23) validations++
      if (e.apiKey !== 1) return
      for (const tp of e.request.topics) for (const p of tp.partitions) lastFetchedEpochs.push(p.lastFetchedEpoch ?? -1)
    }
    diagnostics.subscribe('kafkats:request', onRequest)
    t.teardown(() => diagnostics.unsubscribe('kafkats:request', onRequest))

    await produce(kafka, topic, 0, numbered('common', 0, 10))
    t.comment('killing node 2 (a follower): it misses what comes next')
    await killNode(2, 'SIGKILL', cluster)
    await waitFor(kafka, topic, (p) => p.leader === 1 && !p.isr.includes(2), 90_000)
    await produce(kafka, topic, 0, numbered('lost', 10, 20))

    const strict = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], resetStrategy: 'none', maxWaitMs: 200 })
    const lenient = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], resetStrategy: 'earliest', maxWaitMs: 200 })
    t.teardown(() => strict.stop())
    t.teardown(() => lenient.stop())
    const strictGot = new Map<bigint, ConsumerRecord>()
    const lenientGot = new Map<bigint, ConsumerRecord>()
    await readUntil(strict, strictGot, 20)
    await readUntil(lenient, lenientGot, 20)
    t.equal(strictGot.size, 20, "'none' consumer read all 20")
    t.equal(lenientGot.size, 20, "'earliest' consumer read all 20")
    t.ok(lastFetchedEpochs.some((e) => e >= 0), 'Fetch carries lastFetchedEpoch once records were fetched')

    t.comment('killing node 1 (the leader), starting node 2, electing it uncleanly')
    await killNode(1, 'SIGKILL', cluster)
    await startNode(2, cluster)
    let elected = false
    for (const deadline = Date.now() + 90_000; !elected && Date.now() < deadline; await sleep(1000)) {
      try {
        const res = await kafka.cluster.send('any', ElectLeaders, () => ({ electionType: 1, topicPartitions: [{ topic, partitions: [0] }], timeoutMs: 15_000 }))
        const code = res.replicaElectionResults[0]?.partitionResult[0]?.errorCode ?? -1
        // 0: elected; 84 ELECTION_NOT_NEEDED: a leader already there
        elected = code === 0 || code === 84
        if (!elected) t.comment(`ElectLeaders: error ${code} ${res.replicaElectionResults[0]?.partitionResult[0]?.errorMessage ?? ''}`)
      } catch (err) {
        t.comment(`ElectLeaders failed: ${String(err)}`)
      }
    }
    const now = await waitFor(kafka, topic, (p) => p.leader === 2, 60_000)
    t.comment(`node 2 leads with epoch ${now.leaderEpoch}`)
    await produce(kafka, topic, 0, numbered('new', 10, 13))

    // 'none': LogTruncationError, naming the first diverging offset (10).
    let thrown: unknown = null
    for (const deadline = Date.now() + 90_000; thrown === null && Date.now() < deadline;) {
      try {
        await strict.poll(500)
      } catch (err) {
        thrown = err
      }
    }
    t.ok(thrown instanceof LogTruncationError, `'none' raises LogTruncationError (${String(thrown)})`)
    if (thrown instanceof LogTruncationError) {
      t.equal(thrown.code, 'LOG_TRUNCATION')
      t.equal(thrown.retriable, false)
      t.equal(thrown.topic, topic)
      t.equal(thrown.partition, 0)
      t.equal(thrown.position, 20n, 'the position it had reached')
      t.equal(thrown.divergentOffset, 10n, 'the first offset the new leader does not share')
    }

    // 'earliest': goes on from offset 10 and reads the new leader's records there.
    const after = new Map<bigint, ConsumerRecord>()
    for (const deadline = Date.now() + 90_000; after.size < 3 && Date.now() < deadline;) {
      const e = await lenient.poll(500)
      if (e.type === 'records') for (const r of e.records) after.set(r.offset, r)
    }
    t.ok(validations >= 2, `positions validated with OffsetForLeaderEpoch after the leader change (${validations} requests)`)
    t.same([...after.keys()], [10n, 11n, 12n], "'earliest' reads on from the divergence")
    t.same([...after.values()].map((r) => r.value?.toString()), ['new-10', 'new-11', 'new-12'], 'the new leader records')
    t.equal(lenient.position(topic, 0), 13n)
  })
})
