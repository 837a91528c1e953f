import t from 'tap'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'

const kafka = newKafka()
const admin = kafka.admin()
t.teardown(() => kafka.disconnectAll())

t.test('topic configs: set, append, delete, read back', async (t) => {
  const name = uniqueTopic('admin-configs')
  await admin.createTopics([{ name, partitions: 1, configs: { 'cleanup.policy': 'delete' } }])
  t.teardown(() => admin.deleteTopics([name]))

  const [before] = await admin.describeConfigs([{ type: 'topic', name }])
  t.equal(before.errorCode, 0)
  t.equal(before.type, 'topic')
  t.equal(before.name, name)
  const retention = before.configs.find((c) => c.name === 'retention.ms')
  t.ok(retention)
  t.equal(retention?.isDefault, true)
  t.equal(before.configs.find((c) => c.name === 'cleanup.policy')?.source, 'topicConfig')

  const [altered, missing] = await admin.incrementalAlterConfigs([
    {
      type: 'topic',
      name,
      configs: [
        { name: 'retention.ms', value: '123456', op: 'set' },
        { name: 'cleanup.policy', value: 'compact', op: 'append' },
      ],
    },
    { type: 'topic', name: 'missing-' + name, configs: [{ name: 'retention.ms', value: '1' }] },
  ])
  t.equal(altered.errorCode, 0, altered.errorMessage ?? '')
  t.equal(missing.errorName, 'UNKNOWN_TOPIC_OR_PARTITION')

  // A describe may reach the broker's metadata before the change does (KRaft): wait for it, as a
  // user would have to (docs/admin.md, incrementalAlterConfigs).
  const describeAltered = async () => (await admin.describeConfigs([{ type: 'topic', name, keys: ['retention.ms', 'cleanup.policy'] }], { includeSynonyms: true }))[0]
  let after = await describeAltered()
  await waitFor('the altered topic configs', async () => {
    after = await describeAltered()
    return after.configs.find((c) => c.name === 'retention.ms')?.value === '123456' && after.configs.find((c) => c.name === 'cleanup.policy')?.value?.includes('compact') === true
  })
  t.same(after.configs.map((c) => c.name).sort(), ['cleanup.policy', 'retention.ms'], 'only the asked keys')
  const r = after.configs.find((c) => c.name === 'retention.ms')
  t.equal(r?.value, '123456')
  t.equal(r?.isDefault, false)
  t.equal(r?.source, 'topicConfig')
  t.ok((r?.synonyms.length ?? 0) >= 1, 'synonyms listed')
  t.equal(r?.synonyms[0].source, 'topicConfig')
  t.same(after.configs.find((c) => c.name === 'cleanup.policy')?.value?.split(',').sort(), ['compact', 'delete'])

  await admin.incrementalAlterConfigs([{ type: 'topic', name, configs: [{ name: 'retention.ms', op: 'delete' }, { name: 'cleanup.policy', value: 'delete', op: 'subtract' }] }])
  await waitFor('the deleted and subtracted topic configs', async () => {
    after = (await admin.describeConfigs([{ type: 'topic', name }]))[0]
    return after.configs.find((c) => c.name === 'retention.ms')?.isDefault === true && after.configs.find((c) => c.name === 'cleanup.policy')?.value === 'compact'
  })
  t.equal(after.configs.find((c) => c.name === 'retention.ms')?.isDefault, true)
  t.equal(after.configs.find((c) => c.name === 'cleanup.policy')?.value, 'compact')
})

t.test('broker configs go to the named broker; dynamic broker config round trip', async (t) => {
  const { brokers } = await admin.describeCluster()
  const id = String(brokers[0].nodeId)
  const [b] = await admin.describeConfigs([{ type: 'broker', name: id, keys: ['log.cleaner.threads', 'num.io.threads'] }], { includeDocumentation: true })
  t.equal(b.errorCode, 0, b.errorMessage ?? '')
  t.equal(b.type, 'broker')
  const io = b.configs.find((c) => c.name === 'num.io.threads')
  t.ok(io)
  t.equal(io?.type, 'int')
  t.ok(io?.documentation)

  // A per-broker dynamic config, then removed again.
  const [set] = await admin.incrementalAlterConfigs([{ type: 'broker', name: id, configs: [{ name: 'log.cleaner.backoff.ms', value: '16000' }] }])
  t.equal(set.errorCode, 0, set.errorMessage ?? '')
  t.teardown(() => admin.incrementalAlterConfigs([{ type: 'broker', name: id, configs: [{ name: 'log.cleaner.backoff.ms', op: 'delete' }] }]))
  await waitFor('dynamic broker config', async () => {
    const [r] = await admin.describeConfigs([{ type: 'broker', name: id, keys: ['log.cleaner.backoff.ms'] }])
    const c = r.configs[0]
    return c?.value === '16000' && c.source === 'dynamicBrokerConfig'
  })

  const [logger] = await admin.describeConfigs([{ type: 'brokerLogger', name: id }])
  t.equal(logger.errorCode, 0, logger.errorMessage ?? '')
  t.ok(logger.configs.length > 0, 'broker loggers listed')

  const [unknownBroker] = await admin.describeConfigs([{ type: 'topic', name: 'missing-' + uniqueTopic() }])
  t.equal(unknownBroker.errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
})
