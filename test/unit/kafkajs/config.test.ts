// kafkats/kafkajs configuration checks that need no broker: what `new Kafka()`, `producer()`
// and `consumer()` reject with KafkaJS's errors, and what they accept.
import t from 'tap'
import { Kafka, KafkaJSError, KafkaJSNonRetriableError, PartitionAssigners, logLevel } from '../../../src/kafkajs/index.js'

t.test('new Kafka(): brokers required; aws SASL not supported; a bad value named', async (t) => {
  t.throws(() => new Kafka({ brokers: [] }), KafkaJSNonRetriableError)
  t.throws(() => new Kafka({ brokers: ['h:9092'], sasl: { mechanism: 'aws', authorizationIdentity: 'a', accessKeyId: 'b', secretAccessKey: 'c' } }), /aws/)
  t.throws(() => new Kafka({ brokers: ['h:9092'], requestTimeout: -1 }), /requestTimeoutMs/)
  const k = new Kafka({ brokers: async () => ['h:9092'], sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' }, ssl: { rejectUnauthorized: false }, logLevel: logLevel.ERROR })
  t.equal(typeof k.logger().info, 'function')
})

t.test('producer(): idempotent limits; sending before connect()', async (t) => {
  const k = new Kafka({ brokers: ['127.0.0.1:1'] })
  t.throws(() => k.producer({ idempotent: true, maxInFlightRequests: 6 }), KafkaJSNonRetriableError)
  t.throws(() => k.producer({ idempotent: true, retry: { retries: 0 } }), KafkaJSNonRetriableError)
  const p = k.producer()
  t.equal(p.isIdempotent(), false)
  await t.rejects(p.send({ topic: 't', messages: [{ value: 'v' }] }), KafkaJSError)
  await t.rejects(p.send({ topic: '', messages: [{ value: 'v' }] }), { message: 'Invalid topic' })
  await t.rejects(p.send({ topic: 't', messages: [{ key: 'k' } as never] }), /Invalid message without value/)
  await t.rejects(p.transaction(), { message: 'Must provide transactional id for transactional producer' })
  t.throws(() => p.on('producer.nope' as never, () => {}), KafkaJSNonRetriableError)
})

t.test('consumer(): groupId required; only the built-in assigners', async (t) => {
  const k = new Kafka({ brokers: ['127.0.0.1:1'] })
  t.throws(() => k.consumer({ groupId: '' }), KafkaJSNonRetriableError)
  t.throws(() => k.consumer({ groupId: 'g', partitionAssigners: [() => ({})] }), /custom assigners are not supported/)
  const c = k.consumer({ groupId: 'g', partitionAssigners: [PartitionAssigners.range, PartitionAssigners.roundRobin] })
  await t.rejects(c.subscribe({ topic: 't' }), /connect/)
  t.throws(() => c.seek({ topic: 't', partition: 0, offset: '1' }), /consumer#run must be called first/)
  t.same(c.paused(), [])
})
