// The harness's control API on a 3-node cluster of its own (free ports N·10000 + base, chosen at start):
// all nodes answer, a SIGKILLed node drops out of Metadata, and startNode brings it back
// with its data.
import t from 'tap'
import { clusterAnswers, killNode, startCluster, startNode, stopCluster } from '../../../scripts/kafka/control.js'
import { freeBasePort } from '../../../scripts/kafka/free-ports.js'
import { metadataBrokers } from '../../../scripts/kafka/probe.js'
import { isAlive } from '../../../scripts/kafka/processes.js'

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

async function brokerIdsSeenBy (address: string): Promise<number[]> {
  const [host, port] = address.split(':')
  return (await metadataBrokers(host, Number(port))).map(b => b.nodeId).sort()
}

t.test('3 nodes: start, SIGKILL one, restart it', async t => {
  const base = await freeBasePort(3)
  const cluster = await startCluster({ nodes: 3, basePort: base, log: () => {} })
  t.teardown(() => stopCluster(cluster, { clean: true, quiet: true, log: () => {} }))

  t.equal(cluster.nodes, 3)
  t.equal(cluster.plaintext, [1, 2, 3].map(n => `127.0.0.1:${n * 10000 + base}`).join(','))
  t.ok(await clusterAnswers(cluster), 'every node answers')
  t.same(await brokerIdsSeenBy(cluster.brokers[0].plaintext), [1, 2, 3])

  const victim = cluster.pids[1]!
  await killNode(2, 'SIGKILL', cluster)
  t.notOk(isAlive(victim), 'node 2 process is gone')
  t.notOk(await clusterAnswers(cluster), 'the cluster no longer counts as answering')

  // The controller fences node 2 once its broker session times out (9 s by default).
  let seen: number[] = []
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(500)) {
    seen = await brokerIdsSeenBy(cluster.brokers[0].plaintext)
    if (!seen.includes(2)) break
  }
  t.same(seen, [1, 3], 'Metadata of node 1 drops node 2')

  await startNode(2, cluster)
  t.same(await brokerIdsSeenBy(cluster.brokers[1].plaintext), [1, 2, 3], 'node 2 is back and sees all')
  t.same(await brokerIdsSeenBy(cluster.brokers[0].plaintext), [1, 2, 3], 'node 1 sees node 2 again')
})
