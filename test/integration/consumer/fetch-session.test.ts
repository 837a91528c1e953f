// Fetch sessions (KIP-227) against the real broker: the first Fetch is a full one that opens a
// session, later ones are incremental (only partitions with a new fetch offset are sent: an idle
// one carries none), every
// record is delivered, and after the session is gone (FETCH_SESSION_ID_NOT_FOUND) the consumer
// falls back to a full fetch and goes on. The session is closed by a second client sending a
// real Fetch with the session's id and the final epoch (-1), which the broker honours for any
// connection: the broker itself then answers the consumer's next incremental Fetch with
// FETCH_SESSION_ID_NOT_FOUND (no fake peer). stop() closes the consumer's session.
import diagnostics from 'node:diagnostics_channel'
import t from 'tap'
import { Fetch, type FetchRequest, type FetchResponse } from '../../../src/protocol/messages/fetch.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { createTopic, numbered, produce } from '../../helpers/consumer-fixtures.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import type { ConsumerRecord } from '../../../src/index.js'

const PARTITIONS = 30

interface Seen {
  request: FetchRequest
  partitions: number
}

t.test('incremental fetches after a full one; a lost session falls back to a full fetch', async (t) => {
  const kafka = newKafka()
  const other = newKafka()
  t.teardown(async () => {
    await kafka.disconnectAll()
    await other.disconnectAll()
  })
  const topic = uniqueTopic('fetch-session')
  await createTopic(kafka, topic, PARTITIONS)
  for (let p = 0; p < PARTITIONS; p++) await produce(kafka, topic, p, numbered(`p${p}`, 0, 4))

  const fetches: Seen[] = []
  const sessionErrors: number[] = []
  const onRequest = (m: unknown): void => {
    const e = m as { apiKey: number; request: FetchRequest }
    // The closing Fetch below is the only one with the final epoch.
    if (e.apiKey !== 1 || e.request.sessionEpoch === -1) return
    fetches.push({ request: e.request, partitions: e.request.topics.reduce((n, x) => n + x.partitions.length, 0) })
  }
  const onResponse = (m: unknown): void => {
    const e = m as { apiKey: number; response?: FetchResponse }
    if (e.apiKey === 1 && e.response !== undefined && (e.response.errorCode ?? 0) !== 0) sessionErrors.push(e.response.errorCode ?? 0)
  }
  diagnostics.subscribe('kafkats:request', onRequest)
  diagnostics.subscribe('kafkats:response', onResponse)
  t.teardown(() => {
    diagnostics.unsubscribe('kafkats:request', onRequest)
    diagnostics.unsubscribe('kafkats:response', onResponse)
  })

  const consumer = kafka.consumer({
    assignments: Array.from({ length: PARTITIONS }, (_, p) => ({ topic, partition: p, offset: 'earliest' as const })),
    maxWaitMs: 100,
  })
  t.teardown(() => consumer.stop())
  const got = new Map<string, ConsumerRecord>()
  const pollUntil = async (n: number): Promise<void> => {
    for (const deadline = Date.now() + 60_000; got.size < n && Date.now() < deadline;) {
      const e = await consumer.poll(1000)
      if (e.type === 'records') for (const r of e.records) got.set(`${r.partition}:${r.offset}`, r)
    }
  }
  await pollUntil(PARTITIONS * 4)
  t.equal(got.size, PARTITIONS * 4, 'every record delivered')
  // Some idle incremental fetches after the last records.
  for (const deadline = Date.now() + 30_000; fetches.filter((f) => f.partitions === 0).length < 2 && Date.now() < deadline;) await consumer.poll(200)

  const first = fetches[0]
  t.equal(first.request.sessionId, 0, 'first Fetch: no session yet')
  t.equal(first.request.sessionEpoch, 0, 'first Fetch asks for a session (epoch 0)')
  t.equal(first.partitions, PARTITIONS, 'first Fetch is full')
  const incremental = fetches.slice(1).filter((f) => (f.request.sessionId ?? 0) !== 0)
  t.ok(incremental.length >= 2, `incremental fetches follow (${incremental.length})`)
  t.ok(incremental.every((f) => (f.request.sessionEpoch ?? 0) >= 1), 'incremental fetches carry epochs from 1')
  const epochs = incremental.map((f) => f.request.sessionEpoch ?? 0)
  t.same(epochs, epochs.map((_, i) => epochs[0] + i), 'epochs count up by one')
  t.ok(incremental.some((f) => f.partitions === 0), 'an idle incremental Fetch carries no partitions at all')

  // Close the session from another client (Fetch with its id and the final epoch).
  const sessionId = incremental[incremental.length - 1].request.sessionId ?? 0
  const leader = (await other.cluster.metadata([topic])).get(topic)?.partitions[0]?.leader ?? -1
  const closed = await other.cluster.send(leader, Fetch, (v) => ({
    ...(v <= 14 ? { replicaId: -1 } : {}),
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1024,
    isolationLevel: 0,
    sessionId,
    sessionEpoch: -1,
    topics: [],
    forgottenTopicsData: [],
  }))
  t.equal(closed.errorCode ?? 0, 0, 'the broker closed the session')

  const before = fetches.length
  for (let p = 0; p < PARTITIONS; p++) await produce(kafka, topic, p, numbered(`p${p}`, 4, 5))
  await pollUntil(PARTITIONS * 5)
  t.equal(got.size, PARTITIONS * 5, 'every record after the session loss delivered')
  t.ok(sessionErrors.includes(ErrorCode.FETCH_SESSION_ID_NOT_FOUND), 'the broker answered FETCH_SESSION_ID_NOT_FOUND')
  const after = fetches.slice(before)
  const fullAgain = after.findIndex((f) => f.request.sessionId === 0 && f.request.sessionEpoch === 0)
  t.ok(fullAgain >= 0, 'a full fetch asking for a new session followed')
  t.equal(after[fullAgain]?.partitions, PARTITIONS, 'it carries every partition')
  t.ok(after.slice(fullAgain + 1).some((f) => (f.request.sessionId ?? 0) !== 0 && f.request.sessionId !== sessionId), 'a new session was made')
  for (let p = 0; p < PARTITIONS; p++) {
    for (let i = 0; i < 5; i++) t.equal(got.get(`${p}:${i}`)?.value?.toString(), `p${p}-${i}`, `p${p}-${i}`)
  }

  // stop() closes the session: an incremental Fetch naming it is refused.
  const last = fetches[fetches.length - 1].request
  await consumer.stop()
  const probe = await other.cluster.send(leader, Fetch, (v) => ({
    ...(v <= 14 ? { replicaId: -1 } : {}),
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1024,
    isolationLevel: 0,
    sessionId: last.sessionId,
    sessionEpoch: (last.sessionEpoch ?? 0) + 1,
    topics: [],
    forgottenTopicsData: [],
  }))
  t.equal(probe.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 'the session was closed by stop()')
})

t.test('fetchSessions: false sends every Fetch full and sessionless', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('fetch-nosession')
  await createTopic(kafka, topic, 6)
  for (let p = 0; p < 6; p++) await produce(kafka, topic, p, numbered(`p${p}`, 0, 3))
  const fetches: Seen[] = []
  const onRequest = (m: unknown): void => {
    const e = m as { apiKey: number; request: FetchRequest }
    if (e.apiKey !== 1 || !e.request.topics.some((x) => x.topic === topic || x.partitions.length > 0)) return
    fetches.push({ request: e.request, partitions: e.request.topics.reduce((n, x) => n + x.partitions.length, 0) })
  }
  diagnostics.subscribe('kafkats:request', onRequest)
  t.teardown(() => diagnostics.unsubscribe('kafkats:request', onRequest))
  const consumer = kafka.consumer({
    assignments: Array.from({ length: 6 }, (_, p) => ({ topic, partition: p, offset: 'earliest' as const })),
    maxWaitMs: 100,
    fetchSessions: false,
  })
  t.teardown(() => consumer.stop())
  let got = 0
  for (const deadline = Date.now() + 60_000; (got < 18 || fetches.length < 4) && Date.now() < deadline;) {
    const e = await consumer.poll(500)
    if (e.type === 'records') got += e.records.length
  }
  t.equal(got, 18, 'every record delivered')
  t.ok(fetches.length >= 4, `several fetches (${fetches.length})`)
  t.ok(fetches.every((f) => f.request.sessionId === 0 && f.request.sessionEpoch === -1), 'every Fetch is sessionless (id 0, epoch -1)')
  t.ok(fetches.every((f) => f.partitions === 6), 'every Fetch carries every partition')
})
