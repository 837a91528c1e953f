// Requests that may go to any broker (InitProducerId of an idempotent producer, Metadata
// refreshes, FindCoordinator) avoid a broker whose last connection attempt failed. "Least
// loaded" alone picks it every time: a broker that is down has nothing in flight. This is what
// held the leader-kill failover test's producer (1 run in 5, issue 13): after the SIGKILL its
// InitProducerId retries all went to the killed node until the records expired.
// Scripted peers, because the cluster view must name a broker that is down: node 1 answers,
// node 2 is a closed port (test/integration/producer/failover.test.ts kills a real one).
import net from 'node:net'
import t from 'tap'
import { Cluster } from '../../../src/pool/cluster.js'
import { ApiVersions } from '../../../src/protocol/messages/api-versions.js'
import type { MetadataResponse } from '../../../src/protocol/messages/metadata.js'
import { scriptedPeer } from '../../helpers/scripted-peer.js'

async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function twoBrokers(upPort: number, downPort: number): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [
      { nodeId: 1, host: '127.0.0.1', port: upPort, rack: null },
      { nodeId: 2, host: '127.0.0.1', port: downPort, rack: null },
    ],
    clusterId: 'scripted',
    controllerId: 1,
    topics: [],
    errorCode: 0,
  }
}

t.test('a broker whose connect failed is not "any broker" while another is known', async (t) => {
  const down = await closedPort()
  const up = await scriptedPeer((port) => twoBrokers(port, down))
  t.teardown(() => up.close())
  const cluster = new Cluster({
    bootstrapServers: [`127.0.0.1:${up.port}`],
    connection: { requestTimeoutMs: 2000, connectTimeoutMs: 1000 },
    retry: { retryBackoffMs: 10_000, retryBackoffMaxMs: 10_000 },
    defaultApiTimeoutMs: 10_000,
  })
  t.teardown(() => cluster.close())
  await cluster.metadata(['t'])
  t.same(cluster.brokerList().map((b) => b.nodeId).sort(), [1, 2], 'both brokers known')

  await t.rejects(cluster.send(2, ApiVersions, () => ({ clientSoftwareName: 'kafkats', clientSoftwareVersion: '0' })), 'node 2 refuses connections')
  t.ok(cluster.broker(2).unreachable, 'node 2 looks down')
  // Node 1 carries a request (connected, idle now): node 2 has fewer in flight, yet is never chosen.
  await cluster.send(1, ApiVersions, () => ({ clientSoftwareName: 'kafkats', clientSoftwareVersion: '0' }))
  t.notOk(cluster.broker(1).unreachable, 'node 1 is up')
  const chosen = new Set<number>()
  for (let i = 0; i < 200; i++) chosen.add(cluster.anyBroker().address.nodeId)
  t.same([...chosen], [1], 'every choice is node 1')
})

t.test('when every known broker looks down, any of them is still tried', async (t) => {
  const downA = await closedPort()
  const downB = await closedPort()
  const boot = await scriptedPeer(() => twoBrokers(downA, downB))
  t.teardown(() => boot.close())
  const cluster = new Cluster({
    bootstrapServers: [`127.0.0.1:${boot.port}`],
    connection: { requestTimeoutMs: 2000, connectTimeoutMs: 1000 },
    retry: { retryBackoffMs: 10_000, retryBackoffMaxMs: 10_000 },
    defaultApiTimeoutMs: 10_000,
  })
  t.teardown(() => cluster.close())
  await cluster.metadata(['t'])
  for (const id of [1, 2]) await t.rejects(cluster.send(id, ApiVersions, () => ({ clientSoftwareName: 'kafkats', clientSoftwareVersion: '0' })))
  const chosen = new Set<number>()
  for (let i = 0; i < 200; i++) chosen.add(cluster.anyBroker().address.nodeId)
  t.same([...chosen].sort(), [1, 2], 'both are still candidates')
})
