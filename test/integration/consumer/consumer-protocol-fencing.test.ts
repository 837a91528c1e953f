// The consumer group protocol (KIP-848): a member the broker removed rejoins. On a 1-node Kafka
// cluster this test starts and stops itself (free ports chosen at start) with a short session
// timeout (group.consumer.session.timeout.ms 4 s; its floor group.consumer.min.session.timeout.ms
// lowered to 2 s, the 45 s default floor would make the test slow) and a 1 s heartbeat interval.
//
// What the real broker does: a member that sends no heartbeat for the session timeout is
// removed from the group (its partitions go to the others at once, or wait unassigned); its
// next heartbeat, with the old member id and epoch, is answered UNKNOWN_MEMBER_ID. (The broker
// answers FENCED_MEMBER_EPOCH only to an epoch older than the member's current one, which a
// client sending every heartbeat in order does not produce.) The stall here is the whole process
// blocked for 8 s (a synchronous loop, as a long GC pause or a stuck handler would): no timer
// fires, so no heartbeat goes out. kafkats must then drop the partitions (lost), rejoin with
// epoch 0 under the same member id (KIP-1082), get partitions back and consume on, with no error
// surfaced to the application.
import { rm } from 'node:fs/promises'
import t from 'tap'
import { startCluster, stopCluster } from '../../../scripts/kafka/control.js'
import { freeBasePort } from '../../../scripts/kafka/free-ports.js'
import { Kafka } from '../../../src/client.js'
import type { Logger } from '../../../src/logger.js'
import { uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { startMember, until } from '../../helpers/group-members.js'

t.setTimeout(300_000)

t.test('a member removed after its session timeout rejoins (UNKNOWN_MEMBER_ID)', async (t) => {
  const log = (line: string): void => t.comment(line)
  const cluster = await startCluster({
    basePort: await freeBasePort(1),
    dir: `.kafka/kip848-fencing-${process.pid}`,
    reuse: false,
    log,
    brokerProperties: () => ({
      'group.consumer.min.session.timeout.ms': 2000,
      'group.consumer.session.timeout.ms': 4000,
      'group.consumer.min.heartbeat.interval.ms': 500,
      'group.consumer.heartbeat.interval.ms': 1000,
    }),
  })
  t.teardown(async () => {
    await stopCluster(cluster, { graceMs: 5_000, quiet: true, log })
    await rm(cluster.dir, { recursive: true, force: true })
  })
  const warnings: string[] = []
  const logger: Logger = { debug() {}, info() {}, warn: (o, msg) => warnings.push(`${msg} ${JSON.stringify(o)}`), error() {} }
  const kafka = new Kafka({ clientId: 'kafkats-fencing-test', bootstrapServers: cluster.plaintext, logger })
  t.teardown(() => kafka.disconnectAll())
  const admin = kafka.admin()
  t.teardown(() => admin.close())

  const topic = uniqueTopic('fenced')
  const groupId = uniqueTopic('g-fenced')
  await createTopic(kafka, topic, 2)
  for (const p of [0, 1]) await produce(kafka, topic, p, Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(`before-${i}`) })))
  const m = startMember(kafka, 'm', { groupId, topics: [topic], groupProtocol: 'consumer', resetStrategy: 'earliest' }, { commit: true })
  t.teardown(() => m.stop())
  await until('the records before consumed', () => m.records.length === 20, 60_000)
  // Their commit done too: else the stall would lose handed-out, uncommitted records, which
  // the next commit() rightly reports (StaleCommitError).
  for (let i = 0; i < 100; i++) {
    const committed = await admin.fetchCommittedOffsets(groupId, [topic])
    if (committed.length === 2 && committed.every((c) => c.offset === 10n)) break
    await new Promise((r) => setTimeout(r, 100))
  }
  await new Promise((r) => setTimeout(r, 500))
  const before = m.consumer.groupMember()
  const rebalancesBefore = m.rebalances.length

  // Stall: no heartbeat for twice the session timeout.
  const end = Date.now() + 8_000
  while (Date.now() < end) {
    /* the process is stuck */
  }
  await until('the member is fenced and rejoins', () => warnings.some((w) => w.includes('member fenced')), 30_000)
  t.match(warnings.find((w) => w.includes('member fenced')), /UNKNOWN_MEMBER_ID|not a member|unknown member/i, 'the broker answered UNKNOWN_MEMBER_ID')
  await until('partitions assigned again', () => m.rebalances.length > rebalancesBefore && (m.partitions().get(topic) ?? []).length === 2, 30_000)
  const after = m.consumer.groupMember()
  t.equal(after?.memberId, before?.memberId, 'rejoined under the same member id (KIP-1082)')
  t.ok((after?.generationId ?? 0) > (before?.generationId ?? 0), `a new member epoch (${before?.generationId} → ${after?.generationId})`)

  for (const p of [0, 1]) await produce(kafka, topic, p, Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(`after-${i}`) })))
  await until('the records after consumed', () => m.records.filter((r) => r.value?.toString().startsWith('after-')).length === 20, 60_000)
  t.equal(m.records.filter((r) => r.value?.toString().startsWith('after-')).length, 20, 'consuming goes on after the rejoin')
  t.same(m.errors, [], 'no error reached the application')
  const [group] = await admin.describeGroups([groupId])
  t.equal(group.members.length, 1, 'one member in the group')
  t.equal(group.members[0].consumerProtocol?.memberEpoch, after?.generationId, 'the broker knows the member at its new epoch')
})
