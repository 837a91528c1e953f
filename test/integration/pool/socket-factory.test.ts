// socketFactory: the user makes every connection to the brokers. Each test routes every
// connection through a relay of its own on a free loopback port (as an SSH tunnel or a
// port-forward would), so the advertised addresses from Metadata are never dialled directly.
import t from 'tap'
import net from 'node:net'
import type { SocketFactoryArgs } from '../../../src/pool/socket.js'
import { ConfigError, ConnectionError } from '../../../src/errors.js'
import { caPem, clusterFile, newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { relay } from '../../helpers/relay.js'

const cf = clusterFile()

t.test('every connection (bootstrap and advertised brokers) goes through the factory', async (t) => {
  const r = await relay(cf.plaintext.split(',')[0])
  const asked: SocketFactoryArgs[] = []
  const kafka = newKafka({
    bootstrapServers: 'bootstrap.invalid:9092',
    socketFactory: (args) => {
      asked.push(args)
      return net.connect(r.port, '127.0.0.1')
    },
  })
  try {
    const topic = uniqueTopic('sf')
    const admin = kafka.admin()
    const [created] = await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }])
    t.equal(created.errorCode, 0, 'topic created through the relay')
    const producer = kafka.producer()
    const sent = await producer.send({ topic, value: 'through the factory' })
    t.equal(sent.offset, 0n, 'produced')
    const reader = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], exitAtEnd: true })
    const values: string[] = []
    for await (const batch of reader) for (const rec of batch.records) values.push(rec.value?.toString() ?? '')
    t.same(values, ['through the factory'], 'consumed')
    t.ok(asked.some((a) => a.host === 'bootstrap.invalid' && a.nodeId < 0), 'asked for the bootstrap address')
    t.ok(asked.some((a) => a.nodeId >= 0), 'asked for an advertised broker by node id')
    t.equal(r.connections, asked.length, 'the relay carried every connection')
  } finally {
    await kafka.disconnectAll()
    await r.close()
  }
})

t.test('TLS runs over the stream the factory makes', { skip: cf.ssl === null ? 'no SSL listener' : false }, async (t) => {
  const r = await relay((cf.ssl as string).split(',')[0])
  const kafka = newKafka({
    bootstrapServers: cf.ssl as string,
    ssl: { ca: caPem() },
    socketFactory: () => net.connect(r.port, '127.0.0.1'),
  })
  try {
    await kafka.cluster.refreshAllTopics()
    t.ok(kafka.cluster.brokerList().length >= 1, 'metadata over TLS through the relay')
    t.ok(r.connections >= 1, 'the relay carried it')
  } finally {
    await kafka.disconnectAll()
    await r.close()
  }
})

t.test('a factory that throws or returns no stream gives a ConnectionError, not a crash', async (t) => {
  for (const socketFactory of [
    () => {
      throw new Error('no tunnel')
    },
    async () => Promise.reject(new Error('tunnel refused')),
    () => 42 as unknown as net.Socket,
  ]) {
    const kafka = newKafka({ socketFactory, defaultApiTimeoutMs: 300 })
    try {
      await t.rejects(kafka.cluster.refreshAllTopics(), ConnectionError)
    } finally {
      await kafka.disconnectAll()
    }
  }
})

t.test('socketFactory and proxy together are a ConfigError', async (t) => {
  t.throws(() => newKafka({ socketFactory: () => new net.Socket(), proxy: { host: '127.0.0.1', port: 1 } }), ConfigError)
  t.throws(() => newKafka({ socketFactory: 'nope' as never }), ConfigError)
})
