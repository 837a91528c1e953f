// KIP-1102 re-bootstrap against the real broker: once every broker the metadata names is
// unreachable (its connections cut, new ones refused by the socketFactory, as after a move),
// a metadata refresh still succeeds through the bootstrap address, here a relay to the broker.
import t from 'tap'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import { clusterFile, newKafka } from '../../helpers/cluster.js'

/** A TCP relay on 127.0.0.1 to `target`; counts the connections it carried. */
async function relay(target: string): Promise<{ port: number; connections: number; cut(): void; close(): Promise<void> }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))]
  const sockets = new Set<net.Socket>()
  const state = {
    port: 0,
    connections: 0,
    /** Cuts the connections open now (new ones are still relayed). */
    cut: () => {
      for (const s of sockets) s.destroy()
      sockets.clear()
    },
    close: async () => {},
  }
  const server = net.createServer((client) => {
    state.connections++
    const upstream = net.connect(port, host)
    sockets.add(client).add(upstream)
    client.pipe(upstream).pipe(client)
    const end = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.port = (server.address() as net.AddressInfo).port
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return state
}

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
