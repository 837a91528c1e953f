import t, { type Test } from 'tap'
import { ConfigError } from '../../../src/errors.js'
import { resolveProducerOptions, type ProducerOptions } from '../../../src/producer/producer-options.js'

const client = { requestTimeoutMs: 30000, maxInFlightRequestsPerConnection: 5, retryBackoffMs: 100, retryBackoffMaxMs: 1000 }

t.test('defaults follow the Java producer', async (t) => {
  const o = resolveProducerOptions({}, client)
  t.equal(o.acks, -1)
  t.equal(o.idempotent, true)
  t.equal(o.lingerMs, 5)
  t.equal(o.batchSize, 16384)
  t.equal(o.maxRequestSize, 1048576)
  t.equal(o.bufferMemory, 33554432)
  t.equal(o.deliveryTimeoutMs, 120000)
  t.equal(o.requestTimeoutMs, 30000)
  t.equal(o.maxInFlight, 5)
  t.equal(o.compression, 'none')
  t.equal(o.partitioner, 'default')
  t.equal(o.allowAutoTopicCreation, true)
})

t.test('acks', async (t) => {
  t.equal(resolveProducerOptions({ acks: 'all' }, client).acks, -1)
  t.equal(resolveProducerOptions({ acks: -1 }, client).acks, -1)
  const one = resolveProducerOptions({ acks: 1 }, client)
  t.equal(one.acks, 1)
  t.equal(one.idempotent, false, 'idempotence is only the default with acks all')
  t.equal(resolveProducerOptions({ acks: 0 }, client).idempotent, false)
  t.equal(resolveProducerOptions({ acks: 'all', idempotent: false }, client).idempotent, false)
})

function rejects(t: Test, options: unknown, pattern: RegExp, what: string): void {
  try {
    resolveProducerOptions(options as ProducerOptions, client)
    t.fail(`${what}: no error`)
  } catch (err) {
    t.ok(err instanceof ConfigError, `${what}: ConfigError`)
    t.match((err as Error).message, pattern, `${what}: names the field`)
  }
}

t.test('invalid options throw ConfigError naming the field', async (t) => {
  rejects(t, { acks: 2 }, /acks/, 'acks 2')
  rejects(t, { acks: 1, idempotent: true }, /idempotent: requires acks 'all'/, 'idempotent with acks 1')
  rejects(t, { acks: 0, idempotent: true }, /idempotent/, 'idempotent with acks 0')
  rejects(t, { maxInFlightRequestsPerConnection: 6 }, /maxInFlightRequestsPerConnection: at most 5/, 'idempotence and 6 in flight')
  rejects(t, { compression: 'brotli' }, /compression/, 'unknown codec')
  rejects(t, { lingerMs: -1 }, /lingerMs/, 'negative linger')
  rejects(t, { batchSize: 0 }, /batchSize/, 'zero batch size')
  rejects(t, { bufferMemory: 1.5 }, /bufferMemory/, 'fractional buffer memory')
  rejects(t, { deliveryTimeoutMs: 1000, requestTimeoutMs: 30000 }, /deliveryTimeoutMs: must be at least/, 'delivery timeout below linger + request timeout')
  rejects(t, { partitioner: 'sticky' }, /partitioner/, 'unknown partitioner')
  rejects(t, { onDeliveryError: 'nope' }, /onDeliveryError/, 'hook not a function')
  rejects(t, { lingerMS: 5 }, /lingerMS|Unrecognized/i, 'misspelled option')
  rejects(t, { retryBackofMs: 5 }, /retryBackofMs|Unrecognized/i, 'misspelled retry option')
  rejects(t, { retryBackoffMs: 500, retryBackoffMaxMs: 200 }, /retryBackoffMaxMs: must be at least retryBackoffMs/, 'max below the backoff')
  rejects(t, { retryBackoffMaxMs: 50 }, /retryBackoffMaxMs: must be at least retryBackoffMs \(100\)/, 'max below the inherited backoff')
  t.equal(resolveProducerOptions({ acks: 1, maxInFlightRequestsPerConnection: 20 }, client).maxInFlight, 20, 'no limit without idempotence')
})

t.test('retry backoff defaults to the Kafka instance\'s options', async (t) => {
  const inherited = resolveProducerOptions({}, { ...client, retryBackoffMs: 250, retryBackoffMaxMs: 4000 })
  t.equal(inherited.retryBackoffMs, 250)
  t.equal(inherited.retryBackoffMaxMs, 4000)
  const own = resolveProducerOptions({ retryBackoffMs: 20, retryBackoffMaxMs: 80 }, { ...client, retryBackoffMs: 250, retryBackoffMaxMs: 4000 })
  t.equal(own.retryBackoffMs, 20)
  t.equal(own.retryBackoffMaxMs, 80)
  const larger = resolveProducerOptions({ retryBackoffMs: 2000 }, client)
  t.equal(larger.retryBackoffMaxMs, 2000, 'a backoff above the inherited maximum is constant')
})
