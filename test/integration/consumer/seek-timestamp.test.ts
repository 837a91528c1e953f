// consumer.seek to a timestamp (Java's offsetsForTimes + seek), through ListOffsets by time on the
// one offsets path: the first record whose timestamp is at or after it, the end when none is.
import t from 'tap'
import { ConfigError } from '../../../src/index.js'
import { createTopic, produce } from '../../helpers/consumer-fixtures.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'

const T0 = Date.UTC(2025, 0, 1)

t.test('seek by timestamp', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('seek-ts')
  await createTopic(kafka, topic, 1)
  // Offsets 0..9 with create times T0, T0+1000, ...
  await produce(kafka, topic, 0, Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: T0 + i * 1000 })))

  const consumer = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'latest' }], maxWaitMs: 100 })
  t.teardown(() => consumer.stop())
  const next = async (): Promise<{ offset: bigint; value: string }> => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const e = await consumer.poll(500)
      if (e.type === 'records' && e.records.length > 0) return { offset: e.records[0].offset, value: e.records[0].value?.toString() ?? '' }
    }
    throw new Error('no record')
  }
  await consumer.poll(100) // positioned at the end

  consumer.seek(topic, 0, { timestamp: T0 + 3500 })
  t.same(await next(), { offset: 4n, value: 'v4' }, 'between records: the next one after the timestamp')

  consumer.seek(topic, 0, { timestamp: BigInt(T0 + 7000) })
  t.same(await next(), { offset: 7n, value: 'v7' }, 'exactly a record timestamp (bigint)')

  consumer.seek(topic, 0, { timestamp: new Date(T0 - 60_000) })
  t.same(await next(), { offset: 0n, value: 'v0' }, 'before every record (a Date): the first')

  consumer.seek(topic, 0, { timestamp: T0 + 3_600_000 })
  for (const deadline = Date.now() + 30_000; consumer.position(topic, 0) === undefined && Date.now() < deadline;) await consumer.poll(100)
  t.equal(consumer.position(topic, 0), 10n, 'after every record: the end')

  t.throws(() => consumer.seek(topic, 0, { timestamp: -5 }), ConfigError, 'a negative timestamp')
  t.throws(() => consumer.seek(topic, 0, { timestamp: 1.5 }), ConfigError, 'not an integer')
  t.throws(() => consumer.seek(topic, 0, { timestamp: new Date(Number.NaN) }), ConfigError, 'an invalid Date')
})
