// The producer against a fake cluster: batching, backpressure, sequences, retries, flush, close.
import t from 'tap'
import type { ClientContext } from '../../../src/client-context.js'
import { ClosedError, ConfigError } from '../../../src/errors.js'
import { Log } from '../../../src/logger.js'
import type { ResolvedKafkaOptions } from '../../../src/options.js'
import type { Cluster, TopicMetadata } from '../../../src/pool/cluster.js'
import { murmur2Partition } from '../../../src/producer/murmur2.js'
import { DeliveryTimeoutError, Producer, RecordTooLargeError, type DeliveryReport, type ProducerOptions } from '../../../src/producer/producer.js'
import { decodeRecordBatchesSync } from '../../../src/protocol/records/index.js'

interface PartitionData { index: number; records: Buffer | null }
interface ProduceReq { acks: number; timeoutMs: number; topicData: Array<{ name: string; partitionData: PartitionData[] }> }

interface SentBatch { topic: string; partition: number; baseSequence: number; producerEpoch: number; count: number; values: string[] }

/** A cluster of one broker (node 1) that appends batches to in-memory logs. */
class FakeCluster {
  readonly topics = new Map<string, TopicMetadata>()
  readonly logs = new Map<string, string[]>()
  readonly sent: SentBatch[] = []
  produceRequests = 0
  initProducerIdCalls: Array<{ producerId?: bigint; producerEpoch?: number }> = []
  /** Error code to answer per partition, consumed one per batch. */
  readonly errors: Array<{ topic: string; partition: number; code: number }> = []
  /** Set: batches larger than this many bytes are rejected with MESSAGE_TOO_LARGE (a topic's max.message.bytes). */
  maxMessageBytes = Infinity
  /** While set, answers wait for release(). */
  hold = false
  private held: Array<() => void> = []
  epoch = 0
  /** Error codes InitProducerId answers first. */
  initErrors: number[] = []
  private readonly sequences = new Map<string, { epoch: number; next: number }>()

  addTopic(name: string, partitions: number): void {
    this.topics.set(name, {
      name,
      topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      isInternal: false,
      errorCode: 0,
      partitions: Array.from({ length: partitions }, (_, p) => ({ partition: p, leader: 1, leaderEpoch: 0, replicas: [1], isr: [1], offlineReplicas: [], errorCode: 0 })),
    })
  }

  /** Set: the client is closed (kafka.disconnectAll()). */
  isClosed = false
  /** Set: Metadata requests never answer (an unreachable cluster). */
  metadataHangs = false
  metadataCalls = 0

  release(): void {
    const h = this.held
    this.held = []
    for (const f of h) f()
  }

  /** Releases the oldest held answer only. */
  releaseOne(): void {
    this.held.shift()?.()
  }

  get heldCount(): number {
    return this.held.length
  }

  topic(name: string): TopicMetadata | undefined {
    return this.topics.get(name)
  }

  async metadata(names: readonly string[]): Promise<Map<string, TopicMetadata>> {
    this.metadataCalls++
    if (this.metadataHangs) await new Promise(() => {})
    const out = new Map<string, TopicMetadata>()
    for (const n of names) if (this.topics.has(n)) out.set(n, this.topics.get(n)!)
    return out
  }

  invalidate(): void {}

  /** The one broker (node 1): InitProducerId goes to the broker this picks. */
  anyBroker(): { nodeId: number } {
    return { nodeId: 1 }
  }

  async send(_target: unknown, api: { name: string }, build: (v: number) => unknown): Promise<unknown> {
    if (api.name === 'InitProducerId') {
      const req = build(5) as { producerId?: bigint; producerEpoch?: number }
      this.initProducerIdCalls.push(req)
      if (this.initErrors.length > 0) return { throttleTimeMs: 0, errorCode: this.initErrors.shift(), producerId: -1n, producerEpoch: -1 }
      if (req.producerId !== undefined && req.producerId >= 0n) this.epoch++
      return { throttleTimeMs: 0, errorCode: 0, producerId: 42n, producerEpoch: this.epoch }
    }
    const req = build(11) as ProduceReq
    this.produceRequests++
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve))
    else await new Promise((resolve) => setImmediate(resolve))
    const responses = req.topicData.map((td) => ({
      name: td.name,
      partitionResponses: td.partitionData.map((pd) => {
        const batch = decodeRecordBatchesSync(pd.records, { topic: td.name, partition: pd.index })[0]
        const i = this.errors.findIndex((e) => e.topic === td.name && e.partition === pd.index)
        if (i >= 0) {
          const code = this.errors[i].code
          this.errors.splice(i, 1)
          return { index: pd.index, errorCode: code, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null }
        }
        if (pd.records !== null && pd.records.length > this.maxMessageBytes) {
          return { index: pd.index, errorCode: 10, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null }
        }
        const key = `${td.name}-${pd.index}`
        if (batch.producerId >= 0n) {
          // The broker's duplicate and gap checks (KIP-98).
          const state = this.sequences.get(key) ?? { epoch: batch.producerEpoch, next: 0 }
          if (batch.producerEpoch > state.epoch) {
            state.epoch = batch.producerEpoch
            state.next = 0
          }
          this.sequences.set(key, state)
          if (batch.baseSequence < state.next) return { index: pd.index, errorCode: 46, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null }
          if (batch.baseSequence > state.next) return { index: pd.index, errorCode: 45, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null }
          state.next += batch.records.length
        }
        const values = batch.records.map((r) => (r.value === null ? '<null>' : r.value.toString()))
        this.sent.push({ topic: td.name, partition: pd.index, baseSequence: batch.baseSequence, producerEpoch: batch.producerEpoch, count: batch.records.length, values })
        const log = this.logs.get(key) ?? []
        this.logs.set(key, log)
        const base = BigInt(log.length)
        log.push(...values)
        return { index: pd.index, errorCode: 0, baseOffset: base, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }
      }),
    }))
    return { responses, throttleTimeMs: 0 }
  }
}

/** Waits (bounded) until `check` holds. */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

function makeProducer(cluster: FakeCluster, options: ProducerOptions = {}, reported: unknown[] = []): Producer {
  const context: ClientContext = {
    cluster: cluster as unknown as Cluster,
    log: new Log({ debug() {}, info() {}, warn() {}, error() {} }),
    options: { requestTimeoutMs: 30000, maxInFlightRequestsPerConnection: 5, retryBackoffMs: 100, retryBackoffMaxMs: 1000 } as ResolvedKafkaOptions,
    name: 'kafkats#producer-1',
    reportError: (error) => void reported.push(error),
    track() {},
    untrack() {},
  }
  return new Producer(context, options)
}

t.test('send resolves with offsets in send order; keys partition like Java', async (t) => {
  const c = new FakeCluster()
  c.addTopic('t', 8)
  const p = makeProducer(c)
  const metas = await Promise.all(Array.from({ length: 100 }, (_, i) => p.send({ topic: 't', key: `key-${i % 10}`, value: `v${i}` })))
  for (let i = 0; i < 100; i++) {
    t.equal(metas[i].partition, murmur2Partition(Buffer.from(`key-${i % 10}`), 8), `record ${i} on murmur2's partition`)
  }
  for (const [key, log] of c.logs) {
    const partition = Number(key.split('-')[1])
    const mine = metas.map((m, i) => ({ m, i })).filter((x) => x.m.partition === partition)
    t.same(mine.map((x) => x.m.offset), mine.map((_, j) => BigInt(j)), `offsets of partition ${partition} count up`)
    t.same(log, mine.map((x) => `v${x.i}`), `partition ${partition} holds its records in send order`)
  }
  t.equal(c.initProducerIdCalls.length, 1, 'one InitProducerId')
  t.ok(c.sent.every((b) => b.baseSequence >= 0), 'idempotent batches carry sequences')
  await p.close()
})

t.test('per-partition sequence numbers count records', async (t) => {
  const c = new FakeCluster()
  c.addTopic('s', 1)
  const p = makeProducer(c, { batchSize: 200, lingerMs: 0 })
  await Promise.all(Array.from({ length: 50 }, (_, i) => p.send({ topic: 's', value: `value-${i}` })))
  let next = 0
  for (const b of c.sent) {
    t.equal(b.baseSequence, next)
    next += b.count
  }
  t.equal(next, 50)
  await p.close()
})

t.test('explicit partition, partitioner option and partitionFor', async (t) => {
  const c = new FakeCluster()
  c.addTopic('p', 4)
  const p = makeProducer(c, { partitioner: ({ partitionCount }) => partitionCount - 1 })
  t.equal((await p.send({ topic: 'p', value: 'a', partition: 2 })).partition, 2)
  t.equal((await p.send({ topic: 'p', key: 'x', value: 'b' })).partition, 3)
  t.equal(await p.partitionFor('p', 'anything'), 3)
  await p.close()
  const q = makeProducer(c, { partitioner: 'murmur2' })
  t.equal(await q.partitionFor('p', 'k'), murmur2Partition(Buffer.from('k'), 4))
  await q.close()
})

t.test('backpressure: buffered bytes stay within bufferMemory, sends wait, then all resolve', async (t) => {
  const c = new FakeCluster()
  c.addTopic('b', 2)
  const p = makeProducer(c, { bufferMemory: 4096, lingerMs: 0, batchSize: 1024 })
  c.hold = true
  let settled = 0
  const all = Array.from({ length: 200 }, (_, i) => p.send({ topic: 'b', key: String(i % 2), value: 'x'.repeat(50) }).then((m) => {
    settled++
    return m
  }))
  await new Promise((resolve) => setTimeout(resolve, 50))
  const s = p.stats()
  t.ok(s.bufferedBytes <= 4096, `buffered ${s.bufferedBytes} <= 4096`)
  t.equal(s.queueLength, 200, 'every record is counted as queued')
  t.equal(settled, 0)
  let maxBuffered = 0
  while (settled < 200) {
    c.release()
    maxBuffered = Math.max(maxBuffered, p.stats().bufferedBytes)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  t.ok(maxBuffered <= 4096)
  const metas = await Promise.all(all)
  t.equal(new Set(metas.map((m) => `${m.partition}:${m.offset}`)).size, 200, 'distinct offsets')
  t.equal(p.stats().bufferedBytes, 0)
  c.hold = false
  await p.close()
})

t.test('records keep their send order per partition through the metadata wait and the memory wait', async (t) => {
  const c = new FakeCluster()
  c.addTopic('known', 2)
  const p = makeProducer(c, { bufferMemory: 2048, lingerMs: 0, batchSize: 512, retryBackoffMs: 5, retryBackoffMaxMs: 10 })
  c.hold = true
  const sends: Array<Promise<unknown>> = []
  // 'fresh' has no metadata yet; 'known' fills the memory; both interleave.
  for (let i = 0; i < 120; i++) {
    sends.push(p.send({ topic: 'fresh', partition: i % 2, value: `f${i}` }))
    sends.push(p.send({ topic: 'known', key: String(i % 2), value: `k${i}`.padEnd(40, '.') }))
  }
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(p.stats().queueLength === 240, 'everything is pending')
  c.addTopic('fresh', 2)
  await until('all 240 records written', () => {
    c.release()
    return [...c.logs.values()].reduce((n, l) => n + l.length, 0) >= 240
  })
  c.hold = false
  await Promise.all(sends)
  for (const part of [0, 1]) {
    t.same(c.logs.get(`fresh-${part}`), Array.from({ length: 60 }, (_, j) => `f${2 * j + part}`), `fresh-${part} in send order`)
  }
  const known = [...(c.logs.get('known-0') ?? []), ...(c.logs.get('known-1') ?? [])]
  t.equal(known.length, 120)
  for (const key of ['known-0', 'known-1']) {
    const nums = (c.logs.get(key) ?? []).map((v) => Number(v.replace(/\.+$/, '').slice(1)))
    t.ok(nums.every((n, i) => i === 0 || n > nums[i - 1]), `${key} in send order`)
  }
  await p.close()
})

t.test('a record over bufferMemory or maxRequestSize is rejected up front; others go', async (t) => {
  const c = new FakeCluster()
  c.addTopic('big', 1)
  const p = makeProducer(c, { maxRequestSize: 2048 })
  const big = p.send({ topic: 'big', value: Buffer.alloc(4000) })
  const small = p.send({ topic: 'big', value: 'ok' })
  await t.rejects(big, RecordTooLargeError)
  t.equal((await small).offset, 0n)
  await p.close()
})

t.test('malformed records reject with ConfigError', async (t) => {
  const c = new FakeCluster()
  c.addTopic('m', 1)
  const p = makeProducer(c)
  await t.rejects(p.send({ topic: '', value: 'x' }), ConfigError)
  await t.rejects(p.send({ topic: 'm', value: 42 as unknown as string }), ConfigError)
  await t.rejects(p.send({ topic: 'm', value: 'x', partition: -1 }), ConfigError)
  await t.rejects(p.send({ topic: 'm', value: 'x', timestamp: 1.5 }), ConfigError)
  await t.rejects(p.send({ topic: 'm', value: undefined as unknown as null }), { name: 'ConfigError', message: /value is missing.*null for a tombstone/ }, 'value undefined is not a tombstone')
  await t.rejects(p.send({ topic: 'm' } as unknown as { topic: string; value: null }), ConfigError, 'a missing value is not a tombstone')
  t.equal((await p.send({ topic: 'm', value: null })).offset, 0n, 'an explicit null is a tombstone')
  t.same(c.logs.get('m-0'), ['<null>'], 'nothing else was written')
  await p.close()
})

t.test('lingerMs 0: the request leaves once the sending code returns, before the event loop turns, with every record sent together', async (t) => {
  const c = new FakeCluster()
  c.addTopic('z', 1)
  const p = makeProducer(c, { lingerMs: 0 })
  await p.send({ topic: 'z', value: 'warm' }) // the producer id first
  await new Promise((resolve) => setTimeout(resolve, 5)) // and the wake-up its answer scheduled
  const before = c.produceRequests
  let atCheckPhase = -1
  // Queued before the sends: a sender woken with setImmediate would run after this callback.
  setImmediate(() => {
    atCheckPhase = c.produceRequests
  })
  const sends = [p.send({ topic: 'z', value: 'a' }), p.send({ topic: 'z', value: 'b' })]
  t.equal(c.produceRequests, before, 'nothing sent while the sending code runs')
  await Promise.all(sends)
  t.equal(atCheckPhase, before + 1, 'sent from a microtask, before the check phase')
  t.equal(c.produceRequests, before + 1, 'one request for both records')
  t.same(c.sent.at(-1)?.values, ['a', 'b'])
  await p.close()
})

t.test('flush sends now and resolves after acknowledgement; a send during flush is not held back', async (t) => {
  const c = new FakeCluster()
  c.addTopic('f', 1)
  const p = makeProducer(c, { lingerMs: 60000 })
  // One acknowledged batch first: until then an idempotent partition has one batch in flight.
  const warm = p.send({ topic: 'f', value: '0' })
  await p.flush()
  await warm
  const sentBefore = c.produceRequests
  let acked = false
  const first = p.send({ topic: 'f', value: 'a' }).then(() => {
    acked = true
  })
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(c.produceRequests, sentBefore, 'linger holds the batch')
  c.hold = true
  let flushed = false
  const flushing = p.flush().then(() => {
    flushed = true
  })
  await until('the flushed batch to go out', () => c.heldCount === 1)
  let duringSettled = false
  const during = p.send({ topic: 'f', value: 'b' }).finally(() => {
    duringSettled = true
  })
  await until('the record sent during the flush to go out, linger or not', () => c.heldCount === 2)
  t.equal(c.produceRequests, sentBefore + 2, 'sent while the flush runs, not after it')
  c.releaseOne()
  await flushing
  t.ok(acked, 'flush resolved after the record before it was acknowledged')
  t.notOk(duringSettled, 'flush did not wait for the record sent after it')
  t.ok(flushed)
  c.hold = false
  c.release()
  await first
  t.equal((await during).offset, 2n)
  await p.close()
})

t.test('flush waits for records sent before it that were still waiting for metadata', async (t) => {
  const c = new FakeCluster()
  const p = makeProducer(c, { lingerMs: 60000, retryBackoffMs: 5, retryBackoffMaxMs: 10 })
  const waiting = p.send({ topic: 'late', value: 'x' })
  let flushed = false
  const flushing = p.flush().then(() => {
    flushed = true
  })
  await new Promise((resolve) => setTimeout(resolve, 30))
  t.notOk(flushed, 'the record has no topic metadata yet')
  c.addTopic('late', 1)
  await flushing
  t.equal((await waiting).offset, 0n, 'acknowledged by the time flush resolved')
  await p.close()
})

t.test('close flushes, then sends reject with ClosedError', async (t) => {
  const c = new FakeCluster()
  c.addTopic('c', 1)
  const p = makeProducer(c, { lingerMs: 60000 })
  const a = p.send({ topic: 'c', value: 'a' })
  await p.close()
  t.equal((await a).offset, 0n)
  await t.rejects(p.send({ topic: 'c', value: 'b' }), ClosedError)
  await t.rejects(p.sendBatch([{ topic: 'c', value: 'b' }]), ClosedError)
  await t.rejects(p.partitionFor('c', 'k'), ClosedError, 'partitionFor after close')
})

t.test('a closed client (kafka.disconnectAll()) fails sends at once with ClosedError', async (t) => {
  const c = new FakeCluster()
  c.addTopic('cc', 1)
  c.isClosed = true
  const p = makeProducer(c)
  await t.rejects(p.send({ topic: 'cc', value: 'x' }), ClosedError)
  await t.rejects(p.partitionFor('cc', null), ClosedError)
  t.equal(c.initProducerIdCalls.length, 0, 'no InitProducerId tried')
  await p.close()
})

t.test('deliveryTimeoutMs bounds the wait for metadata that never comes', async (t) => {
  const c = new FakeCluster()
  c.metadataHangs = true
  const p = makeProducer(c, { deliveryTimeoutMs: 300, requestTimeoutMs: 200, lingerMs: 0 })
  // A real request in flight holds a socket that keeps the process alive; this one holds nothing.
  const keepAlive = setTimeout(() => {}, 10_000)
  t.teardown(() => clearTimeout(keepAlive))
  await t.rejects(p.send({ topic: 'hang', value: 'x' }), { name: 'DeliveryTimeoutError', message: /waiting for the topic's metadata/ })
  t.equal(c.metadataCalls, 1, 'one Metadata request, still pending')
  t.equal(p.stats().queueLength, 0)
  await p.close()
})

t.test('fire and forget: with onDeliveryError, failures nobody awaits are no unhandled rejections', async (t) => {
  const c = new FakeCluster()
  c.addTopic('ff', 1)
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason)
  }
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => {
    process.off('unhandledRejection', onUnhandled)
  })
  let calls = 0
  const p = makeProducer(c, { deliveryTimeoutMs: 300, requestTimeoutMs: 200, lingerMs: 0, retryBackoffMs: 10, retryBackoffMaxMs: 20, onDeliveryError: () => calls++ })
  for (let i = 0; i < 1000; i++) void p.send({ topic: 'ff', partition: 99, value: `v${i}` })
  void p.sendBatch([{ topic: 'ff', partition: 99, value: 'batch' }])
  await until('1,001 callbacks', () => calls === 1001)
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.same(unhandled, [], 'no unhandled rejection')
  await t.rejects(p.send({ topic: 'ff', partition: 99, value: 'awaited' }), { name: 'DeliveryTimeoutError', message: /partition 99.*asks for partition 99/ }, 'an awaited send still rejects')
  t.equal((await p.send({ topic: 'ff', partition: 0, value: 'ok' })).partition, 0)
  await p.close()
})

t.test('retriable partition errors are retried with the same sequence, in order', async (t) => {
  const c = new FakeCluster()
  c.addTopic('r', 1)
  const p = makeProducer(c, { lingerMs: 0, batchSize: 100, retryBackoffMs: 5, retryBackoffMaxMs: 10 })
  c.errors.push({ topic: 'r', partition: 0, code: 6 }) // NOT_LEADER_OR_FOLLOWER
  const metas = await Promise.all(Array.from({ length: 20 }, (_, i) => p.send({ topic: 'r', value: `r${i}` })))
  t.same(metas.map((m) => m.offset), metas.map((_, i) => BigInt(i)), 'offsets in send order')
  t.same(c.logs.get('r-0'), Array.from({ length: 20 }, (_, i) => `r${i}`), 'log in send order')
  t.ok(p.stats().retries >= 1)
  let next = 0
  for (const b of c.sent) {
    t.equal(b.baseSequence, next, 'sequences contiguous in the log')
    next += b.count
  }
  await p.close()
})

t.test('UNKNOWN_PRODUCER_ID bumps the epoch (KIP-360) and resends', async (t) => {
  const c = new FakeCluster()
  c.addTopic('u', 1)
  const p = makeProducer(c, { lingerMs: 0, retryBackoffMs: 5, retryBackoffMaxMs: 10 })
  await p.send({ topic: 'u', value: 'first' })
  c.errors.push({ topic: 'u', partition: 0, code: 59 })
  const m = await p.send({ topic: 'u', value: 'second' })
  t.equal(m.offset, 1n)
  t.equal(c.initProducerIdCalls.length, 2)
  t.equal(c.initProducerIdCalls[1].producerId, 42n, 'the bump names the current producer id')
  const last = c.sent[c.sent.length - 1]
  t.equal(last.producerEpoch, 1)
  t.equal(last.baseSequence, 0, 'sequences restart under the new epoch')
  await p.close()
})

t.test('non-retriable errors reject with the partition named; a retriable one past deliveryTimeoutMs rejects with DeliveryTimeoutError', async (t) => {
  const c = new FakeCluster()
  c.addTopic('e', 1)
  const p = makeProducer(c, { lingerMs: 0, acks: 1, deliveryTimeoutMs: 300, requestTimeoutMs: 200, retryBackoffMs: 20, retryBackoffMaxMs: 40 })
  c.errors.push({ topic: 'e', partition: 0, code: 10 }) // MESSAGE_TOO_LARGE
  await t.rejects(p.send({ topic: 'e', value: 'x' }), { code: 'MESSAGE_TOO_LARGE', message: /e-0/ })
  for (let i = 0; i < 100; i++) c.errors.push({ topic: 'e', partition: 0, code: 7 }) // REQUEST_TIMED_OUT
  await t.rejects(p.send({ topic: 'e', value: 'y' }), DeliveryTimeoutError)
  t.ok(p.stats().errors >= 2)
  c.errors.length = 0
  await p.close()
})

t.test('a topic never known expires its records with DeliveryTimeoutError', async (t) => {
  const c = new FakeCluster()
  const p = makeProducer(c, { deliveryTimeoutMs: 300, requestTimeoutMs: 200, lingerMs: 0, retryBackoffMs: 10, retryBackoffMaxMs: 20 })
  await t.rejects(p.send({ topic: 'nowhere', value: 'x' }), DeliveryTimeoutError)
  await p.close()
})

t.test('acks 0 resolves with offset -1', async (t) => {
  const c = new FakeCluster()
  c.addTopic('z', 1)
  const p = makeProducer(c, { acks: 0 })
  const m = await p.send({ topic: 'z', value: 'x' })
  t.equal(m.offset, -1n)
  t.equal(c.initProducerIdCalls.length, 0, 'no producer id without idempotence')
  await p.close()
})

t.test('delivery events, sampled, and onDeliveryError', async (t) => {
  const c = new FakeCluster()
  c.addTopic('d', 1)
  const failures: string[] = []
  const p = makeProducer(c, { deliveryReportSampling: 3, maxRequestSize: 2048, onDeliveryError: (r, e) => failures.push(`${String(r.value)}:${e.code}`) })
  const reports: DeliveryReport[] = []
  p.on('delivery', (r) => reports.push(r))
  await p.sendBatch(Array.from({ length: 9 }, (_, i) => ({ topic: 'd', value: `v${i}` })))
  t.equal(reports.length, 3, 'every third report')
  t.equal(reports[0].record?.value, 'v2')
  t.equal(reports[0].offset, 2n)
  const too = p.send({ topic: 'd', value: Buffer.alloc(5000) })
  await t.rejects(too, RecordTooLargeError)
  t.same(failures, [`${Buffer.alloc(5000).toString()}:MESSAGE_TOO_LARGE`], 'onDeliveryError saw the rejected record')
  t.equal(reports.length, 3, 'the failure was the 10th report: sampled out')
  await p.close()
})

t.test('stats', async (t) => {
  const c = new FakeCluster()
  c.addTopic('st', 2)
  const p = makeProducer(c, { statisticsIntervalMs: 20 })
  const seen = new Promise((resolve) => p.once('stats', resolve))
  await p.sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic: 'st', key: String(i), value: 'v' })))
  const s = p.stats()
  t.equal(s.recordsSent, 10)
  t.ok(s.batchesSent >= 1)
  t.ok(s.bytesSent > 0)
  t.equal(s.queueLength, 0)
  t.equal(s.bufferedBytes, 0)
  t.ok(s.brokers['1'].requests >= 1)
  const keepAlive = setTimeout(() => {}, 2000) // the stats timer is unref'd
  const emitted = (await seen) as { recordsSent: number }
  clearTimeout(keepAlive)
  t.equal(emitted.recordsSent, 10, 'the stats event carries the same counters')
  await p.close()
})

t.test('InitProducerId: retriable errors are retried, records expire naming it; a fatal error rejects everything', async (t) => {
  const c = new FakeCluster()
  c.addTopic('i', 1)
  c.initErrors = Array.from({ length: 1000 }, () => 15) // COORDINATOR_NOT_AVAILABLE
  const p = makeProducer(c, { deliveryTimeoutMs: 300, requestTimeoutMs: 200, lingerMs: 0, retryBackoffMs: 10, retryBackoffMaxMs: 20 })
  await t.rejects(p.send({ topic: 'i', value: 'x' }), { code: 'DELIVERY_TIMEOUT', message: /InitProducerId.*COORDINATOR_NOT_AVAILABLE/ })
  c.initErrors = []
  t.equal((await p.send({ topic: 'i', value: 'after the outage' })).offset, 0n, 'an outage longer than deliveryTimeoutMs is not fatal')
  await p.close()
  const reported: unknown[] = []
  const q = makeProducer(c, { deliveryTimeoutMs: 300, requestTimeoutMs: 200, lingerMs: 0, retryBackoffMs: 10, retryBackoffMaxMs: 20 }, reported)
  c.initErrors = [31] // CLUSTER_AUTHORIZATION_FAILED
  await t.rejects(q.send({ topic: 'i', value: 'y' }), { code: 'CLUSTER_AUTHORIZATION_FAILED' })
  await t.rejects(q.send({ topic: 'i', value: 'z' }), { code: 'CLUSTER_AUTHORIZATION_FAILED' }, 'later sends reject with the fatal error')
  t.match(reported, [{ code: 'CLUSTER_AUTHORIZATION_FAILED' }], "the fatal error reaches kafka.on('error') once")
  await p.close()
})

t.test('default partitioner: unkeyed records stick to one partition until its batch closes (KIP-480)', async (t) => {
  const c = new FakeCluster()
  c.addTopic('sticky', 8)
  const p = makeProducer(c, { batchSize: 300, lingerMs: 1000 })
  const metas = await p.sendBatch(Array.from({ length: 60 }, (_, i) => ({ topic: 'sticky', value: `unkeyed-record-${String(i).padStart(3, '0')}` })))
  const runs: number[] = []
  for (let i = 0; i < metas.length; i++) {
    if (i === 0 || metas[i].partition !== metas[i - 1].partition) runs.push(1)
    else runs[runs.length - 1]++
  }
  t.ok(runs.length > 1, `moved on after full batches (${runs.length} runs)`)
  t.ok(runs.slice(0, -1).every((n) => n >= 5), `each partition took a batch's worth of records before switching: ${runs.join(',')}`)
  await p.close()
})

t.test('MESSAGE_TOO_LARGE: the sender splits batches, later in-flight batches come back in order, sequences stay contiguous', async (t) => {
  const c = new FakeCluster()
  c.addTopic('big', 1)
  c.maxMessageBytes = 3000
  const p = makeProducer(c, { lingerMs: 60000, batchSize: 12000 })
  const warm = p.send({ topic: 'big', value: 'warm' })
  await p.flush()
  await warm
  const values = Array.from({ length: 120 }, (_, i) => `${i}:`.padEnd(i === 100 ? 4000 : 200, 'v'))
  const settled = Promise.allSettled(values.map((value) => p.send({ topic: 'big', value })))
  await p.flush()
  const results = await settled
  t.same(results.flatMap((r, i) => (r.status === 'rejected' ? [i] : [])), [100], 'only the record too large alone fails')
  const err = (results[100] as PromiseRejectedResult).reason as RecordTooLargeError
  t.ok(err instanceof RecordTooLargeError)
  t.equal(err.partition, 0)
  t.same(c.logs.get('big-0'), ['warm', ...values.filter((_, i) => i !== 100)], 'every other record once, in order')
  t.ok(p.stats().batchSplits >= 4, `${p.stats().batchSplits} splits`)
  // Sequences written: contiguous per epoch; the hole left by the failed record moved to a new epoch.
  const byEpoch = new Map<number, SentBatch[]>()
  for (const b of c.sent) byEpoch.set(b.producerEpoch, [...(byEpoch.get(b.producerEpoch) ?? []), b])
  t.equal(byEpoch.size, 2, 'one epoch bump, for the failed record')
  for (const list of byEpoch.values()) {
    let next = list[0].baseSequence
    for (const b of list) {
      t.equal(b.baseSequence, next)
      next += b.count
    }
  }
  await p.close()
})
