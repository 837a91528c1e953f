// produce (file, stdin, keys, headers, codecs) and consume (-e, -o, -f, -A, -c, groups) through the real CLI.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { lines, runCli } from './cli-runner.js'

const topic = uniqueTopic('cli-pc')
const dir = mkdtempSync(join(tmpdir(), 'kafkats-cli-'))
const fileLines = Array.from({ length: 300 }, (_, i) => `k${i % 7}:value ${i} ${'x'.repeat(i % 50)}`)
const file = join(dir, 'input.txt')
writeFileSync(file, fileLines.join('\n') + '\n')
const stdinLines = ['alpha', 'beta', '', 'gamma é']

const sorted = (a: readonly string[]): string[] => [...a].sort()

t.test('topic create', async (t) => {
  const r = await runCli(['topic', 'create', topic, '-P', '3', '-R', '1'])
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout.toString(), `created topic ${topic} with 3 partitions, replication factor 1\n`)
})

t.test('produce a file with keys and a header', async (t) => {
  const r = await runCli(['produce', '-t', topic, '-k', ':', '-H', 'source=file', file])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stderr, new RegExp(`^produced 300 records \\(0\\.\\d\\d MB\\) in [\\d.]+ s: \\d+ records/s, [\\d.]+ MB/s to ${topic}\\n$`))
  t.equal(r.stdout.length, 0)
})

t.test('produce stdin with zstd and acks 1, JSON summary', async (t) => {
  const r = await runCli(['produce', '-t', topic, '-z', 'zstd', '--acks', '1', '-p', '2', '--json'], { input: stdinLines.join('\n') })
  t.equal(r.code, 0, r.stderr)
  const summary = JSON.parse(r.stdout.toString()) as Record<string, unknown>
  t.match(summary, { topic, records: 4, bytes: Buffer.byteLength(stdinLines.join('')), durationMs: Number, recordsPerSecond: Number, megabytesPerSecond: Number })
  t.equal(r.stderr, '')
})

const values = [...fileLines.map((l) => l.slice(l.indexOf(':') + 1)), ...stdinLines]

t.test('consume -e from the beginning: every value once', async (t) => {
  const r = await runCli(['consume', '-t', topic, '-e'])
  t.equal(r.code, 0, r.stderr)
  t.same(sorted(lines(r.stdout)), sorted(values))
  t.match(r.stderr, /^consumed 304 records /)
})

t.test('-f with every field', async (t) => {
  const r = await runCli(['consume', '-t', topic, '-e', '-f', '%t|%p|%o|%k|%s|%h|%K|%S|%T\\n'])
  t.equal(r.code, 0, r.stderr)
  const rows = lines(r.stdout).map((l) => l.split('|'))
  t.equal(rows.length, 304)
  const keyed = rows.filter((f) => f[3] !== '')
  t.equal(keyed.length, 300)
  t.same(keyed.filter((f) => f[0] !== topic), [], '%t is the topic')
  t.same(keyed.filter((f) => f[5] !== 'source=file'), [], '%h shows the header')
  t.same(keyed.filter((f) => Number(f[6]) !== Buffer.byteLength(f[3]) || Number(f[7]) !== Buffer.byteLength(f[4])), [], '%K and %S are byte lengths')
  t.same(keyed.filter((f) => Math.abs(Number(f[8]) - Date.now()) > 10 * 60_000), [], '%T is a timestamp in ms near now')
  t.same(sorted(keyed.map((f) => `${f[3]}:${f[4]}`)), sorted(fileLines), 'keys and values split at the first delimiter')
  // Keys decide partitions: every record of a key is in one partition.
  const partitionsOfKey = new Map<string, Set<string>>()
  for (const f of keyed) partitionsOfKey.set(f[3], (partitionsOfKey.get(f[3]) ?? new Set()).add(f[1]))
  t.same([...partitionsOfKey.values()].filter((s) => s.size !== 1), [], 'each key stays in one partition')
  const p2 = rows.filter((f) => f[1] === '2' && f[3] === '').map((f) => f[4])
  t.same(p2, stdinLines, 'stdin lines went to -p 2, in order, with no key')
})

t.test('-o -N, -o N and -o end on one partition', async (t) => {
  const all = await runCli(['consume', '-t', `${topic}:2`, '-e', '-f', '%o %s\\n'])
  t.equal(all.code, 0, all.stderr)
  const rows = lines(all.stdout)
  const last = rows.length - 1
  const tail = await runCli(['consume', '-t', `${topic}:2`, '-o', '-2', '-e', '-f', '%o %s\\n'])
  t.equal(tail.code, 0, tail.stderr)
  t.same(lines(tail.stdout), rows.slice(-2))
  const from = await runCli(['consume', '-t', `${topic}:2`, '-o', String(last), '-e', '-f', '%o\\n'])
  t.same(lines(from.stdout), [String(last)])
  const end = await runCli(['consume', '-t', `${topic}:2`, '-o', 'end', '-e'])
  t.equal(end.code, 0, end.stderr)
  t.equal(end.stdout.length, 0)
})

t.test('-A prints raw values and nothing on stderr', async (t) => {
  const r = await runCli(['consume', '-t', `${topic}:2`, '-e', '-A'])
  t.equal(r.code, 0)
  t.equal(r.stderr, '')
  t.same(lines(r.stdout).slice(-4), stdinLines)
})

t.test('-c stops after COUNT records', async (t) => {
  const r = await runCli(['consume', '-t', topic, '-c', '5'])
  t.equal(r.code, 0, r.stderr)
  t.equal(lines(r.stdout).length, 5)
})

t.test('group consume -e commits what it printed; offsets shows no lag', async (t) => {
  const group = uniqueTopic('cli-group')
  const r = await runCli(['consume', '-t', topic, '-g', group, '-e'])
  t.equal(r.code, 0, r.stderr)
  t.same(sorted(lines(r.stdout)), sorted(values))

  const again = await runCli(['consume', '-t', topic, '-g', group, '-e'])
  t.equal(again.code, 0, again.stderr)
  t.equal(again.stdout.length, 0, 'a second run starts at the committed offsets: nothing left')

  const text = await runCli(['offsets', '-g', group])
  t.equal(text.code, 0, text.stderr)
  t.match(text.stdout.toString(), /^TOPIC\s+PARTITION\s+COMMITTED\s+END\s+LAG\s+OWNER\s+HOST\n/)
  t.match(text.stdout.toString(), /total lag 0\n$/)

  const json = await runCli(['offsets', '-g', group, '-t', topic, '--json'])
  t.equal(json.code, 0, json.stderr)
  const report = JSON.parse(json.stdout.toString()) as { groupId: string; partitions: { topic: string; partition: number; committedOffset: number; endOffset: number; lag: number }[] }
  t.equal(report.groupId, group)
  t.equal(report.partitions.length, 3)
  t.equal(report.partitions.reduce((s, p) => s + p.committedOffset, 0), 304)
  for (const p of report.partitions) {
    t.equal(p.lag, 0)
    t.equal(p.committedOffset, p.endOffset)
  }
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const committed = await kafka.admin().fetchCommittedOffsets(group, [topic])
  t.equal(committed.reduce((s, c) => s + Number(c.offset), 0), 304, 'the broker has the commits')
})

t.test('-c in a group commits only the printed records', async (t) => {
  const group = uniqueTopic('cli-group-c')
  const r = await runCli(['consume', '-t', topic, '-g', group, '-c', '10'])
  t.equal(r.code, 0, r.stderr)
  t.equal(lines(r.stdout).length, 10)
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const committed = await kafka.admin().fetchCommittedOffsets(group, [topic])
  t.equal(committed.filter((c) => c.offset >= 0n).reduce((s, c) => s + Number(c.offset), 0), 10)
})

t.test('topic delete', async (t) => {
  const r = await runCli(['topic', 'delete', topic])
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout.toString(), `deleted topic ${topic}\n`)
})
