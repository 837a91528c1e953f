// The one retry policy (src/pool/retry.ts): no broker, fake failures.
import t from 'tap'
import { ClientErrorCode } from '../../../src/client-error-codes.js'
import { ClosedError, ConfigError, ConnectionError, KafkaError } from '../../../src/errors.js'
import { Cluster } from '../../../src/pool/cluster.js'
import { backoffMs, DEFAULT_RETRY_POLICY, retry, RETRY_JITTER } from '../../../src/pool/retry.js'

const fast = { retryBackoffMs: 5, retryBackoffMaxMs: 20 }
const retriable = (): KafkaError => new ConnectionError('lost', 'CONNECTION_CLOSED')

t.test('backoff: Java defaults, doubling, ±20% jitter, capped', async (t) => {
  t.same(DEFAULT_RETRY_POLICY, { retryBackoffMs: 100, retryBackoffMaxMs: 1000 })
  t.equal(RETRY_JITTER, 0.2)
  const policy = { retryBackoffMs: 100, retryBackoffMaxMs: 1000 }
  for (let attempt = 0; attempt < 40; attempt++) {
    const base = Math.min(1000, 100 * 2 ** attempt)
    t.equal(backoffMs(attempt, policy, () => 0), Math.floor(base * 0.8), `attempt ${attempt}: lowest factor 0.8`)
    t.equal(backoffMs(attempt, policy, () => 0.5), base, `attempt ${attempt}: middle factor 1`)
    t.ok(backoffMs(attempt, policy, () => 0.999999) < base * 1.2, `attempt ${attempt}: factor below 1.2`)
  }
  let max = 0
  let min = Infinity
  for (let i = 0; i < 10_000; i++) {
    const d = backoffMs(100, policy)
    max = Math.max(max, d)
    min = Math.min(min, d)
  }
  t.ok(max < 1000 * 1.2, `never above retryBackoffMaxMs · 1.2 (max seen ${max})`)
  t.ok(min >= 1000 * 0.8, `never below retryBackoffMaxMs · 0.8 (min seen ${min})`)
  t.equal(backoffMs(-3, policy, () => 0.5), 100, 'a negative attempt counts as the first')
})

t.test('retries a retriable error until it succeeds', async (t) => {
  let calls = 0
  const v = await retry(async () => {
    if (++calls < 4) throw retriable()
    return 'done'
  }, { deadline: Date.now() + 10_000, policy: fast })
  t.equal(v, 'done')
  t.equal(calls, 4)
})

t.test('the deadline: no attempt starts after it, and the last error is thrown', async (t) => {
  const deadline = Date.now() + 300
  const starts: number[] = []
  const errors: KafkaError[] = []
  const err = await retry(async () => {
    starts.push(Date.now())
    const e = retriable()
    errors.push(e)
    throw e
  }, { deadline, policy: fast }).then(() => null, (e: unknown) => e)
  t.ok(starts.length > 1, `retried (${starts.length} attempts)`)
  t.ok(starts.every((s) => s <= deadline), 'every attempt started before the deadline')
  t.equal(err, errors[errors.length - 1], 'the last error is thrown as it is')
})

t.test('a deadline already past: one attempt, no retry', async (t) => {
  let calls = 0
  const err = await retry(async () => {
    calls++
    throw retriable()
  }, { deadline: Date.now() - 1, policy: fast }).then(() => null, (e: unknown) => e)
  t.equal(calls, 1)
  t.type(err, ConnectionError)
})

t.test('a non-retriable error stops at once', async (t) => {
  let calls = 0
  let retried = 0
  const bad = new ConfigError('bad')
  const err = await retry(async () => {
    calls++
    throw bad
  }, { deadline: Date.now() + 10_000, policy: fast, beforeRetry: () => retried++ }).then(() => null, (e: unknown) => e)
  t.equal(err, bad)
  t.equal(calls, 1)
  t.equal(retried, 0, 'beforeRetry not called')
})

t.test('an error that is not a KafkaError stops at once', async (t) => {
  let calls = 0
  const err = await retry(async () => {
    calls++
    throw new TypeError('bug')
  }, { deadline: Date.now() + 10_000, policy: fast }).then(() => null, (e: unknown) => e)
  t.type(err, TypeError)
  t.equal(calls, 1)
})

t.test('stopped() ends the loop with the last error', async (t) => {
  let calls = 0
  const err = await retry(async () => {
    calls++
    throw retriable()
  }, { deadline: Date.now() + 10_000, policy: fast, stopped: () => calls >= 2 }).then(() => null, (e: unknown) => e)
  t.equal(calls, 2)
  t.type(err, ConnectionError)
})

t.test('beforeRetry gets each retriable error and its attempt', async (t) => {
  const thrown: KafkaError[] = []
  const seen: Array<[KafkaError, number]> = []
  await retry(async (attempt) => {
    if (attempt < 3) {
      const e = retriable()
      thrown.push(e)
      throw e
    }
  }, { deadline: Date.now() + 10_000, policy: fast, beforeRetry: (e, a) => seen.push([e, a]) })
  t.same(seen.map(([, a]) => a), [0, 1, 2])
  t.ok(seen.every(([e], i) => e === thrown[i]), 'with the error itself')
})

t.test('an aborted signal ends the wait with its reason', async (t) => {
  const ac = new AbortController()
  const reason = new Error('aborted')
  let calls = 0
  const p = retry(async () => {
    calls++
    throw retriable()
  }, { deadline: Date.now() + 60_000, policy: { retryBackoffMs: 10_000, retryBackoffMaxMs: 10_000 }, signal: ac.signal }).then(() => null, (e: unknown) => e)
  setTimeout(() => ac.abort(reason), 20)
  t.equal(await p, reason)
  t.equal(calls, 1)
})

t.test('Cluster.withRetry: a retriable error after close() ends as ClosedError', async (t) => {
  const cluster = new Cluster({ bootstrapServers: ['127.0.0.1:1'], connection: {}, retry: fast })
  let calls = 0
  const lost = retriable()
  const err = await cluster.withRetry(async () => {
    calls++
    await cluster.close()
    throw lost
  }).then(() => null, (e: unknown) => e)
  t.equal(calls, 1, 'not retried once closed')
  t.type(err, ClosedError)
  t.equal((err as ClosedError).retriable, false)
  t.equal((err as ClosedError).code, ClientErrorCode.CLIENT_CLOSED)
  t.equal((err as ClosedError).cause, lost, 'the last error is the cause')
  const after = await cluster.withRetry(async () => cluster.anyBroker()).then(() => null, (e: unknown) => e)
  t.type(after, ClosedError, 'a call after close fails at once with ClosedError')
})

t.test('Cluster.withRetry: the default deadline is defaultApiTimeoutMs', async (t) => {
  const cluster = new Cluster({ bootstrapServers: ['127.0.0.1:1'], connection: {}, retry: fast, defaultApiTimeoutMs: 150 })
  t.teardown(() => cluster.close())
  const started = Date.now()
  const starts: number[] = []
  const err = await cluster.withRetry(async () => {
    starts.push(Date.now())
    throw retriable()
  }, { refreshMetadata: false }).then(() => null, (e: unknown) => e)
  t.type(err, ConnectionError)
  t.ok(starts.length > 1, `retried (${starts.length} attempts)`)
  t.ok(starts.every((s) => s <= started + 150 + 5), 'no attempt after the default deadline')
})
