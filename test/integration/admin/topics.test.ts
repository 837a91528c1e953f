import t from 'tap'
import { ZERO_UUID } from '../../../src/protocol/api.js'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'

const kafka = newKafka()
const admin = kafka.admin()
t.teardown(() => kafka.disconnectAll())

t.test('createTopics: per-topic results, an existing topic beside new ones', async (t) => {
  const a = uniqueTopic('admin-a')
  const b = uniqueTopic('admin-b')
  const first = await admin.createTopics([{ name: a, partitions: 3, replicationFactor: 1 }])
  t.equal(first.length, 1)
  t.equal(first[0].name, a)
  t.equal(first[0].errorCode, 0, first[0].errorMessage ?? '')
  t.equal(first[0].errorName, 'NONE')
  t.not(first[0].topicId, ZERO_UUID)
  t.equal(first[0].numPartitions, 3)
  t.equal(first[0].replicationFactor, 1)

  const second = await admin.createTopics([
    { name: b, configs: { 'retention.ms': '3600000' } },
    { name: a, partitions: 3 },
  ])
  t.equal(second[0].name, b)
  t.equal(second[0].errorCode, 0)
  t.ok(second[0].numPartitions >= 1, 'broker default partitions')
  t.equal(second[0].configs.find((c) => c.name === 'retention.ms')?.value, '3600000')
  t.equal(second[1].name, a)
  t.equal(second[1].errorCode, 36)
  t.equal(second[1].errorName, 'TOPIC_ALREADY_EXISTS')
  t.match(second[1].errorMessage, /exists/)

  const m = await admin.metadata([a, b, 'no-such-topic-' + a])
  const ta = m.topics.find((x) => x.name === a)
  t.ok(ta)
  t.equal(ta?.topicId, first[0].topicId)
  t.equal(ta?.isInternal, false)
  t.same(ta?.partitions.map((p) => p.partition), [0, 1, 2])
  for (const p of ta?.partitions ?? []) {
    t.ok(p.leader >= 0)
    t.same(p.isr, p.replicas)
    t.ok(p.leaderEpoch >= 0)
  }
  t.equal(m.topics.find((x) => x.name === 'no-such-topic-' + a)?.errorCode, 3, 'unknown topic is reported, not created')
  t.ok(m.brokers.length >= 1)
  t.ok(m.clusterId)

  const names = await admin.listTopics()
  t.ok(names.includes(a) && names.includes(b))
  t.notOk(names.includes('__consumer_offsets'))

  await admin.deleteTopics([a, b])
})

t.test('validateOnly creates nothing', async (t) => {
  const name = uniqueTopic('admin-validate')
  const [r] = await admin.createTopics([{ name, partitions: 2 }], { validateOnly: true })
  t.equal(r.errorCode, 0)
  t.notOk((await admin.listTopics()).includes(name))
  const [bad] = await admin.createTopics([{ name, partitions: 2, replicationFactor: 99 }], { validateOnly: true })
  t.equal(bad.errorName, 'INVALID_REPLICATION_FACTOR')
})

t.test('createPartitions grows a topic; shrinking fails per topic', async (t) => {
  const name = uniqueTopic('admin-grow')
  await admin.createTopics([{ name, partitions: 1 }])
  const [grown, missing] = await admin.createPartitions([
    { topic: name, count: 4 },
    { topic: 'missing-' + name, count: 2 },
  ])
  t.equal(grown.topic, name)
  t.equal(grown.errorCode, 0, grown.errorMessage ?? '')
  t.equal(missing.errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
  await waitFor('4 partitions', async () => (await admin.metadata([name])).topics[0].partitions.length === 4)
  const [shrink] = await admin.createPartitions([{ topic: name, count: 2 }])
  t.equal(shrink.errorName, 'INVALID_PARTITIONS')
  await admin.deleteTopics([name])
})

t.test('deleteTopics, then re-create the same name once deletion completed', async (t) => {
  const name = uniqueTopic('admin-recreate')
  const [created] = await admin.createTopics([{ name, partitions: 2 }])
  t.equal(created.errorCode, 0)
  const [deleted, unknown] = await admin.deleteTopics([name, 'missing-' + name])
  t.equal(deleted.name, name)
  t.equal(deleted.errorCode, 0)
  t.equal(unknown.errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
  // Deletion is asynchronous: the name is free once metadata no longer lists it.
  await waitFor('topic deletion', async () => (await admin.metadata([name])).topics[0].errorCode === 3)
  let again = await admin.createTopics([{ name, partitions: 1 }])
  for (let i = 0; i < 50 && again[0].errorName === 'TOPIC_ALREADY_EXISTS'; i++) {
    await new Promise((r) => setTimeout(r, 200))
    again = await admin.createTopics([{ name, partitions: 1 }])
  }
  t.equal(again[0].errorCode, 0, again[0].errorMessage ?? '')
  t.not(again[0].topicId, created.topicId, 'a new topic id')
  await admin.deleteTopics([name])
})

t.test('describeCluster names the brokers', async (t) => {
  const c = await admin.describeCluster()
  const m = await admin.metadata([])
  t.equal(c.clusterId, m.clusterId)
  t.same(c.brokers.map((b) => b.nodeId), m.brokers.map((b) => b.nodeId))
  t.ok(c.controllerId >= 0)
  t.ok(c.brokers.every((b) => typeof b.host === 'string' && b.port > 0))
})

t.test('a closed admin rejects', async (t) => {
  const other = kafka.admin()
  await other.close()
  await t.rejects(other.listTopics(), { code: 'CLIENT_CLOSED' })
})
