// The bad-input table (docs/reliability.md) rows that need the broker: the broker's error arrives
// typed (an illegal topic name given to the producer), and the CLI exits 2 with one line. While a
// row runs, no write request (Produce, CreateTopics, ...) leaves the client: the request
// diagnostics channel is watched. Also: topic config values given as numbers or booleans are
// sent as strings (they failed as PROTOCOL_DECODE "encoding CreateTopics v7 failed").
import diagnostics from 'node:diagnostics_channel'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { Kafka, KafkaError } from '../../../src/index.js'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { cliEnv, runCli } from '../cli/cli-runner.js'
import { BAD_INPUT_ROWS, markdownTable, outcomeProblems, tableInDoc } from '../../unit/reliability/bad-input-table.js'

/** Produce, OffsetCommit, CreateTopics, DeleteTopics, DeleteRecords, CreateAcls, DeleteAcls, CreatePartitions, IncrementalAlterConfigs. */
const WRITE_APIS = new Set([0, 8, 19, 20, 21, 30, 31, 37, 44])

const kafka = newKafka()
const admin = kafka.admin()
t.teardown(() => kafka.disconnectAll())

const writes: string[] = []
const onRequest = (m: unknown): void => {
  const r = m as { apiKey: number; apiName: string }
  if (WRITE_APIS.has(r.apiKey)) writes.push(r.apiName)
}

t.test('topic config values given as numbers and booleans are sent as strings', async (t) => {
  const name = uniqueTopic('bad-input-configs')
  const [created] = await admin.createTopics([{ name, partitions: 1, configs: { 'retention.ms': 3_600_000, 'unclean.leader.election.enable': false } }])
  t.equal(created.errorCode, 0, created.errorMessage ?? '')
  t.equal(created.configs.find((c) => c.name === 'retention.ms')?.value, '3600000')
  t.equal(created.configs.find((c) => c.name === 'unclean.leader.election.enable')?.value, 'false')
  const [altered] = await admin.incrementalAlterConfigs([{ type: 'topic', name, configs: [{ name: 'retention.ms', value: 7_200_000 }] }])
  t.equal(altered.errorCode, 0, altered.errorMessage ?? '')
  const [described] = await admin.describeConfigs([{ type: 'topic', name, keys: ['retention.ms'] }])
  t.equal(described.configs[0]?.value, '7200000')
  await admin.deleteTopics([name])
})

t.test('broker rows', async (t) => {
  const topic = uniqueTopic('bad-input')
  const [created] = await admin.createTopics([{ name: topic, partitions: 1 }])
  t.equal(created.errorCode, 0)
  t.teardown(() => admin.deleteTopics([topic]).then(() => undefined))
  const env = {
    kafka,
    Kafka: Kafka as never,
    topic,
    cli: (args: readonly string[], input?: string) => runCli(args, { env: cliEnv(), ...(input === undefined ? {} : { input }) }),
  }
  diagnostics.subscribe('kafkats:request', onRequest)
  t.teardown(() => diagnostics.unsubscribe('kafkats:request', onRequest))
  for (const row of BAD_INPUT_ROWS.filter((r) => r.broker)) {
    await t.test(`${row.entry}, ${row.kind}: ${row.input}`, async (t) => {
      writes.length = 0
      const outcome = await row.run(env)
      t.same(outcomeProblems(row, outcome), [], 'the typed error of the row')
      if (row.entry !== 'CLI') t.type(outcome, KafkaError)
      if (row.writes !== true) t.same(writes, [], 'no write request sent')
    })
  }
})

t.test('docs/reliability.md holds the table as generated', async (t) => {
  const doc = readFileSync(new URL('../../../docs/reliability.md', import.meta.url), 'utf8')
  t.equal(tableInDoc(doc), markdownTable())
})
