// The partition consumer (no group) against the real broker: start offsets, exitAtEnd,
// pause/resume, seek, lag, every compression codec, read_committed vs read_uncommitted.
import t from 'tap'
import type { Consumer } from '../../../src/consumer/consumer.js'
import type { ConsumerRecord } from '../../../src/consumer/consumer-record.js'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'
import { createTopic, numbered, produce, transaction } from '../../helpers/consumer-fixtures.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())

/** Every record until exitAtEnd ends the iteration. */
async function drain(c: Consumer): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = []
  for await (const b of c) out.push(...b.records)
  return out
}

const values = (rs: ConsumerRecord[]): string[] => rs.map((r) => String(r.value))

t.test('start offsets: earliest, latest, absolute, negative; exitAtEnd', async (t) => {
  const topic = uniqueTopic('pc-start')
  await createTopic(kafka, topic, 2)
  await produce(kafka, topic, 0, numbered('p0', 0, 10))
  await produce(kafka, topic, 1, numbered('p1', 0, 5))
  const run = async (offset: number | bigint | 'earliest' | 'latest', partition = 0): Promise<ConsumerRecord[]> => {
    const c = kafka.consumer({ assignments: [{ topic, partition, offset }], exitAtEnd: true, maxWaitMs: 100 })
    try {
      return await drain(c)
    } finally {
      await c.stop()
    }
  }
  t.same(values(await run('earliest')), numbered('p0', 0, 10).map((r) => String(r.value)))
  t.same(await run('latest'), [], 'latest at the end: nothing, and the iteration ends')
  t.same(values(await run(7)), ['p0-7', 'p0-8', 'p0-9'])
  t.same(values(await run(7n)), ['p0-7', 'p0-8', 'p0-9'])
  t.same(values(await run(-2)), ['p0-8', 'p0-9'], 'two before the end')
  t.same(values(await run(-100, 1)), numbered('p1', 0, 5).map((r) => String(r.value)), 'clamped at the log start offset')

  const both = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }, { topic, partition: 1, offset: 'earliest' }], exitAtEnd: true })
  const all = await drain(both)
  await both.stop()
  t.equal(all.length, 15)
  const r = all.find((x) => x.partition === 1 && x.offset === 3n)
  t.ok(r)
  t.equal(r?.topic, topic)
  t.equal(String(r?.key), '3')
  t.type(r?.timestamp, 'number')
  t.ok((r?.leaderEpoch ?? -1) >= 0, 'leader epoch from the batch')
})

t.test('poll: records, timeout, abort, end event, lag and position', async (t) => {
  const topic = uniqueTopic('pc-poll')
  await createTopic(kafka, topic, 1)
  await produce(kafka, topic, 0, numbered('v', 0, 20))
  const c = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], maxPollRecords: 8 })
  t.teardown(() => c.stop())
  const got: ConsumerRecord[] = []
  while (got.length < 20) {
    const ev = await c.poll(5000)
    t.equal(ev.type, 'records')
    if (ev.type === 'records') {
      t.ok(ev.records.length <= 8, 'maxPollRecords')
      got.push(...ev.records)
    }
  }
  t.same(got.map((r) => r.offset), Array.from({ length: 20 }, (_, i) => BigInt(i)))
  t.equal(c.position(topic, 0), 20n)
  t.same(c.lag(), [{ topic, partition: 0, position: 20n, highWatermark: 20n, lag: 0n }])
  t.same(c.assignment(), [{ topic, partition: 0 }])
  const start = Date.now()
  const empty = await c.poll(300)
  t.same(empty, { type: 'records', records: [] })
  t.ok(Date.now() - start >= 250, 'waited for the timeout')
  const ac = new AbortController()
  setTimeout(() => ac.abort(), 50)
  const aborted = await c.poll(60_000, { signal: ac.signal })
  t.same(aborted, { type: 'records', records: [] }, 'abort resolves early with no records')

  const end = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 18 }], exitAtEnd: true })
  t.teardown(() => end.stop())
  const first = await end.poll(5000)
  t.equal(first.type === 'records' ? first.records.length : -1, 2)
  t.same(await end.poll(5000), { type: 'end' })
})

t.test('pause, resume and seek', async (t) => {
  const topic = uniqueTopic('pc-pause')
  await createTopic(kafka, topic, 2)
  await produce(kafka, topic, 0, numbered('a', 0, 5))
  await produce(kafka, topic, 1, numbered('b', 0, 5))
  const c = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }, { topic, partition: 1, offset: 'earliest' }], maxWaitMs: 100 })
  t.teardown(() => c.stop())
  c.pause([{ topic, partitions: [1] }])
  t.same(c.paused(), [{ topic, partition: 1 }])
  const seen: ConsumerRecord[] = []
  for (let i = 0; i < 10 && seen.length < 5; i++) {
    const ev = await c.poll(500)
    if (ev.type === 'records') seen.push(...ev.records)
  }
  t.same(new Set(seen.map((r) => r.partition)), new Set([0]), 'only the unpaused partition')
  t.equal(seen.length, 5)
  const more = await c.poll(500)
  t.same(more, { type: 'records', records: [] }, 'paused partition stays silent')
  c.resume([{ topic }])
  const resumed: ConsumerRecord[] = []
  for (let i = 0; i < 10 && resumed.length < 5; i++) {
    const ev = await c.poll(1000)
    if (ev.type === 'records') resumed.push(...ev.records)
  }
  t.same(values(resumed), ['b-0', 'b-1', 'b-2', 'b-3', 'b-4'])

  c.seek(topic, 0, 2)
  t.equal(c.position(topic, 0), 2n)
  const again = await c.poll(5000)
  t.same(again.type === 'records' ? values(again.records) : [], ['a-2', 'a-3', 'a-4'])
  c.seek(topic, 1, 'earliest')
  const fromStart: ConsumerRecord[] = []
  for (let i = 0; i < 10 && fromStart.length < 5; i++) {
    const ev = await c.poll(1000)
    if (ev.type === 'records') fromStart.push(...ev.records)
  }
  t.same(values(fromStart), ['b-0', 'b-1', 'b-2', 'b-3', 'b-4'])
  t.throws(() => c.seek(topic, 9, 0), { code: 'INVALID_CONFIG' })
})

t.test('every compression codec reads back the same records', async (t) => {
  const topic = uniqueTopic('pc-codec')
  await createTopic(kafka, topic, 1)
  const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
  for (const compression of codecs) {
    await produce(kafka, topic, 0, numbered(compression, 0, 50).map((r, i) => ({ ...r, headers: [{ key: 'h', value: Buffer.from(String(i)) }] })), { compression })
  }
  const c = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], exitAtEnd: true })
  const all = await drain(c)
  await c.stop()
  t.equal(all.length, 250)
  for (const [k, compression] of codecs.entries()) {
    const part = all.slice(k * 50, k * 50 + 50)
    t.same(values(part), numbered(compression, 0, 50).map((r) => String(r.value)), compression)
    t.same(part.map((r) => String(r.headers[0]?.value)), Array.from({ length: 50 }, (_, i) => String(i)), `${compression} headers`)
  }
})

t.test('read_committed hides an aborted transaction, read_uncommitted shows it', async (t) => {
  const topic = uniqueTopic('pc-txn')
  await createTopic(kafka, topic, 1)
  await produce(kafka, topic, 0, numbered('before', 0, 3))
  await transaction(kafka, topic, 0, numbered('aborted', 0, 4), false)
  await produce(kafka, topic, 0, numbered('between', 0, 2))
  await transaction(kafka, topic, 0, numbered('committed', 0, 2), true)
  await produce(kafka, topic, 0, numbered('after', 0, 1))
  // EndTxn returns before the commit marker is written: wait until the last stable offset
  // reaches the high watermark, or read_committed rightly stops short of the last records.
  const admin = kafka.admin()
  await waitFor('the last stable offset to reach the high watermark', async () => {
    const [hw] = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }])
    const [lso] = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }], { isolationLevel: 'read_committed' })
    return hw.offset === lso.offset
  })
  await admin.close()
  const read = async (isolationLevel: 'read_committed' | 'read_uncommitted'): Promise<string[]> => {
    const c = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }], exitAtEnd: true, isolationLevel })
    try {
      return values(await drain(c))
    } finally {
      await c.stop()
    }
  }
  const committed = await read('read_committed')
  t.same(committed, ['before-0', 'before-1', 'before-2', 'between-0', 'between-1', 'committed-0', 'committed-1', 'after-0'])
  const uncommitted = await read('read_uncommitted')
  t.same(uncommitted, ['before-0', 'before-1', 'before-2', 'aborted-0', 'aborted-1', 'aborted-2', 'aborted-3', 'between-0', 'between-1', 'committed-0', 'committed-1', 'after-0'])
})

t.test('committed start and standalone commits with a groupId', async (t) => {
  const topic = uniqueTopic('pc-commit')
  const groupId = uniqueTopic('pc-group')
  await createTopic(kafka, topic, 1)
  await produce(kafka, topic, 0, numbered('c', 0, 10))
  const a = kafka.consumer({ groupId, assignments: [{ topic, partition: 0 }], resetStrategy: 'earliest' })
  const ev = await a.poll(5000)
  t.equal(ev.type === 'records' ? ev.records[0].offset : -1n, 0n, 'no committed offset: resetStrategy earliest')
  await a.commit([{ topic, partition: 0, offset: 6n }])
  await a.stop()
  const b = kafka.consumer({ groupId, assignments: [{ topic, partition: 0, offset: 'committed' }] })
  const ev2 = await b.poll(5000)
  t.equal(ev2.type === 'records' ? ev2.records[0].offset : -1n, 6n, 'starts at the committed offset')
  await b.stop()
  const none = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 0 }] })
  await t.rejects(none.commit(), { code: 'INVALID_CONFIG' })
  await none.stop()
  await t.rejects(none.poll(10), { code: 'CLIENT_CLOSED' })
  await none.stop()
})
