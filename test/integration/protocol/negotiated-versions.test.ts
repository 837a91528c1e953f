// The topic-id versions against the broker under test, as the `kafkats:request` diagnostics
// channel shows them: produce, group consume, commit, read the commit back (consumer and admin).
// Against Kafka 4.4+ these are Produce v13, Fetch v18, OffsetCommit v10, OffsetFetch v10 and
// Metadata v13 (topics named by id); an older broker negotiates down to the name versions and
// the same exchanges work.
import t from 'tap'
import diagnostics from 'node:diagnostics_channel'
import { Fetch } from '../../../src/protocol/messages/fetch.js'
import { Metadata } from '../../../src/protocol/messages/metadata.js'
import { OffsetCommit } from '../../../src/protocol/messages/offset-commit.js'
import { OffsetFetch } from '../../../src/protocol/messages/offset-fetch.js'
import { Produce } from '../../../src/protocol/messages/produce.js'
import { brokerAtLeast, newKafka, uniqueTopic } from '../../helpers/cluster.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())

/** Versions used per API name, from the kafkats:request channel. */
const seen = new Map<string, Set<number>>()
const onRequest = (message: unknown): void => {
  const m = message as { apiName: string; version: number }
  let s = seen.get(m.apiName)
  if (s === undefined) seen.set(m.apiName, (s = new Set()))
  s.add(m.version)
}
diagnostics.subscribe('kafkats:request', onRequest)
t.teardown(() => diagnostics.unsubscribe('kafkats:request', onRequest))

t.test('produce, group consume, commit and fetch the commit at the negotiated versions', async (t) => {
  const topic = uniqueTopic('versions')
  const groupId = uniqueTopic('g-versions')
  const admin = kafka.admin()
  t.teardown(() => admin.close())
  const [created] = await admin.createTopics([{ name: topic, partitions: 2 }])
  t.equal(created.errorCode, 0, 'topic created')
  t.teardown(() => admin.deleteTopics([topic]).then(() => undefined))

  const producer = kafka.producer()
  t.teardown(() => producer.close())
  const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send({ topic, partition: i % 2, key: `k${i}`, value: `v${i}` })))
  t.equal(sent.length, 20, 'every record acknowledged')
  t.ok(sent.every((m) => m.topic === topic && m.offset >= 0n), 'offsets come back under the topic name')

  const consumer = kafka.consumer({ groupId, topics: [topic], resetStrategy: 'earliest' })
  let got = 0
  for (let i = 0; i < 60 && got < 20; i++) {
    const ev = await consumer.poll(1000)
    if (ev.type === 'records') got += ev.records.length
  }
  t.equal(got, 20, 'the group member read every record')
  await consumer.commit()
  await consumer.stop()

  const committed = await admin.fetchCommittedOffsets(groupId, [topic])
  t.same(committed.map((c) => [c.topic, c.partition, c.offset, c.errorCode]), [[topic, 0, 10n, 0], [topic, 1, 10n, 0]], 'admin reads the commit back by name')
  const all = await admin.fetchCommittedOffsets(groupId)
  t.same(all.map((c) => [c.topic, c.partition, c.offset]), [[topic, 0, 10n], [topic, 1, 10n]], 'every committed offset (answered by id) maps back to names')

  // A new member starts at the commit (OffsetFetch through the consumer's offsets path).
  await producer.send({ topic, partition: 0, value: 'after' })
  const again = kafka.consumer({ groupId, topics: [topic], resetStrategy: 'earliest' })
  t.teardown(() => again.stop())
  let first: { partition: number; offset: bigint; value: string } | null = null
  for (let i = 0; i < 60 && first === null; i++) {
    const ev = await again.poll(1000)
    if (ev.type === 'records' && ev.records.length > 0) first = { partition: ev.records[0].partition, offset: ev.records[0].offset, value: String(ev.records[0].value) }
  }
  t.same(first, { partition: 0, offset: 10n, value: 'after' }, 'the next member starts at the committed offset')

  const versions = (name: string): number[] => [...(seen.get(name) ?? [])].sort((a, b) => a - b)
  t.comment(`negotiated: ${['Produce', 'Fetch', 'OffsetCommit', 'OffsetFetch', 'Metadata'].map((n) => `${n} v${versions(n).join('/')}`).join(', ')}`)
  if (brokerAtLeast('4.4')) {
    t.same(versions('Produce'), [Produce.maxVersion], 'Produce v13 (topic ids)')
    t.same(versions('Fetch'), [Fetch.maxVersion], 'Fetch v18')
    t.same(versions('OffsetCommit'), [OffsetCommit.maxVersion], 'OffsetCommit v10 (topic ids)')
    t.same(versions('OffsetFetch'), [OffsetFetch.maxVersion], 'OffsetFetch v10 (topic ids)')
    t.same(versions('Metadata'), [Metadata.maxVersion], 'Metadata v13')
    t.equal(Produce.maxVersion, 13)
    t.equal(Fetch.maxVersion, 18)
    t.equal(OffsetCommit.maxVersion, 10)
    t.equal(OffsetFetch.maxVersion, 10)
    t.equal(Metadata.maxVersion, 13)
  } else {
    for (const name of ['Produce', 'Fetch', 'OffsetCommit', 'OffsetFetch', 'Metadata']) t.equal(versions(name).length, 1, `${name}: one version negotiated`)
  }
})
