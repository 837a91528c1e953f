// The bad-input table (docs/reliability.md) rows that need no broker: every call fails with the
// typed error of its row, and no connection is opened (the socket factory counts them; it points
// at a closed port, so a row that slipped through would fail differently, not hang).
import net from 'node:net'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { Kafka, KafkaError } from '../../../src/index.js'
import { BAD_INPUT_ROWS, markdownTable, outcomeProblems, tableInDoc } from './bad-input-table.js'

let opened = 0
const kafka = new Kafka({
  bootstrapServers: '127.0.0.1:1',
  defaultApiTimeoutMs: 3000,
  connectionTimeoutMs: 1000,
  socketFactory: ({ host, port }) => {
    opened++
    return net.connect(port, host)
  },
})
t.teardown(() => kafka.disconnectAll())
const env = { kafka, Kafka: Kafka as never, topic: 'bad-input-never-created' }

for (const row of BAD_INPUT_ROWS.filter((r) => !r.broker)) {
  t.test(`${row.entry}, ${row.kind}: ${row.input}`, async (t) => {
    const before = opened
    const outcome = await row.run(env)
    t.same(outcomeProblems(row, outcome), [], 'the typed error of the row')
    t.type(outcome, KafkaError)
    t.equal(opened - before, 0, 'no connection opened: nothing sent')
  })
}

t.test('docs/reliability.md holds the table as generated', async (t) => {
  const doc = readFileSync(new URL('../../../docs/reliability.md', import.meta.url), 'utf8')
  t.equal(tableInDoc(doc), markdownTable(), 'run `node --import tsx test/unit/reliability/bad-input-table.ts` and paste its output between the markers')
})

t.test('every entry point has rows of each kind it can meet', async (t) => {
  const kinds = new Map<string, Set<string>>()
  for (const r of BAD_INPUT_ROWS) kinds.set(r.entry, (kinds.get(r.entry) ?? new Set()).add(r.kind))
  for (const entry of ['producer', 'admin']) t.same([...(kinds.get(entry) ?? [])].sort(), ['illegal topic name', 'non-integer count', 'unknown option', 'use after close', 'wrong type', ...(entry === 'producer' ? ['oversize record'] : [])].sort(), entry)
  for (const entry of ['Kafka constructor', 'consumer', 'CLI']) t.ok((kinds.get(entry)?.size ?? 0) >= 3, entry)
})
