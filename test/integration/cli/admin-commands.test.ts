// metadata, topic, group and offsets commands in text and --json against the real broker.
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { lines, runCli } from './cli-runner.js'

t.test('metadata, topic describe, group list/describe/delete, offsets', async (t) => {
  const topic = uniqueTopic('cli-admin')
  const group = uniqueTopic('cli-admin-group')
  const created = await runCli(['topic', 'create', topic, '-P', '2', '-C', 'retention.ms=3600000', '-C', 'cleanup.policy=delete'])
  t.equal(created.code, 0, created.stderr)

  const again = await runCli(['topic', 'create', topic])
  t.equal(again.code, 1, 'an existing topic is a failure')
  t.match(again.stderr, new RegExp(`^kafkats: topic ${topic}: TOPIC_ALREADY_EXISTS \\(36\\)`))

  const meta = await runCli(['metadata', '-t', topic])
  t.equal(meta.code, 0, meta.stderr)
  const text = meta.stdout.toString()
  t.match(text, /^cluster \S+, controller -?\d+\n1 broker:\n  broker \d+ at 127\.0\.0\.1:\d+/)
  t.match(text, new RegExp(`topic "${topic}" with 2 partitions:\\n    partition 0, leader \\d+, epoch \\d+, replicas: \\d+, isr: \\d+\\n    partition 1,`))

  const metaJson = await runCli(['metadata', '--json'])
  t.equal(metaJson.code, 0, metaJson.stderr)
  const m = JSON.parse(metaJson.stdout.toString()) as { brokers: { nodeId: number; host: string; port: number }[]; topics: { name: string; isInternal: boolean; partitions: { partition: number; leader: number; isr: number[] }[] }[] }
  t.equal(m.brokers.length, 1)
  const mine = m.topics.find((x) => x.name === topic)
  t.equal(mine?.partitions.length, 2)
  t.same(mine?.partitions[0].isr, [m.brokers[0].nodeId])
  t.notOk(m.topics.some((x) => x.isInternal), 'internal topics only with -I')

  const produced = await runCli(['produce', '-t', `${topic}`, '-p', '1'], { input: 'a\nb\nc\n' })
  t.equal(produced.code, 0, produced.stderr)

  const describe = await runCli(['topic', 'describe', topic])
  t.equal(describe.code, 0, describe.stderr)
  const d = describe.stdout.toString()
  t.match(d, new RegExp(`^topic ${topic}  id \\S+  partitions 2  replication 1\\n`))
  t.match(d, /PARTITION\s+LEADER\s+REPLICAS\s+ISR\s+LOG-START\s+HIGH-WATERMARK\n0\s+\d+\s+\d+\s+\d+\s+0\s+0\n1\s+\d+\s+\d+\s+\d+\s+0\s+3\n/)
  t.match(d, /configs:\n(  .*\n)*  retention\.ms=3600000  \(topicConfig\)/)

  const describeJson = await runCli(['topic', 'describe', topic, '--json'])
  const dj = JSON.parse(describeJson.stdout.toString()) as { name: string; partitionOffsets: { partition: number; highWatermark: number }[]; configs: { name: string; value: string }[] }[]
  t.equal(dj[0].name, topic)
  t.same(dj[0].partitionOffsets.map((p) => p.highWatermark), [0, 3])
  t.ok(dj[0].configs.some((c) => c.name === 'cleanup.policy' && c.value === 'delete'))

  const missing = await runCli(['topic', 'describe', `${topic}-missing`])
  t.equal(missing.code, 1)
  t.match(missing.stderr, /UNKNOWN_TOPIC_OR_PARTITION \(3\)/)

  // A live member for group describe.
  const kafka = newKafka({ clientId: 'cli-admin-member' })
  t.teardown(() => kafka.disconnectAll())
  const member = kafka.consumer({ groupId: group, topics: [topic], resetStrategy: 'earliest' })
  for (;;) {
    const ev = await member.poll(1000)
    if (ev.type === 'rebalance') break
  }
  const consumed = await member.poll(5000)
  await member.commit()
  t.equal(consumed.type === 'records' ? consumed.records.length : -1, 3)

  const list = await runCli(['group', 'list'])
  t.equal(list.code, 0, list.stderr)
  t.match(list.stdout.toString(), /^GROUP\s+STATE\s+TYPE\s+PROTOCOL-TYPE\s+COORDINATOR\n/)
  t.match(list.stdout.toString(), new RegExp(`\\n${group}\\s+Stable\\s+\\S+\\s+consumer\\s+\\d+\\n`))
  const listJson = JSON.parse((await runCli(['group', 'list', '--json'])).stdout.toString()) as { groupId: string; state: string; protocolType: string }[]
  t.match(listJson.find((g) => g.groupId === group), { state: 'Stable', protocolType: 'consumer' })

  const gd = await runCli(['group', 'describe', group])
  t.equal(gd.code, 0, gd.stderr)
  t.match(gd.stdout.toString(), new RegExp(`^group ${group}  state Stable  protocol consumer/range  1 member\\n`))
  t.match(gd.stdout.toString(), new RegExp(`MEMBER-ID\\s+INSTANCE-ID\\s+CLIENT-ID\\s+HOST\\s+ASSIGNMENT\\n\\S+\\s+-\\s+cli-admin-member\\s+/?127\\.0\\.0\\.1\\s+${topic}:0,1\\n`))
  const gdJson = JSON.parse((await runCli(['group', 'describe', group, '--json'])).stdout.toString()) as { state: string; members: { clientId: string; assignment: { partitions: { topic: string; partitions: number[] }[] } }[] }[]
  t.equal(gdJson[0].members[0].clientId, 'cli-admin-member')
  t.same(gdJson[0].members[0].assignment.partitions, [{ topic, partitions: [0, 1] }])

  const offsets = await runCli(['offsets', '-g', group])
  t.equal(offsets.code, 0, offsets.stderr)
  t.match(offsets.stdout.toString(), new RegExp(`${topic}\\s+1\\s+3\\s+3\\s+0\\s+cli-admin-member\\s+/?127\\.0\\.0\\.1\\n`))

  const busy = await runCli(['group', 'delete', group])
  t.equal(busy.code, 1, 'a group with members cannot be deleted')
  t.match(busy.stderr, /NON_EMPTY_GROUP \(68\)/)

  await member.stop()
  const gone = await runCli(['group', 'delete', group, '--json'])
  t.equal(gone.code, 0, gone.stderr)
  t.match(JSON.parse(gone.stdout.toString()), [{ groupId: group, errorCode: 0 }])
  const none = await runCli(['offsets', '-g', group])
  t.equal(none.stdout.toString(), `group ${group} has no committed offsets\n`)

  const deleted = await runCli(['topic', 'delete', topic, `${topic}-never`])
  t.equal(deleted.code, 1, 'one of two topics missing')
  t.same(lines(deleted.stdout), [`deleted topic ${topic}`])
  t.match(deleted.stderr, new RegExp(`topic ${topic}-never: UNKNOWN_TOPIC_OR_PARTITION`))
})
