// `kafka:start --toxiproxy`: a cluster of its own (free ports) whose brokers advertise the
// Toxiproxy proxy in front of them, so a client that knows only the bootstrap list still goes
// through the proxies after Metadata; a toxic there reaches the client's requests.
import t from 'tap'
import { startCluster, stopCluster } from '../../../scripts/kafka/control.js'
import { freeBasePort } from '../../../scripts/kafka/free-ports.js'
import { isAlive } from '../../../scripts/kafka/processes.js'
import { Toxiproxy } from '../../../scripts/kafka/toxiproxy.js'
import { RequestTimeoutError } from '../../../src/errors.js'
import { newKafka } from '../../helpers/cluster.js'

t.setTimeout(600_000)

t.test('clients reach the brokers only through the proxies, and toxics apply', async (t) => {
  const cluster = await startCluster({ nodes: 1, basePort: await freeBasePort(1), toxiproxy: true, reuse: false, log: (line) => t.comment(line) })
  const tp = cluster.toxiproxy
  t.teardown(() => stopCluster(cluster, { clean: true, quiet: true, log: () => {} }))
  if (tp === null || tp === undefined) throw new Error('no toxiproxy in the cluster file')
  t.not(cluster.plaintext, cluster.brokers[0].plaintext, 'the bootstrap list is the proxy, not the listener')

  const kafka = newKafka({ bootstrapServers: cluster.plaintext, requestTimeoutMs: 2_000, defaultApiTimeoutMs: 2_000 })
  t.teardown(() => kafka.disconnectAll())
  await kafka.cluster.refreshAllTopics()
  const advertised = kafka.cluster.brokerList().map((b) => `${b.host}:${b.port}`)
  t.same(advertised, [tp.proxies[0].listen], 'Metadata advertises the proxy')

  const server = Toxiproxy.attach(tp.apiPort, tp.pid)
  await server.addToxic(tp.proxies[0].name, { name: 'blackhole', type: 'timeout', attributes: { timeout: 0 } })
  await t.rejects(kafka.cluster.metadata(['x'], { force: true }), RequestTimeoutError, 'a blackholed proxy times the request out')
  await server.removeToxic(tp.proxies[0].name, 'blackhole')
  await kafka.cluster.refreshAllTopics()
  t.pass('requests go through again once the toxic is gone')

  await stopCluster(cluster, { quiet: true, log: () => {} })
  t.notOk(isAlive(tp.pid), 'stopping the cluster stops its toxiproxy')
})
