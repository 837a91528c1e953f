// sendBatch (issue 17): one promise per call, per-run bookkeeping in the batches. Every record
// of a call is settled exactly once, on success and on every error path (a topic that does not
// exist, a record too large, a malformed record), and what the broker stores is what was sent.
// Against the real broker; waits are bounded by a hang guard only.
import t from 'tap'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'
import { ConfigError } from '../../../src/errors.js'
import { DeliveryTimeoutError, type DeliveryReport, type ProducerRecord, RecordTooLargeError } from '../../../src/producer/producer.js'
import { fetchPartition } from './fetch-partition.js'
import { createTopic } from './topics.js'
import { settle } from '../../helpers/settle.js'

const HANG_GUARD_MS = 90_000


t.test('sendBatch to a topic that does not exist (auto-creation off): every record fails once, the call rejects', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('sendbatch-missing')
  const failed = new Map<string, number>()
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    deliveryTimeoutMs: 4000,
    requestTimeoutMs: 2000,
    lingerMs: 0,
    onDeliveryError: (record) => {
      const v = String(record.value)
      failed.set(v, (failed.get(v) ?? 0) + 1)
    },
  })
  const reports: DeliveryReport[] = []
  producer.on('delivery', (r) => reports.push(r))
  const n = 300
  const records: ProducerRecord[] = Array.from({ length: n }, (_, i) => ({ topic, key: i % 3 === 0 ? null : `k${i % 7}`, value: `v${i}` }))
  const r = await settle(producer.sendBatch(records), HANG_GUARD_MS)
  t.equal(r.state, 'rejected', 'the call rejects')
  if (r.state === 'rejected') t.type(r.error, DeliveryTimeoutError)
  // The call rejects with the first failure; the other records settle on their own.
  await waitFor('every record settled', async () => producer.stats().queueLength === 0, 30_000, 50)
  t.equal(failed.size, n, 'onDeliveryError saw every record')
  t.ok([...failed.values()].every((c) => c === 1), 'each exactly once')
  t.equal(reports.length, n, 'one delivery report per record')
  t.ok(reports.every((x) => x.error !== undefined && x.offset === -1n), 'all failures')
  t.equal(producer.stats().queueLength, 0, 'nothing left pending')
  await producer.close()
})

t.test('sendBatch with a record too large and a malformed one: those two fail, the others are written, each settled once', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('sendbatch-mixed')
  await createTopic(kafka, topic, 3)
  const producer = kafka.producer({ maxRequestSize: 64 * 1024, lingerMs: 2 })
  const reports: DeliveryReport[] = []
  producer.on('delivery', (r) => reports.push(r))
  const n = 1000
  const records: ProducerRecord[] = Array.from({ length: n }, (_, i) => ({ topic, key: `k${i % 11}`, value: `v${i}` }))
  records[400] = { topic, key: 'big', value: Buffer.alloc(100 * 1024, 1) }
  records[700] = { topic, key: 'bad' } as unknown as ProducerRecord
  const r = await settle(producer.sendBatch(records), HANG_GUARD_MS)
  t.equal(r.state, 'rejected', 'the call rejects')
  if (r.state === 'rejected') t.type(r.error, RecordTooLargeError, 'with the first failure in input order')
  await producer.flush()
  const byValue = new Map<string, DeliveryReport[]>()
  for (const x of reports) {
    const v = x.record === null ? '' : x.record.value === null || x.record.value === undefined ? 'missing' : Buffer.isBuffer(x.record.value) ? 'big' : String(x.record.value)
    byValue.set(v, [...(byValue.get(v) ?? []), x])
  }
  t.equal(reports.length, n, 'one report per record')
  t.type(byValue.get('big')?.[0]?.error, RecordTooLargeError)
  t.type(byValue.get('missing')?.[0]?.error, ConfigError)
  let ok = 0
  for (let i = 0; i < n; i++) {
    if (i === 400 || i === 700) continue
    const got = byValue.get(`v${i}`)
    if (got?.length === 1 && got[0].error === undefined && got[0].offset >= 0n) ok++
  }
  t.equal(ok, n - 2, 'every other record written once, with an offset')
  let stored = 0
  for (let p = 0; p < 3; p++) stored += (await fetchPartition(kafka.cluster, topic, p)).length
  t.equal(stored, n - 2, 'the broker holds exactly those')
  await producer.close()
})

t.test('sendBatch results in input order; interleaved send() and sendBatch() calls; what is stored is what was sent', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('sendbatch-order')
  await createTopic(kafka, topic, 2)
  const producer = kafka.producer({ lingerMs: 20 })
  const t0 = Date.now() - 60_000
  const sent: ProducerRecord[] = []
  const calls: Array<Promise<unknown>> = []
  for (let c = 0; c < 6; c++) {
    const batch: ProducerRecord[] = []
    for (let i = 0; i < 50; i++) {
      const j = sent.length + batch.length
      batch.push({
        topic,
        partition: j % 2,
        key: j % 5 === 0 ? null : `key-${j}`,
        value: j % 13 === 0 ? null : `value-${j}-${'x'.repeat(j % 40)}`,
        headers: j % 3 === 0 ? [{ key: 'h', value: `${j}` }, { key: 'ü', value: null }] : undefined,
        timestamp: j % 4 === 0 ? t0 + j : undefined,
      })
    }
    sent.push(...batch)
    calls.push(producer.sendBatch(batch))
    const one: ProducerRecord = { topic, partition: sent.length % 2, key: 'single', value: `single-${sent.length}` }
    sent.push(one)
    calls.push(producer.send(one))
  }
  const results = await Promise.all(calls)
  const metas = results.flatMap((x) => (Array.isArray(x) ? x : [x])) as Array<{ partition: number; offset: bigint; timestamp: number }>
  t.equal(metas.length, sent.length)
  for (let j = 0; j < sent.length; j++) {
    if (metas[j].partition !== sent[j].partition) t.fail(`record ${j} went to ${metas[j].partition}`)
    if (sent[j].timestamp !== undefined && metas[j].timestamp !== sent[j].timestamp) t.fail(`record ${j} timestamp ${metas[j].timestamp}`)
  }
  for (let p = 0; p < 2; p++) {
    const stored = await fetchPartition(kafka.cluster, topic, p)
    const mine = sent.map((r, j) => ({ r, m: metas[j] })).filter((x) => x.r.partition === p)
    t.equal(stored.length, mine.length, `partition ${p}: every record stored`)
    const offsets = mine.map((x) => x.m.offset)
    t.same(offsets, [...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), `partition ${p}: offsets follow send order`)
    let same = 0
    for (const { r, m } of mine) {
      const s = stored.find((x) => x.offset === m.offset)
      if (s === undefined) continue
      const key = r.key === null || r.key === undefined ? null : String(r.key)
      const value = r.value === null ? null : String(r.value)
      const headers = Array.isArray(r.headers) ? r.headers.map((h: { key: string; value: string | null }) => [h.key, h.value]) : []
      if (
        (s.key === null ? null : s.key.toString()) === key &&
        (s.value === null ? null : s.value.toString()) === value &&
        s.timestamp === m.timestamp &&
        JSON.stringify(s.headers.map((h) => [h.key, h.value === null ? null : h.value.toString()])) === JSON.stringify(headers)
      )
        same++
    }
    t.equal(same, mine.length, `partition ${p}: key, value, headers and timestamp as sent`)
  }
  await producer.close()
})

t.test('an empty sendBatch resolves at once with an empty array', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const producer = kafka.producer()
  t.same(await producer.sendBatch([]), [])
  await producer.close()
})
