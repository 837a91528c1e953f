// The transactional producer without a broker: options (idempotence implied), and the state
// machine's errors before anything is sent (the broker-backed table is in
// test/integration/producer/transactions.test.ts).
import t from 'tap'
import { Kafka } from '../../../src/client.js'
import { ConfigError } from '../../../src/errors.js'
import { resolveProducerOptions } from '../../../src/producer/producer-options.js'
import { TransactionStateError } from '../../../src/producer/producer.js'

const client = { requestTimeoutMs: 30000, maxInFlightRequestsPerConnection: 5, retryBackoffMs: 100, retryBackoffMaxMs: 1000 }

t.test('transactionalId implies idempotence; idempotent false or acks 0/1 is a ConfigError', async (t) => {
  const o = resolveProducerOptions({ transactionalId: 'tx' }, client)
  t.equal(o.transactionalId, 'tx')
  t.equal(o.idempotent, true)
  t.equal(o.acks, -1)
  t.equal(o.transactionTimeoutMs, 60000, 'Java transaction.timeout.ms default')
  t.equal(resolveProducerOptions({ transactionalId: 'tx', acks: 'all', transactionTimeoutMs: 5000 }, client).transactionTimeoutMs, 5000)
  t.equal(resolveProducerOptions({}, client).transactionalId, null)
  t.throws(() => resolveProducerOptions({ transactionalId: 'tx', idempotent: false }, client), { name: 'ConfigError', message: /idempotent: a transactional producer/ })
  t.throws(() => resolveProducerOptions({ transactionalId: 'tx', acks: 1 }, client), { name: 'ConfigError', message: /acks: a transactional producer .* requires acks 'all'/ })
  t.throws(() => resolveProducerOptions({ transactionalId: 'tx', acks: 0 }, client), ConfigError)
  t.throws(() => resolveProducerOptions({ transactionalId: '' }, client), { name: 'ConfigError', message: /transactionalId/ })
  t.throws(() => resolveProducerOptions({ transactionalId: 'tx', transactionTimeoutMs: 0 }, client), { name: 'ConfigError', message: /transactionTimeoutMs/ })
})

t.test('before initTransactions every transactional call says to call it; nothing is sent', async (t) => {
  // Nothing listens on port 1: any request would fail with a connection error instead.
  const kafka = new Kafka({ bootstrapServers: '127.0.0.1:1', logger: { debug() {}, info() {}, warn() {}, error() {} } })
  t.teardown(() => kafka.disconnectAll())
  const p = kafka.producer({ transactionalId: 'tx-unit' })
  const expected = { name: 'TransactionStateError', code: 'TRANSACTION_STATE', retriable: false, state: 'uninitialized', message: /call initTransactions\(\) first/ }
  await t.rejects(p.send({ topic: 't', value: 'v' }), expected, 'send')
  await t.rejects(p.sendBatch([{ topic: 't', value: 'v' }]), expected, 'sendBatch')
  t.throws(() => p.beginTransaction(), expected, 'beginTransaction')
  await t.rejects(p.commitTransaction(), expected, 'commitTransaction')
  await t.rejects(p.abortTransaction(), expected, 'abortTransaction')
  await t.rejects(p.sendOffsetsToTransaction([], { groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null }), expected, 'sendOffsetsToTransaction')
  await t.rejects(p.transaction(async () => {}), expected, 'transaction()')
  const plain = kafka.producer({ acks: 1 })
  for (const call of [() => plain.initTransactions(), () => plain.commitTransaction(), () => plain.abortTransaction()]) {
    await t.rejects(call(), { name: 'TransactionStateError', state: 'not-transactional', message: /kafka\.producer\(\{ transactionalId \}\)/ })
  }
  t.throws(() => plain.beginTransaction(), TransactionStateError)
  await p.close()
  await plain.close()
})

t.test('consumer.groupMetadata(): the member identity, a ConfigError without a group', async (t) => {
  const kafka = new Kafka({ bootstrapServers: '127.0.0.1:1', logger: { debug() {}, info() {}, warn() {}, error() {} } })
  t.teardown(() => kafka.disconnectAll())
  const member = kafka.consumer({ groupId: 'g-unit', topics: ['t'], groupInstanceId: 'static-1' })
  t.same(member.groupMetadata(), { groupId: 'g-unit', generationId: -1, memberId: '', groupInstanceId: 'static-1' }, 'not joined yet')
  await member.stop()
  const reader = kafka.consumer({ assignments: [{ topic: 't', partition: 0, offset: 0 }] })
  t.throws(() => reader.groupMetadata(), { name: 'ConfigError', message: /groupId/ })
  await reader.stop()
})
