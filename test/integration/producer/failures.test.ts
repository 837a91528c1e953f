// The producer when things go wrong (issues 11 and 13): a closed client, an unreachable
// bootstrap, a partition that does not exist, fire-and-forget sends. Every wait is bounded by a
// generous hang guard only: the assertions are on how a send settles, not on how fast.
import { createServer } from 'node:net'
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { ClosedError, type KafkaError } from '../../../src/errors.js'
import { DeliveryTimeoutError } from '../../../src/producer/producer.js'
import { createTopic } from './topics.js'
import { settle } from '../../helpers/settle.js'

const HANG_GUARD_MS = 60_000


/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

t.test('a producer made after disconnectAll() fails its sends at once with ClosedError', async (t) => {
  const kafka = newKafka()
  const topic = uniqueTopic('producer-after-close')
  await createTopic(kafka, topic, 1)
  await kafka.disconnectAll()
  const producer = kafka.producer({ deliveryTimeoutMs: 120_000 })
  const started = Date.now()
  const r = await settle(producer.send({ topic, value: 'x' }), HANG_GUARD_MS)
  t.equal(r.state, 'rejected', `send settled (${Date.now() - started} ms)`)
  if (r.state === 'rejected') t.type(r.error, ClosedError)
  const b = await settle(producer.sendBatch([{ topic, value: 'y' }]), HANG_GUARD_MS)
  t.equal(b.state, 'rejected')
  if (b.state === 'rejected') t.type(b.error, ClosedError)
  await t.rejects(producer.partitionFor(topic, 'k'), ClosedError, 'partitionFor too')
  await producer.close()
})

t.test('deliveryTimeoutMs bounds the wait for metadata when the bootstrap address is closed', async (t) => {
  const port = await closedPort()
  const kafka = newKafka({ bootstrapServers: `127.0.0.1:${port}`, connectionTimeoutMs: 1000 })
  t.teardown(() => kafka.disconnectAll())
  const producer = kafka.producer({ deliveryTimeoutMs: 8000, requestTimeoutMs: 5000 })
  const started = Date.now()
  const r = await settle(producer.send({ topic: 'never-reachable', value: 'x' }), HANG_GUARD_MS)
  const elapsed = Date.now() - started
  t.equal(r.state, 'rejected', `send settled after ${elapsed} ms (budget 8000 ms)`)
  if (r.state === 'rejected') {
    t.type(r.error, DeliveryTimeoutError)
    t.match((r.error as Error).message, /metadata/, 'the error says what it waited for')
  }
  t.ok(elapsed >= 7000, `not before the budget (${elapsed} ms)`)
})

t.test('fire-and-forget: 1,000 un-awaited sends to a missing partition reach onDeliveryError, no unhandled rejection', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('producer-fire-and-forget')
  await createTopic(kafka, topic, 1)
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason)
  }
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => {
    process.off('unhandledRejection', onUnhandled)
  })
  const errors: KafkaError[] = []
  const producer = kafka.producer({ deliveryTimeoutMs: 3000, requestTimeoutMs: 2000, onDeliveryError: (_record, error) => errors.push(error) })
  for (let i = 0; i < 1000; i++) void producer.send({ topic, partition: 99, value: `lost-${i}` })
  const deadline = Date.now() + HANG_GUARD_MS
  while (errors.length < 1000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  // Give any unhandled rejection time to surface (it is reported after a microtask turn).
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal(errors.length, 1000, '1,000 callbacks')
  t.ok(errors.every((e) => e instanceof DeliveryTimeoutError), 'each a DeliveryTimeoutError')
  t.match(errors[0].message, /partition 99/, 'naming the missing partition')
  t.same(unhandled, [], 'no unhandled rejection')
  const ok = await producer.send({ topic, partition: 0, value: 'fine' })
  t.equal(ok.partition, 0, 'the producer still works')
  await producer.close()
})
