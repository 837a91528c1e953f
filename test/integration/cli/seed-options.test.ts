// rkt-kafka's complex-consumer options on `kafkats` (issue 21): -q, -X dump with effective
// values, librdkafka's debug category names, and cooperative-sticky group consumption through
// -X partition.assignment.strategy=cooperative-sticky, against the real broker.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { lines, runCli, startCli, waitFor } from './cli-runner.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())

t.test('-X dump prints every property with its effective value, -X settings applied', async (t) => {
  const r = await runCli(['consume', '-t', 'x', '-X', 'linger.ms=7', '-X', 'dump', '-X', 'partition.assignment.strategy=cooperative-sticky', '-d', 'cgrp', '-d', 'topic', '-b', 'h1:1,h2:2'])
  t.equal(r.code, 0, r.stderr)
  const out = r.stdout.toString()
  for (const line of ['# client', 'bootstrap.servers = h1:1,h2:2', 'client.id = kafkats-cli', 'request.timeout.ms = 30000', 'debug = consumer,metadata', '# producer', 'linger.ms = 7', 'batch.size = 16384', '# consumer', 'partition.assignment.strategy = cooperative-sticky', 'max.poll.records = 10000', 'session.timeout.ms = 45000', '# admin', 'admin.timeout.ms = 30000']) {
    t.ok(lines(out).includes(line), line)
  }
  const bad = await runCli(['consume', '-X', 'linger.ms=oops', '-X', 'dump'])
  t.equal(bad.code, 2, 'a bad value is still a usage error')
  const hidden = await runCli(['metadata', '-X', 'dump', '-X', 'sasl.username=u', '-X', 'sasl.password=pw-secret'])
  t.equal(hidden.code, 0, hidden.stderr)
  t.notOk(hidden.stdout.toString().includes('pw-secret'), 'no password printed')
  t.ok(lines(hidden.stdout).includes('sasl.password = [hidden]'))
})

t.test("-q: no summary; -d takes librdkafka's names and may be repeated", async (t) => {
  const topic = uniqueTopic('cli-quiet')
  const produced = await runCli(['produce', '-t', topic, '-q'], { input: 'a\nb\nc\n' })
  t.equal(produced.code, 0, produced.stderr)
  t.equal(produced.stderr, '', 'produce -q: nothing on stderr')
  const quiet = await runCli(['consume', '-t', topic, '-e', '-q'])
  t.equal(quiet.code, 0, quiet.stderr)
  t.same(lines(quiet.stdout), ['a', 'b', 'c'])
  t.equal(quiet.stderr, '', 'consume -q: no summary')
  const loud = await runCli(['consume', '-t', topic, '-e'])
  t.match(loud.stderr, /consumed 3 records/)
  const debug = await runCli(['consume', '-t', topic, '-e', '-q', '-d', 'topic', '-d', 'cgrp,fetch', '-d', 'broker'])
  t.equal(debug.code, 0, debug.stderr)
  t.match(debug.stderr, /DEBUG metadata refreshed .*"category":"metadata"/, 'topic → metadata')
  t.match(debug.stderr, /DEBUG connected .*"category":"broker"/, 'broker')
  t.notMatch(debug.stderr, /consumed 3 records/)
  const generic = await runCli(['consume', '-t', topic, '-e', '-q', '-d', 'generic'])
  t.match(generic.stderr, /"category":"broker"/, 'generic → broker and metadata')
  t.match(generic.stderr, /"category":"metadata"/)
  const unknown = await runCli(['consume', '-t', topic, '-e', '-d', 'bogus'])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /unknown category "bogus"/)
})

t.test('consume -g with -X partition.assignment.strategy=cooperative-sticky: two processes share the partitions', async (t) => {
  const topic = uniqueTopic('cli-coop')
  const group = uniqueTopic('cli-coop-g')
  const admin = kafka.admin()
  t.teardown(() => admin.close())
  const [created] = await admin.createTopics([{ name: topic, partitions: 4, replicationFactor: 1 }])
  t.equal(created.errorCode, 0)
  const first = await runCli(['produce', '-t', topic, '-k', ':', '-q'], { input: Array.from({ length: 40 }, (_, i) => `k${i}:a${i}`).join('\n') })
  t.equal(first.code, 0, first.stderr)
  const args = ['consume', '-t', topic, '-g', group, '-X', 'partition.assignment.strategy=cooperative-sticky', '-X', 'session.timeout.ms=10000']
  const one = startCli([...args, '-X', 'client.id=coop-one'])
  t.teardown(() => void one.child.kill('SIGKILL'))
  await waitFor('the first member prints all 40', () => (lines(one.stdout()).length >= 40 ? true : undefined), 90_000)
  const two = startCli([...args, '-X', 'client.id=coop-two'])
  t.teardown(() => void two.child.kill('SIGKILL'))
  const shared = await waitFor(
    'both members own partitions',
    async () => {
      const [g] = await admin.describeGroups([group])
      const owned = g.members.map((m) => m.assignment?.partitions.flatMap((p) => p.partitions ?? []).length ?? 0)
      return g.state === 'Stable' && g.members.length === 2 && owned.every((n) => n > 0) && owned.reduce((a, b) => a + b, 0) === 4 ? g : undefined
    },
    90_000,
  )
  t.equal(shared.protocol, 'cooperative-sticky', 'the group runs the cooperative-sticky assignor')
  const second = await runCli(['produce', '-t', topic, '-k', ':', '-q'], { input: Array.from({ length: 40 }, (_, i) => `k${i}:b${i}`).join('\n') })
  t.equal(second.code, 0, second.stderr)
  const isNew = (l: string): boolean => l.startsWith('b')
  await waitFor('every new record printed', () => (new Set([...lines(one.stdout()), ...lines(two.stdout())].filter(isNew)).size === 40 ? true : undefined), 60_000)
  const oneNew = lines(one.stdout()).filter(isNew)
  const twoNew = lines(two.stdout()).filter(isNew)
  t.ok(oneNew.length > 0 && twoNew.length > 0, `both printed new records (${oneNew.length} + ${twoNew.length})`)
  t.equal(oneNew.length + twoNew.length, 40, 'each new record printed once')
  one.child.kill('SIGINT')
  two.child.kill('SIGINT')
  const [r1, r2] = await Promise.all([one.done, two.done])
  t.equal(r1.code, 0, r1.stderr)
  t.equal(r2.code, 0, r2.stderr)
  await admin.deleteTopics([topic])
})
