// InitProducerId of an idempotent producer against fake brokers that behave like Kafka's
// RPCProducerIdManager: a broker has no producer id block until an InitProducerId asks it for
// one; it then fetches a block from the controller and answers COORDINATOR_LOAD_IN_PROGRESS
// until the block is there. A fake, because a real cluster has its blocks after the first
// InitProducerId and cannot be made to withhold one (test/integration/producer/failover.test.ts
// runs the real thing on a fresh 3-node cluster).
import t from 'tap'
import { ConnectionError, type KafkaError } from '../../../src/errors.js'
import type { Cluster } from '../../../src/pool/cluster.js'
import { MAX_PINNED_RETRIES, ProducerIdManager } from '../../../src/producer/producer-id-manager.js'

const COORDINATOR_LOAD_IN_PROGRESS = 14

interface FakeBroker {
  nodeId: number
  /** InitProducerId requests this broker got. */
  calls: number
  /** Requests after the first one until the block is there (Infinity: never). */
  blockAfter: number
  /** Set: the connection fails (a broker that is down). */
  down: boolean
}

/** Brokers 1..n; `anyBroker()` goes round them in order, the worst case of a random choice. */
class FakeCluster {
  readonly brokers: FakeBroker[]
  readonly targets: number[] = []
  isClosed = false
  private next = 0

  constructor(n: number, blockAfter = 2) {
    this.brokers = Array.from({ length: n }, (_, i) => ({ nodeId: i + 1, calls: 0, blockAfter, down: false }))
  }

  anyBroker(): FakeBroker {
    return this.brokers[this.next++ % this.brokers.length]
  }

  async send(target: FakeBroker | number, api: { name: string }): Promise<unknown> {
    if (api.name !== 'InitProducerId') throw new Error(`unexpected ${api.name}`)
    const b = typeof target === 'number' ? this.brokers[target - 1] : target
    this.targets.push(b.nodeId)
    if (b.down) throw new ConnectionError(`connection to node ${b.nodeId} refused`)
    b.calls++
    // The first request starts the block fetch; the block is there `blockAfter` requests later.
    if (b.calls <= b.blockAfter) return { throttleTimeMs: 0, errorCode: COORDINATOR_LOAD_IN_PROGRESS, producerId: -1n, producerEpoch: -1 }
    return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(b.nodeId * 1000), producerEpoch: 0 }
  }
}

function manager(c: FakeCluster, errors: KafkaError[] = []): ProducerIdManager {
  return new ProducerIdManager(c as unknown as Cluster, { retryBackoffMs: 1, retryBackoffMaxMs: 2 }, 1000, (err) => void errors.push(err))
}

t.test('after COORDINATOR_LOAD_IN_PROGRESS the retry goes to the same broker, whose block is on its way', async (t) => {
  const c = new FakeCluster(3)
  const errors: KafkaError[] = []
  const ids = manager(c, errors)
  await ids.init(false, Date.now() + 10_000)
  t.same(c.targets, [1, 1, 1], 'every attempt went to broker 1')
  t.equal(ids.current?.producerId, 1000n, 'the id comes from broker 1')
  t.same(errors.map((e) => e.code), ['COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_LOAD_IN_PROGRESS'])
  t.same(c.brokers.map((b) => b.calls), [3, 0, 0], 'brokers 2 and 3 were not made to fetch a block of their own')
})

t.test('a broker that keeps loading is left after MAX_PINNED_RETRIES retries; the next broker answers', async (t) => {
  const c = new FakeCluster(3)
  c.brokers[0].blockAfter = Infinity
  const ids = manager(c)
  await ids.init(false, Date.now() + 10_000)
  const onFirst = c.targets.findIndex((n) => n !== 1)
  t.equal(onFirst, MAX_PINNED_RETRIES + 1, `broker 1 got the first attempt and ${MAX_PINNED_RETRIES} retries`)
  t.equal(ids.current?.producerId, 2000n, 'broker 2 gave the id')
  t.same(c.targets.slice(onFirst), [2, 2, 2], 'then broker 2 was kept while it loaded')
})

t.test('a connection error is not pinned: the retry goes to any broker', async (t) => {
  const c = new FakeCluster(3, 0)
  c.brokers[0].down = true
  const ids = manager(c)
  await ids.init(false, Date.now() + 10_000)
  t.same(c.targets, [1, 2], 'broker 1 refused, broker 2 answered')
  t.equal(ids.current?.producerId, 2000n)
})

t.test('still loading at the deadline: the last error is thrown, retriable', async (t) => {
  const c = new FakeCluster(2, Infinity)
  const ids = manager(c)
  await t.rejects(ids.init(false, Date.now() + 200), { code: 'COORDINATOR_LOAD_IN_PROGRESS', retriable: true })
  t.equal(ids.current, null)
})
