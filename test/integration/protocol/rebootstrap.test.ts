// KIP-1102 re-bootstrap against the real broker: once every broker the metadata names is
// unreachable (its connections cut, new ones refused by the socketFactory, as after a move),
// a metadata refresh still succeeds through the bootstrap address, here a relay to the broker.
import t from 'tap'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import { clusterFile, newKafka } from '../../helpers/cluster.js'
import { relay } from '../../helpers/relay.js'

t.test('every known broker unreachable: the metadata refresh goes back to the bootstrap address', async (t) => {
  const r = await relay(clusterFile().plaintext.split(',')[0])
  t.teardown(() => r.close())
  let brokersUnreachable = false
  const direct = new Set<Duplex>()
  const kafka = newKafka({
    bootstrapServers: 'bootstrap.invalid:9092',
    retryBackoffMs: 20,
    retryBackoffMaxMs: 100,
    socketFactory: ({ host, port }) => {
      if (host === 'bootstrap.invalid') return net.connect(r.port, '127.0.0.1')
      if (brokersUnreachable) throw new Error(`${host}:${port} is unreachable (moved)`)
      const s = net.connect(port, host)
      direct.add(s)
      return s
    },
  })
  t.teardown(() => kafka.disconnectAll())

  await kafka.cluster.refreshAllTopics()
  const known = kafka.cluster.brokerList()
  t.ok(known.length >= 1 && known.every((b) => b.host !== 'bootstrap.invalid'), 'the metadata names the advertised brokers')
  await kafka.cluster.refreshAllTopics()
  t.ok(direct.size >= 1, 'a refresh asked an advertised broker directly')

  brokersUnreachable = true
  for (const s of direct) s.destroy()
  // The bootstrap connection of the first refresh is idle: cut it too, so a new one shows use.
  r.cut()
  const before = r.connections
  await kafka.cluster.refreshAllTopics()
  t.ok(r.connections > before, 'the refresh went through the bootstrap address')
  t.same(kafka.cluster.brokerList().map((b) => b.nodeId).sort(), known.map((b) => b.nodeId).sort(), 'the cluster is known again')
})
