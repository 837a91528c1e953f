// SIGINT during `consume -g`: the CLI commits what it printed and leaves the group, so another
// member gets every partition at once rather than after the first one's session timeout.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { lines, runCli, startCli, waitFor } from './cli-runner.js'

t.test('SIGINT leaves the group cleanly and commits what was printed', async (t) => {
  const topic = uniqueTopic('cli-leave')
  const group = uniqueTopic('cli-leave-group')
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const admin = kafka.admin()
  const [created] = await admin.createTopics([{ name: topic, partitions: 3, replicationFactor: 1 }])
  t.equal(created.errorCode, 0)
  // Keyed, so every partition gets records.
  const produced = await runCli(['produce', '-t', topic, '-k', ':'], { input: Array.from({ length: 60 }, (_, i) => `k${i}:r${i}`).join('\n') })
  t.equal(produced.code, 0, produced.stderr)

  // A 30 s session: were LeaveGroup not sent, the next member would wait that long.
  const cli = startCli(['consume', '-t', topic, '-g', group, '-X', 'session.timeout.ms=30000', '-X', 'client.id=cli-first'])
  await waitFor('60 records printed', () => (lines(cli.stdout()).length >= 60 ? true : undefined), 90_000)
  const members = await admin.describeGroups([group])
  t.equal(members[0].members.length, 1)
  t.equal(members[0].members[0].clientId, 'cli-first')

  cli.child.kill('SIGINT')
  const result = await cli.done
  t.equal(result.code, 0, `exit 0 after SIGINT; stderr: ${result.stderr}`)
  t.same(lines(result.stdout).sort(), Array.from({ length: 60 }, (_, i) => `r${i}`).sort())
  t.match(result.stderr, /consumed 60 records/)

  const committed = await admin.fetchCommittedOffsets(group, [topic])
  t.equal(committed.length, 3)
  t.ok(committed.every((c) => c.offset > 0n), 'every partition committed')
  t.equal(committed.reduce((s, c) => s + Number(c.offset), 0), 60, 'committed what was printed')

  const after = await admin.describeGroups([group])
  t.equal(after[0].members.length, 0, 'no member left behind')
  t.equal(after[0].state, 'Empty')

  const second = kafka.consumer({ groupId: group, topics: [topic], sessionTimeoutMs: 30_000 })
  t.teardown(() => second.stop())
  const started = Date.now()
  let assigned = 0
  for (;;) {
    const ev = await second.poll(1000)
    if (ev.type === 'rebalance') {
      assigned = Object.keys(ev.assignment[topic] ?? {}).length
      break
    }
    if (Date.now() - started > 45_000) break
  }
  const ms = Date.now() - started
  t.equal(assigned, 3, 'the second member owns every partition')
  // Without the LeaveGroup the partitions would wait out the 30 s session timeout.
  t.ok(ms < 30_000, `assigned after ${ms} ms, before the 30 s session timeout`)
  await second.stop()
  await admin.deleteTopics([topic])
})

t.test('SIGTERM on a partition consumer exits 0 too', async (t) => {
  const topic = uniqueTopic('cli-term')
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  await kafka.admin().createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }])
  const cli = startCli(['consume', '-t', topic, '-o', 'end', '-d', 'broker'])
  // Connected to the partition leader (node 1 and up, not the bootstrap entry -1): fetching.
  await waitFor('the consumer to connect', () => (/DEBUG connected .*"nodeId":\d/.test(cli.stderr()) ? true : undefined), 60_000)
  await new Promise((r) => setTimeout(r, 1000))
  cli.child.kill('SIGTERM')
  const r = await cli.done
  t.equal(r.code, 0, r.stderr)
  await kafka.admin().deleteTopics([topic])
})

t.test('a reader that goes away (EPIPE) stops the consumer quietly with status 0', async (t) => {
  const topic = uniqueTopic('cli-epipe')
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  await kafka.admin().createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }])
  const produced = await runCli(['produce', '-t', topic], { input: Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n') })
  t.equal(produced.code, 0, produced.stderr)
  // Without -e this would run forever: only the closed pipe can stop it.
  const cli = startCli(['consume', '-t', topic, '-f', '%s %o %t %p\\n'])
  cli.child.stdout?.once('data', () => cli.child.stdout?.destroy())
  const r = await cli.done
  t.equal(r.code, 0, r.stderr)
  t.notMatch(r.stderr, /kafkats:|EPIPE|Error/)
  await kafka.admin().deleteTopics([topic])
})
