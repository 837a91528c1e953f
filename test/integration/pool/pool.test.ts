// The per-broker pool against the real broker: least-in-flight leasing and pipelining.
import t from 'tap'
import { ApiVersions } from '../../../src/protocol/messages/api-versions.js'
import { Metadata } from '../../../src/protocol/messages/metadata.js'
import { newKafka } from '../../helpers/cluster.js'

t.test('1,000 concurrent requests over a pool of 3 connections spread by in-flight count', async (t) => {
  const kafka = newKafka({ connectionsPerBroker: 3 })
  try {
    await kafka.cluster.refreshAllTopics()
    const [address] = kafka.cluster.brokerList()
    const broker = kafka.cluster.broker(address.nodeId)
    const requests: Array<Promise<unknown>> = []
    for (let i = 0; i < 1000; i++) {
      requests.push(
        i % 2 === 0
          ? broker.send(ApiVersions, () => ({ clientSoftwareName: 'kafkats-test', clientSoftwareVersion: '0' }))
          : broker.send(Metadata, () => ({ topics: [], allowAutoTopicCreation: false })),
      )
    }
    const results = await Promise.all(requests)
    t.equal(results.length, 1000, 'all complete')
    t.ok(results.every((r) => (r as { errorCode?: number }).errorCode === undefined || (r as { errorCode: number }).errorCode === 0), 'no errors')
    const sent = broker.pool('default').list().map((c) => c.requestsSent)
    t.equal(sent.length, 3, 'the pool opened 3 connections')
    const total = sent.reduce((a, b) => a + b, 0)
    t.ok(total >= 1000, `every request was written (${total} including negotiation)`)
    for (const n of sent) t.ok(n >= 200 && n <= 450, `a connection carried ${n} of ~333 requests`)
  } finally {
    await kafka.disconnectAll()
  }
})

t.test('responses are matched to requests when many are pipelined on one connection', async (t) => {
  const kafka = newKafka({ maxInFlightRequestsPerConnection: 50 })
  try {
    await kafka.cluster.refreshAllTopics()
    const broker = kafka.cluster.anyBroker()
    const names = Array.from({ length: 200 }, (_, i) => `no-such-topic-${i}-${Date.now()}`)
    const results = await Promise.all(names.map((name) => broker.send(Metadata, () => ({ topics: [{ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false }))))
    for (let i = 0; i < names.length; i++) t.equal(results[i].topics[0].name, names[i])
  } finally {
    await kafka.disconnectAll()
  }
})
