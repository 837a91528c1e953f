// SIGKILL of the broker process mid-traffic, on a cluster of its own (free ports) so the
// shared broker of the other tests is untouched.
import t from 'tap'
import { killNode, startCluster, startNode, stopCluster } from '../../../scripts/kafka/control.js'
import { freeBasePort } from '../../../scripts/kafka/free-ports.js'
import { KafkaError } from '../../../src/errors.js'
import { Kafka } from '../../../src/client.js'
import { Metadata } from '../../../src/protocol/messages/metadata.js'

t.test('in-flight requests reject with a retriable error; the pool reconnects after a restart', async (t) => {
  const cluster = await startCluster({ nodes: 1, basePort: await freeBasePort(1), log: () => {} })
  t.teardown(() => stopCluster(cluster, { clean: true, quiet: true, log: () => {} }))
  const requestTimeoutMs = 5000
  const kafka = new Kafka({
    bootstrapServers: cluster.plaintext,
    requestTimeoutMs,
    defaultApiTimeoutMs: 1000,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  })
  t.teardown(() => kafka.disconnectAll())
  await kafka.cluster.refreshAllTopics()
  const broker = kafka.cluster.anyBroker()

  // Keep a stream of requests in flight, then kill the broker under them.
  const inFlight: Array<Promise<unknown>> = []
  for (let i = 0; i < 50; i++) inFlight.push(broker.send(Metadata, () => ({ topics: null, allowAutoTopicCreation: false })))
  // Handlers attached before the kill: the rejections come while killNode is awaited.
  const allSettled = Promise.allSettled(inFlight)
  const killedAt = Date.now()
  await killNode(1, 'SIGKILL', cluster)
  const settled = await allSettled
  t.ok(Date.now() - killedAt < requestTimeoutMs + 2000, 'every request settled within the request timeout')
  for (const s of settled) {
    if (s.status === 'rejected') {
      t.type(s.reason, KafkaError)
      t.equal((s.reason as KafkaError).retriable, true, `retriable: ${(s.reason as Error).message}`)
    }
  }
  const rejected = settled.filter((s) => s.status === 'rejected').length
  t.pass(`${settled.length - rejected} answered before the kill, ${rejected} rejected`)

  // While it is down: requests fail with a retriable error, fast.
  const down = await broker.send(Metadata, () => ({ topics: null, allowAutoTopicCreation: false })).then(() => null, (e: unknown) => e)
  t.type(down, KafkaError)
  t.equal((down as KafkaError).retriable, true)

  await startNode(1, cluster)
  // The same Broker object reconnects by itself (after its backoff).
  let ok = false
  for (let i = 0; i < 20 && !ok; i++) {
    try {
      const res = await broker.send(Metadata, () => ({ topics: null, allowAutoTopicCreation: false }))
      ok = res.brokers.length === 1
    } catch {
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  t.ok(ok, 'new requests succeed after the restart')
})
