// A member killed with SIGKILL loses its partitions after the session timeout; the others take
// them over from its last commit, and no record is lost.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { bootstrap, newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic, numbered, produce } from '../../helpers/consumer-fixtures.js'
import { type Member, settled, startMember, until } from '../../helpers/group-members.js'

const admin = newKafka()
t.teardown(() => admin.disconnectAll())

t.test('SIGKILLed member: partitions move after the session timeout, nothing lost', async (t) => {
  const topic = uniqueTopic('kill')
  const groupId = uniqueTopic('g-kill')
  const SESSION = 6000
  await createTopic(admin, topic, 6)
  for (let p = 0; p < 6; p++) await produce(admin, topic, p, numbered(`p${p}`, 0, 500))

  const script = fileURLToPath(new URL('../../helpers/child-consumer.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, KAFKA_BOOTSTRAP: bootstrap(), CHILD_TOPIC: topic, CHILD_GROUP: groupId, CHILD_SESSION_TIMEOUT_MS: String(SESSION) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const childCommitted = new Set<string>()
  let childPartitions: number[] = []
  createInterface({ input: child.stdout }).on('line', (line) => {
    const msg = JSON.parse(line) as { type: string; partitions?: number[]; offsets?: [number, string][] }
    if (msg.type === 'rebalance') childPartitions = msg.partitions ?? []
    else for (const [p, o] of msg.offsets ?? []) childCommitted.add(`${p}:${o}`)
  })
  await until('child owns partitions', () => childPartitions.length === 6, 60_000)

  const opts = { groupId, topics: [topic], resetStrategy: 'earliest' as const, sessionTimeoutMs: SESSION, heartbeatIntervalMs: 500 }
  const members: Member[] = [startMember(admin, 'a', opts, { commit: true }), startMember(admin, 'b', opts, { commit: true })]
  t.teardown(async () => {
    await Promise.all(members.map((m) => m.stop()))
  })
  await until('3 members share the partitions', () => settled(members) && childPartitions.length === 2 && members.every((m) => (m.partitions().get(topic) ?? []).length === 2), 60_000)
  const childHad = [...childPartitions]

  child.kill('SIGKILL')
  const killedAt = Date.now()
  await new Promise((r) => child.once('exit', r))
  for (let p = 0; p < 6; p++) await produce(admin, topic, p, numbered(`p${p}`, 500, 1000))
  await until('the survivors own all 6 partitions', () => members.reduce((n, m) => n + (m.partitions().get(topic) ?? []).length, 0) === 6 && settled(members), 60_000)
  const movedAfter = Date.now() - killedAt
  t.comment(`partitions ${childHad.join(',')} moved ${movedAfter} ms after the kill (session timeout ${SESSION} ms)`)
  t.ok(movedAfter >= SESSION - 1500, 'not before the session timeout')
  const processed = new Set(childCommitted)
  await until('every record processed', () => {
    for (const m of members) for (const r of m.records) processed.add(`${r.partition}:${r.offset}`)
    return processed.size >= 6000
  }, 60_000)
  t.equal(processed.size, 6000, 'no record lost')
})
