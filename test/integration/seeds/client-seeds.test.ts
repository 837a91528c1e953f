// The seed systems' client-level capabilities (issue 21) against the real broker: KafkaTcl's
// error_callback (kafka.on('error')), meta refresh (refreshMetadata), add_brokers (addBrokers),
// config without arguments (config()), and the handle's name in logs and stats.
import net from 'node:net'
import t from 'tap'
import { ClientErrorCode } from '../../../src/client-error-codes.js'
import { AuthenticationError, ConfigError, type KafkaError } from '../../../src/errors.js'
import { ProducerFencedError } from '../../../src/producer/transaction-errors.js'
import type { Logger } from '../../../src/logger.js'
import { bootstrap, clusterFile, newKafka, newSaslKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'
import { createTopic } from '../../helpers/consumer-fixtures.js'
import { relay } from '../../helpers/relay.js'

/** A 127.0.0.1 port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

t.test("the error event fires when a broker goes away, once, and the client keeps going", async (t) => {
  const r = await relay(bootstrap().split(',')[0])
  let open = true
  t.teardown(() => (open ? r.close() : undefined))
  // Every connection goes through the relay, as through a tunnel that can go down.
  const kafka = newKafka({ socketFactory: () => net.connect(r.port, '127.0.0.1'), defaultApiTimeoutMs: 4000, retryBackoffMaxMs: 200 })
  t.teardown(() => kafka.disconnectAll())
  const errors: KafkaError[] = []
  kafka.on('error', (e) => errors.push(e))
  await kafka.refreshMetadata()
  t.same(errors, [], 'nothing while the broker is there')
  await r.close()
  open = false
  await t.rejects(kafka.refreshMetadata(), 'metadata cannot be had')
  t.ok(errors.length >= 1, 'the error event fired')
  t.equal(errors[0].code, ClientErrorCode.BROKER_UNREACHABLE)
  t.equal(errors[0].retriable, true)
  t.match(errors[0].message, /unreachable: \d+ connection attempts failed in a row/)
  const addresses = new Set(errors.map((e) => /broker (\S+) unreachable/.exec(e.message)?.[1]))
  t.equal(addresses.size, errors.length, 'once per address until it connects again')
})

t.test('the error event carries an authentication failure on a background connection', { skip: clusterFile().saslPlaintext === null ? 'no SASL_PLAINTEXT listener' : false }, async (t) => {
  const cf = clusterFile()
  const kafka = newSaslKafka({ mechanism: 'PLAIN', username: cf.users.alice.username, password: 'wrong' }, { defaultApiTimeoutMs: 2000 })
  t.teardown(() => kafka.disconnectAll())
  const errors: KafkaError[] = []
  kafka.on('error', (e) => errors.push(e))
  await t.rejects(kafka.refreshMetadata(), AuthenticationError)
  t.ok(errors.length >= 1)
  t.type(errors[0], AuthenticationError)
})

t.test('the error event carries a producer turned fatal (a transactional producer fenced by a newer one)', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('seed-fatal')
  await createTopic(kafka, topic, 1)
  const errors: KafkaError[] = []
  kafka.on('error', (e) => errors.push(e))
  const transactionalId = uniqueTopic('tx-fatal')
  const zombie = kafka.producer({ transactionalId })
  await zombie.initTransactions()
  zombie.beginTransaction()
  await zombie.send({ topic, value: 'before' })
  const successor = kafka.producer({ transactionalId })
  await successor.initTransactions()
  await t.rejects(zombie.commitTransaction(), ProducerFencedError, 'the zombie is fenced')
  await waitFor('the error event', async () => errors.length > 0)
  t.type(errors[0], ProducerFencedError, 'the error event carries the fatal error')
  t.match(errors[0].message, new RegExp(transactionalId))
  t.equal(errors.length, 1, 'once')
  await successor.close()
  await zombie.close().catch(() => undefined)
})

t.test('without a listener the errors go to the debug log only; a throwing listener is logged', async (t) => {
  const port = await deadPort()
  const logged: string[] = []
  const logger: Logger = { debug: (o, m) => void logged.push(`debug ${m} ${(o as { code?: string }).code ?? ''}`), info() {}, warn: (_o, m) => void logged.push(`warn ${m}`), error: (_o, m) => void logged.push(`error ${m}`) }
  const silent = newKafka({ bootstrapServers: `127.0.0.1:${port}`, logger, defaultApiTimeoutMs: 1500, retryBackoffMaxMs: 100 })
  t.teardown(() => silent.disconnectAll())
  await t.rejects(silent.refreshMetadata())
  t.same(logged, [], 'nothing logged without debug')
  const kafka = newKafka({ bootstrapServers: `127.0.0.1:${port}`, logger, debug: 'broker', defaultApiTimeoutMs: 1500, retryBackoffMaxMs: 100 })
  t.teardown(() => kafka.disconnectAll())
  await t.rejects(kafka.refreshMetadata())
  t.ok(logged.some((l) => l === 'debug client error BROKER_UNREACHABLE'), 'in the broker debug log')
  t.notOk(logged.some((l) => l.startsWith('error')), 'never at error level')
  const bad = (): void => {
    throw new Error('listener bug')
  }
  const k2 = newKafka({ bootstrapServers: `127.0.0.1:${port}`, logger, defaultApiTimeoutMs: 1500, retryBackoffMaxMs: 100 })
  t.teardown(() => k2.disconnectAll())
  k2.on('error', bad)
  await t.rejects(k2.refreshMetadata())
  t.ok(logged.some((l) => l.includes("a kafka.on('error') listener threw")))
  t.throws(() => k2.on('nope' as 'error', bad), ConfigError)
})

t.test('addBrokers at run time: a client bootstrapped on a dead address reaches the cluster', async (t) => {
  const port = await deadPort()
  const kafka = newKafka({ bootstrapServers: `127.0.0.1:${port}`, defaultApiTimeoutMs: 20_000, retryBackoffMaxMs: 200 })
  t.teardown(() => kafka.disconnectAll())
  t.throws(() => kafka.addBrokers(['nonsense']), ConfigError)
  t.throws(() => kafka.addBrokers([]), ConfigError)
  t.same(kafka.addBrokers(bootstrap()), bootstrap().split(','), 'the new addresses')
  t.same(kafka.addBrokers(bootstrap()), [], 'known ones are skipped')
  const topic = uniqueTopic('seed-add')
  await createTopic(kafka, topic, 2)
  t.equal(kafka.cluster.topic(topic)?.partitions.length, 2, 'metadata through the added broker')
  t.equal(kafka.config()['bootstrap.servers'], [`127.0.0.1:${port}`, ...bootstrap().split(',')].join(','))
})

t.test('refreshMetadata sees partitions added behind the client (meta refresh)', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('seed-refresh')
  await createTopic(kafka, topic, 1)
  const other = newKafka()
  t.teardown(() => other.disconnectAll())
  const admin = other.admin()
  t.teardown(() => admin.close())
  await admin.createPartitions([{ topic, count: 3 }])
  await waitFor('3 partitions', async () => {
    await kafka.refreshMetadata([topic])
    return kafka.cluster.topic(topic)?.partitions.length === 3
  })
  await kafka.refreshMetadata()
  t.ok(kafka.cluster.topicList().some((m) => m.name === topic), 'all topics')
  await t.rejects(kafka.refreshMetadata([''] as string[]), ConfigError)
})

t.test('config(): every effective option under its Java name, defaults included; names in logs and stats', async (t) => {
  const entries: object[] = []
  const logger: Logger = { debug: (o) => void entries.push(o), info() {}, warn: (o) => void entries.push(o), error() {} }
  const kafka = newKafka({ logger, debug: 'cgrp,topic', requestTimeoutMs: 12_345 })
  t.teardown(() => kafka.disconnectAll())
  const c = kafka.config()
  t.match(c, {
    'bootstrap.servers': bootstrap(),
    'client.id': 'kafkats-test',
    'request.timeout.ms': 12_345,
    'socket.connection.setup.timeout.ms': 10_000,
    'retry.backoff.ms': 100,
    'retry.backoff.max.ms': 1000,
    'default.api.timeout.ms': 60_000,
    'metadata.max.age.ms': 300_000,
    'max.in.flight.requests.per.connection': 5,
    'security.protocol': 'PLAINTEXT',
    'sasl.mechanism': null,
    debug: 'consumer,metadata',
  })
  const saslKafka = newKafka({ sasl: { mechanism: 'PLAIN', username: 'u', password: 'secret' } })
  t.teardown(() => saslKafka.disconnectAll())
  const sasl = saslKafka.config()
  t.equal(sasl['sasl.password'], '[hidden]')
  t.equal(sasl['security.protocol'], 'SASL_PLAINTEXT')
  t.notOk(JSON.stringify(sasl).includes('secret'), 'no password listed')

  // The consumer's debug log names the client.
  const topic = uniqueTopic('seed-names')
  await createTopic(kafka, topic, 1)
  const consumer = kafka.consumer({ groupId: uniqueTopic('seed-names-g'), topics: [topic] })
  t.teardown(() => consumer.stop())
  await consumer.poll(3000)
  const named = entries.filter((e) => (e as { client?: string }).client === consumer.stats().name)
  t.ok(named.length > 0, 'debug entries carry the consumer name')
  t.ok(named.every((e) => (e as { clientId?: string }).clientId === 'kafkats-test'), 'and the clientId')
  const p = kafka.producer()
  t.teardown(() => p.close())
  t.not(p.name, consumer.stats().name)
  t.match(p.name, /^kafkats-test#producer-\d+$/)
})
