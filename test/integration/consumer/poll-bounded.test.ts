// poll(timeoutMs) is bounded while the member joins (issue 13 item 2): against an unreachable
// broker, after kafka.disconnectAll(), and while another member holds a rebalance open.
// No upper-bound timing asserts: each poll must settle; the outer bound only guards a hang.
import t from 'tap'
import type { ConsumerEvent } from '../../../src/consumer/consumer-record.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic } from '../../helpers/consumer-fixtures.js'

const HANG_GUARD_MS = 30_000

/** Resolves with what `p` settled with, or 'hung' after the hang guard. */
async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown } | 'hung'> {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), HANG_GUARD_MS)
  })
  try {
    return await Promise.race([p.then((value) => ({ value }), (error: unknown) => ({ error })), guard])
  } finally {
    clearTimeout(timer)
  }
}

t.test('poll(3000) against an unreachable broker settles', async (t) => {
  const kafka = newKafka({ bootstrapServers: '127.0.0.1:1', defaultApiTimeoutMs: 120_000 })
  t.teardown(() => kafka.disconnectAll())
  const c = kafka.consumer({ groupId: uniqueTopic('g-unreachable'), topics: ['t'] })
  const r = await settle(c.poll(3_000))
  t.not(r, 'hung', 'poll settled')
  if (r !== 'hung' && r.error === undefined) t.same(r.value, { type: 'records', records: [] }, 'an empty records event')
})

t.test('poll(3000) after kafka.disconnectAll() settles with ClosedError', async (t) => {
  const kafka = newKafka()
  const c = kafka.consumer({ groupId: uniqueTopic('g-closed'), topics: [uniqueTopic('closed')] })
  await kafka.disconnectAll()
  const r = await settle(c.poll(3_000))
  t.not(r, 'hung', 'poll settled')
  if (r !== 'hung') t.match(r.error, { code: 'CLIENT_CLOSED' })
})

t.test('disconnectAll() during a join ends the pending poll', async (t) => {
  const kafka = newKafka({ bootstrapServers: '127.0.0.1:1' })
  const c = kafka.consumer({ groupId: uniqueTopic('g-closing'), topics: ['t'] })
  const pending = c.poll()
  await new Promise((r) => setTimeout(r, 500))
  await kafka.disconnectAll()
  const r = await settle(pending)
  t.not(r, 'hung', 'poll settled')
})

t.test("a second member's poll(2000) during a rebalance returns an empty records event", async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('bounded')
  const groupId = uniqueTopic('g-bounded')
  await createTopic(kafka, topic, 2)
  // a's rebalance timeout is long: the coordinator holds the rebalance open until a rejoins.
  const a = kafka.consumer({ groupId, topics: [topic], heartbeatIntervalMs: 300, sessionTimeoutMs: 10_000, maxPollIntervalMs: 120_000 })
  t.teardown(() => a.stop())
  let ev: ConsumerEvent | { type: 'end' } = { type: 'records', records: [] }
  for (let i = 0; i < 100 && ev.type !== 'rebalance'; i++) ev = await a.poll(500)
  t.equal(ev.type, 'rebalance', 'a joined')
  // a stops polling; b joins and its JoinGroup waits for a.
  const b = kafka.consumer({ groupId, topics: [topic], heartbeatIntervalMs: 300, sessionTimeoutMs: 10_000 })
  t.teardown(() => b.stop())
  const r = await settle(b.poll(2_000))
  t.not(r, 'hung', 'poll settled')
  if (r !== 'hung') t.same(r.value, { type: 'records', records: [] }, 'an empty records event while the rebalance is open')
  // a leaves: the rebalance completes and b gets the partitions.
  await a.stop()
  let got: ConsumerEvent | { type: 'end' } = { type: 'records', records: [] }
  for (let i = 0; i < 120 && got.type !== 'rebalance'; i++) got = await b.poll(500)
  t.equal(got.type, 'rebalance', 'b joined once a left')
})
