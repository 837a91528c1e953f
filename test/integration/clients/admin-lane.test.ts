// Usage suite (issue 11): a producer's send() is not queued behind an admin's CreateTopics on the
// same Kafka instance. A broker answers one connection's requests strictly in order, so the two
// must go over different connections (the `produce` and `admin-slow` lanes).
//
// A 1-node KRaft broker cannot be made to hold a CreateTopics for its broker-side timeout: the
// controller answers once the topic records are committed (tried: a replication factor above the
// broker count fails at once with INVALID_REPLICATION_FACTOR; 50 topics × 40 partitions answer
// within about 300 ms). So the test shows the separation with the `kafkats:request` and
// `kafkats:response` diagnostics channels: the CreateTopics and the Produce use different
// connections, and the Produce sent while a large CreateTopics is in flight is answered on its own.
import diagnostics from 'node:diagnostics_channel'
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'

interface Traced {
  connectionId: number
  apiName: string
  correlationId: number
}

t.test("a producer's send() does not wait for an admin's CreateTopics", async (t) => {
  const kafka = newKafka({ clientId: 'usage-admin-lane' })
  t.teardown(() => kafka.disconnectAll())
  const admin = kafka.admin()
  const producer = kafka.producer({ lingerMs: 0 })
  const topic = uniqueTopic('usage-admin-lane')
  const [created] = await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }])
  t.equal(created.errorCode, 0, 'topic created')
  await producer.send({ topic, value: 'warm-up' })

  const events: Array<Traced & { kind: 'request' | 'response' }> = []
  const onRequest = (m: unknown): void => {
    const r = m as Traced
    if (r.apiName === 'CreateTopics' || r.apiName === 'Produce') events.push({ kind: 'request', connectionId: r.connectionId, apiName: r.apiName, correlationId: r.correlationId })
  }
  const onResponse = (m: unknown): void => {
    const r = m as Traced
    if (r.apiName === 'CreateTopics' || r.apiName === 'Produce') events.push({ kind: 'response', connectionId: r.connectionId, apiName: r.apiName, correlationId: r.correlationId })
  }
  diagnostics.subscribe('kafkats:request', onRequest)
  diagnostics.subscribe('kafkats:response', onResponse)
  const scratch = Array.from({ length: 30 }, () => uniqueTopic('usage-admin-lane-scratch'))
  try {
    let createDone = false
    const creating = admin.createTopics(scratch.map((name) => ({ name, partitions: 20, replicationFactor: 1 })), { timeoutMs: 60_000 }).then((r) => {
      createDone = true
      return r
    })
    // The Produce goes out once the CreateTopics is on the wire.
    while (!events.some((e) => e.kind === 'request' && e.apiName === 'CreateTopics')) await new Promise((r) => setImmediate(r))
    await producer.send({ topic, value: 'during CreateTopics' })
    const sentWhileCreating = !createDone
    const results = await creating
    t.same(results.filter((r) => r.errorCode !== 0), [], 'the scratch topics were created')

    const createReq = events.find((e) => e.kind === 'request' && e.apiName === 'CreateTopics')
    const produceReq = events.find((e) => e.kind === 'request' && e.apiName === 'Produce')
    t.ok(createReq && produceReq, 'both requests were traced')
    t.not(produceReq?.connectionId, createReq?.connectionId, 'the Produce went over a different connection than the CreateTopics')
    const produceRes = events.findIndex((e) => e.kind === 'response' && e.apiName === 'Produce')
    const createRes = events.findIndex((e) => e.kind === 'response' && e.apiName === 'CreateTopics')
    t.comment(`send() resolved ${sentWhileCreating ? 'while the CreateTopics was still in flight' : 'after the CreateTopics (the broker answered it first)'}; trace: ${events.map((e) => `${e.kind}:${e.apiName}@conn${e.connectionId}`).join(' ')}`)
    if (sentWhileCreating) t.ok(produceRes < createRes, 'the Produce response came before the CreateTopics response')
  } finally {
    diagnostics.unsubscribe('kafkats:request', onRequest)
    diagnostics.unsubscribe('kafkats:response', onResponse)
    await admin.deleteTopics(scratch)
    await producer.close()
  }
})
