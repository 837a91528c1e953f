// ProducerMetadata, the one metadata refresher of a producer: one request at a time carrying every
// topic asked for, backoff when a topic is asked for again right after its round, stop.
import t from 'tap'
import { ClosedError, type KafkaError } from '../../../src/errors.js'
import { Log } from '../../../src/logger.js'
import type { Cluster, TopicMetadata } from '../../../src/pool/cluster.js'
import { ProducerMetadata } from '../../../src/producer/producer-metadata.js'

class FakeCluster {
  calls: Array<{ topics: string[]; at: number }> = []
  pending: Array<() => void> = []
  failWith: Error | null = null
  async metadata(topics: readonly string[], options: { force?: boolean }): Promise<Map<string, TopicMetadata>> {
    if (options.force !== true) throw new Error('the producer refresher always forces')
    this.calls.push({ topics: [...topics], at: Date.now() })
    await new Promise<void>((resolve) => this.pending.push(resolve))
    if (this.failWith !== null) throw this.failWith
    return new Map()
  }
  answer(): void {
    const p = this.pending
    this.pending = []
    for (const f of p) f()
  }
}

const quiet = new Log({ debug() {}, info() {}, warn() {}, error() {} })
const policy = { retryBackoffMs: 40, retryBackoffMaxMs: 80 }

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

t.test('one request at a time; topics asked for meanwhile go together in the next', async (t) => {
  const c = new FakeCluster()
  const rounds: string[][] = []
  const m = new ProducerMetadata(c as unknown as Cluster, policy, true, quiet, (topics) => rounds.push([...topics]))
  m.request('a')
  t.same(c.calls.map((x) => x.topics), [['a']], 'a first round at once')
  m.request('b')
  m.request('c')
  m.request('b')
  t.equal(c.calls.length, 1, 'single flight')
  c.answer()
  await until('the second round', () => c.calls.length === 2)
  t.same(c.calls[1].topics, ['b', 'c'], 'the waiting topics in one request, once each, without backoff (not a repeat)')
  c.answer()
  await until('both rounds reported', () => rounds.length === 2)
  t.same(rounds, [['a'], ['b', 'c']])
  m.stop()
})

t.test('a topic asked for again right after its round (or during it) waits the backoff, doubling', async (t) => {
  const c = new FakeCluster()
  let ended = 0
  const m = new ProducerMetadata(c as unknown as Cluster, policy, true, quiet, () => {
    ended = Date.now()
  })
  m.request('a')
  c.answer()
  await until('round 1', () => ended > 0)
  m.request('a')
  await until('round 2', () => c.calls.length === 2)
  t.ok(c.calls[1].at - ended >= 40 * 0.8 - 1, `waited ${c.calls[1].at - ended} ms (backoff 40 ms ±20%)`)
  const end1 = ended
  c.answer()
  await until('round 2 ended', () => ended > end1)
  m.request('a')
  await until('round 3', () => c.calls.length === 3)
  t.ok(c.calls[2].at - ended >= 80 * 0.8 - 1, `waited ${c.calls[2].at - ended} ms (backoff 80 ms ±20%)`)
  c.answer()
  m.stop()
})

t.test('a failed round reports its error; nextRound resolves with it; stop ends waiting', async (t) => {
  const c = new FakeCluster()
  const errors: Array<KafkaError | null> = []
  const m = new ProducerMetadata(c as unknown as Cluster, policy, true, quiet, (_topics, error) => errors.push(error))
  c.failWith = new ClosedError('the client is closed')
  m.request('x')
  const next = m.nextRound(10_000)
  c.answer()
  const err = await next
  t.type(err, ClosedError)
  t.type(errors[0], ClosedError)
  t.equal(await m.nextRound(5), null, 'nextRound gives up after its timeout')
  const waiting = m.nextRound(10_000)
  m.stop()
  t.equal(await waiting, null, 'stop releases waiters')
  m.request('y')
  t.equal(c.calls.length, 1, 'no rounds after stop')
})
