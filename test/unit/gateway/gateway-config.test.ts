// Rafka-style configuration (src/gateway/gateway-config.ts): the JSON file's sections, BLPOP's
// JSON consumer overrides, BLPOP's topics argument and --listen, without a broker.
import t from 'tap'
import { ConfigError } from '../../../src/errors.js'
import { applyRafkaConfig, consumerOverrides } from '../../../src/gateway/gateway-config.js'
import { parseTopicsAndConfig } from '../../../src/gateway/gateway-connection.js'
import { parseListen } from '../../../src/gateway/gateway-options.js'

t.test("Rafka's sample config maps; librdkafka-only settings are reported as ignored", async (t) => {
  const sample = {
    general: { 'api.version.request': true, 'bootstrap.servers': 'kafka-1:9092,kafka-2:9092', 'session.timeout.ms': 6000, 'log.connection.close': false },
    consumer: { 'go.events.channel.enable': false, 'enable.auto.commit': true, 'auto.commit.interval.ms': 10000, 'enable.auto.offset.store': false, 'auto.offset.reset': 'latest', 'enable.partition.eof': false },
    producer: { 'go.delivery.reports': true, 'linger.ms': 5, acks: 'all' },
  }
  const { config, ignored } = applyRafkaConfig(sample)
  t.equal(config.client.bootstrapServers, 'kafka-1:9092,kafka-2:9092')
  t.equal(config.consumer.sessionTimeoutMs, 6000, 'a consumer setting in general lands on the consumer')
  t.equal(config.consumer.resetStrategy, 'latest')
  t.equal(config.consumer.autoCommit, undefined, 'commits come from acks only')
  t.equal(config.producer.lingerMs, 5)
  t.equal(config.producer.acks, 'all')
  t.same(ignored.sort(), ['consumer.auto.commit.interval.ms', 'consumer.enable.auto.commit', 'consumer.enable.auto.offset.store', 'consumer.enable.partition.eof', 'consumer.go.events.channel.enable', 'general.api.version.request', 'general.log.connection.close', 'producer.go.delivery.reports'])
})

t.test('bad config files are ConfigErrors naming the setting', async (t) => {
  t.throws(() => applyRafkaConfig([]), ConfigError)
  t.throws(() => applyRafkaConfig({ brokers: {} }), /unknown section 'brokers'/)
  t.throws(() => applyRafkaConfig({ consumer: { 'fetch.wait.msec': 5 } }), /consumer: unknown property 'fetch\.wait\.msec'/)
  t.throws(() => applyRafkaConfig({ producer: { 'linger.ms': 'soon' } }), /linger\.ms: expected a whole number/)
  t.throws(() => applyRafkaConfig({ producer: { 'linger.ms': [1] } }), /expected a string, number or boolean/)
})

t.test("BLPOP's JSON overrides the consumer defaults; only consumer settings", async (t) => {
  t.same(consumerOverrides({ 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 100 }, { sessionTimeoutMs: 10_000 }), { sessionTimeoutMs: 10_000, resetStrategy: 'earliest', maxWaitMs: 100 })
  t.same(consumerOverrides({ 'enable.auto.commit': true, 'group.id': 'other' }, {}), {}, 'commit and group settings are the gateway’s')
  t.throws(() => consumerOverrides({ 'linger.ms': 5 }, {}), /linger\.ms is not a consumer property/)
  t.throws(() => consumerOverrides({ 'auto.offset.reset': 'oldest' }, {}), /auto\.offset\.reset: expected one of/)
})

t.test("BLPOP's topics argument", async (t) => {
  t.same(parseTopicsAndConfig('topics:a'), { topics: ['a'], config: null })
  t.same(parseTopicsAndConfig('topics:a,b:{"auto.offset.reset":"earliest"}'), { topics: ['a', 'b'], config: { 'auto.offset.reset': 'earliest' } })
  t.same(parseTopicsAndConfig('topics:a:'), { topics: ['a'], config: null })
  t.equal(parseTopicsAndConfig('queue:a'), 'Cannot parse topics from `queue:a`')
  t.equal(parseTopicsAndConfig('topics:'), 'Not enough topics in `topics:`')
  t.match(parseTopicsAndConfig('topics:a b'), /illegal topic name 'a b'/)
  t.match(parseTopicsAndConfig('topics:a:{x'), /^Error parsing configuration from '\{x'; /)
  t.match(parseTopicsAndConfig('topics:a:[1]'), /expected a JSON object/)
})

t.test('--listen', async (t) => {
  t.same(parseListen('127.0.0.1:6380'), { host: '127.0.0.1', port: 6380 })
  t.same(parseListen('[::1]:6380'), { host: '::1', port: 6380 })
  t.same(parseListen(':6380'), { host: '0.0.0.0', port: 6380 })
  t.equal(parseListen('6380'), null)
  t.equal(parseListen('host:70000'), null)
})
