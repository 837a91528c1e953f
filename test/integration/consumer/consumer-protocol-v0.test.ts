// groupProtocol 'consumer' on Apache Kafka 3.9.2, where KIP-848 was early access and
// ConsumerGroupHeartbeat has only version 0 (the coordinator, not the client, names a joining
// member). Two 1-node KRaft clusters this test starts and stops itself (free ports chosen at
// start):
//  - with the protocol enabled (group.coordinator.rebalance.protocols=classic,consumer, Kafka
//    3.9's switch for the new group coordinator; the EA notes of 3.7 also turned off
//    transaction.partition.verification, not needed here): two members share a group on v0,
//    every record once, and the member id is the one the broker gave;
//  - without it (3.9's default, classic only): poll() throws UnsupportedVersionError naming
//    groupProtocol, instead of hanging.
import { rm } from 'node:fs/promises'
import t from 'tap'
import { startCluster, stopCluster } from '../../../scripts/kafka/control.js'
import { freeBasePort } from '../../../scripts/kafka/free-ports.js'
import { Kafka } from '../../../src/client.js'
import { UnsupportedVersionError } from '../../../src/errors.js'
import { ConsumerGroupHeartbeat } from '../../../src/protocol/messages/consumer-group-heartbeat.js'
import { uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { type Member, startMember, until } from '../../helpers/group-members.js'

t.setTimeout(400_000)
const quiet = { debug() {}, info() {}, warn() {}, error() {} }

t.test('Kafka 3.9.2 with the consumer protocol enabled: ConsumerGroupHeartbeat v0', async (t) => {
  const log = (line: string): void => t.comment(line)
  const cluster = await startCluster({
    version: '3.9.2',
    basePort: await freeBasePort(1),
    dir: `.kafka/kip848-v0-${process.pid}`,
    reuse: false,
    log,
    brokerProperties: () => ({ 'group.coordinator.rebalance.protocols': 'classic,consumer' }),
  })
  t.teardown(async () => {
    await stopCluster(cluster, { graceMs: 5_000, quiet: true, log })
    await rm(cluster.dir, { recursive: true, force: true })
  })
  const kafka = new Kafka({ clientId: 'kafkats-v0-test', bootstrapServers: cluster.plaintext, logger: quiet })
  t.teardown(() => kafka.disconnectAll())
  const admin = kafka.admin()
  t.teardown(() => admin.close())

  const topic = uniqueTopic('v0')
  const groupId = uniqueTopic('g-v0')
  await createTopic(kafka, topic, 4)
  const versions = await kafka.cluster.send('any', ConsumerGroupHeartbeat, (v) => {
    t.equal(v, 0, 'the broker speaks ConsumerGroupHeartbeat v0 only')
    return { groupId: uniqueTopic('g-probe'), memberId: '', memberEpoch: -1, instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, serverAssignor: null, topicPartitions: null }
  }).then(() => 'answered', (e: unknown) => String(e))
  t.comment(`probe: ${versions}`)
  for (let p = 0; p < 4; p++) await produce(kafka, topic, p, Array.from({ length: 25 }, (_, i) => ({ key: null, value: Buffer.from(`${p}-${i}`) })))

  const opts = { groupId, topics: [topic], groupProtocol: 'consumer' as const, resetStrategy: 'earliest' as const }
  const members: Member[] = []
  t.teardown(() => Promise.all(members.map((m) => m.stop())))
  const a = startMember(kafka, 'a', opts, { commit: true })
  members.push(a)
  const generated = a.consumer.groupMember()?.memberId
  await until('a owns the 4 partitions', () => (a.partitions().get(topic) ?? []).length === 4, 60_000)
  const b = startMember(kafka, 'b', opts, { commit: true })
  members.push(b)
  await until('a and b own 2 partitions each', () => (a.partitions().get(topic) ?? []).length === 2 && (b.partitions().get(topic) ?? []).length === 2, 90_000)
  await until('every record consumed', () => a.records.length + b.records.length >= 100, 60_000)
  const keys = [...a.records, ...b.records].map((r) => `${r.partition}:${r.offset}`)
  t.equal(new Set(keys).size, 100, 'the 100 records')
  t.equal(keys.length, 100, 'each once')
  const [group] = await admin.describeGroups([groupId])
  t.equal(group.type, 'consumer', 'a consumer protocol group (ConsumerGroupDescribe)')
  const ids = group.members.map((m) => m.memberId).sort()
  t.same(ids, [a.consumer.groupMember()?.memberId, b.consumer.groupMember()?.memberId].sort(), 'the members are a and b under the ids they use')
  t.not(a.consumer.groupMember()?.memberId, generated, 'the member id is the broker’s (v0), not the one the client made')
  t.same([...a.errors, ...b.errors], [], 'no errors')

  await t.test('a RegExp subscription needs v1: typed error', async (t) => {
    const c = kafka.consumer({ groupId: uniqueTopic('g-v0-re'), topics: [/v0-.*/], groupProtocol: 'consumer' })
    t.teardown(() => c.stop())
    await t.rejects(c.poll(30_000), { code: 'UNSUPPORTED_VERSION', message: /RegExp subscription needs ConsumerGroupHeartbeat version 1/ }, 'UnsupportedVersionError')
  })
})

t.test('Kafka 3.9.2 without the consumer protocol: a typed error naming groupProtocol', async (t) => {
  const log = (line: string): void => t.comment(line)
  const cluster = await startCluster({ version: '3.9.2', basePort: await freeBasePort(1), dir: `.kafka/kip848-v0-off-${process.pid}`, reuse: false, log })
  t.teardown(async () => {
    await stopCluster(cluster, { graceMs: 5_000, quiet: true, log })
    await rm(cluster.dir, { recursive: true, force: true })
  })
  const kafka = new Kafka({ clientId: 'kafkats-v0-off-test', bootstrapServers: cluster.plaintext, logger: quiet })
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('v0-off')
  await createTopic(kafka, topic, 1)
  const c = kafka.consumer({ groupId: uniqueTopic('g-v0-off'), topics: [topic], groupProtocol: 'consumer' })
  t.teardown(() => c.stop())
  let err: unknown
  for (let i = 0; i < 60 && err === undefined; i++) {
    try {
      await c.poll(500)
    } catch (e) {
      err = e
    }
  }
  t.ok(err instanceof UnsupportedVersionError, `UnsupportedVersionError (${String(err)})`)
  t.match((err as Error).message, /groupProtocol 'consumer'.*group\.coordinator\.rebalance\.protocols.*groupProtocol 'classic'/, 'the message names the option and the way out')
  await t.rejects(c.poll(100), { code: 'UNSUPPORTED_VERSION' }, 'and keeps throwing it')
})
