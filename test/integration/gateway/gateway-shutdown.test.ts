// Shutdown of a `kafkats gateway` child process on SIGTERM, with node-redis clients in the
// middle of their work: blocked BLPOPs are answered `CONS Server shutdown`, every ack answered
// `1` is committed, every record RPUSHX answered `1` is in the topic, and the process exits 0.
import { createServer } from 'node:net'
import t from 'tap'
import { newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { cliEnv, startCli, waitFor } from '../cli/cli-runner.js'
import { ack, errorOf, nextRecord, produceKeyed, spec, type GatewayRecord, type RedisClient } from './gateway-fixture.js'
import { createClient } from 'redis'

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

t.test('SIGTERM: blocked BLPOPs answered, acked offsets committed, accepted records kept', async (t) => {
  const kafka = newKafka()
  const admin = kafka.admin()
  t.teardown(async () => {
    await admin.close()
    await kafka.disconnectAll()
  })
  const topic = uniqueTopic('gw-shutdown')
  const idle = uniqueTopic('gw-idle')
  await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }, { name: idle, partitions: 1, replicationFactor: 1 }])
  const port = await freePort()
  const gw = startCli(['gateway', '--listen', `127.0.0.1:${port}`], { env: cliEnv(), killAfterMs: 120_000 })
  t.teardown(() => {
    if (gw.child.exitCode === null) gw.child.kill('SIGKILL')
  })
  await waitFor('the gateway listening', () => (gw.stderr().includes('listening on') ? true : undefined), 30_000)

  const clients: RedisClient[] = []
  const client = async (name?: string): Promise<RedisClient> => {
    const c = createClient({ RESP: 2, name, socket: { host: '127.0.0.1', port, reconnectStrategy: false } })
    c.on('error', () => {})
    await c.connect()
    clients.push(c)
    return c
  }
  t.teardown(() => {
    for (const c of clients) if (c.isOpen) c.destroy()
  })

  const prod = await client()
  await produceKeyed(prod, topic, Array.from({ length: 20 }, (_, i) => `pre${i}`))
  const gid = uniqueTopic('gw-shutdown-group')
  const cons = await client(`${gid}:a`)
  const handed: GatewayRecord[] = []
  for (let i = 0; i < 10; i++) handed.push(await nextRecord(cons, spec(topic)))
  // A member of another group blocked on an empty topic.
  const blocked = await client(`${uniqueTopic('gw-blocked')}:b`)
  const blockedReply = errorOf(blocked.sendCommand(['BLPOP', spec(idle), '60']))
  // Let the BLPOP reach the gateway and block (it blocks whether or not its member joined yet).
  await new Promise((r) => setTimeout(r, 1000))

  // Acks and records on their way when the signal comes.
  const acks = handed.map((r) => ack(cons, r).then((v) => v, (err: Error) => err.message))
  const values = Array.from({ length: 200 }, (_, i) => `late${i}`)
  const produced = values.map((v) => prod.sendCommand(['RPUSHX', `topics:${topic}`, v]).then((r) => r, (err: Error) => err.message))
  await new Promise((r) => setTimeout(r, 5))
  gw.child.kill('SIGTERM')

  t.equal(await blockedReply, 'CONS Server shutdown', 'the blocked BLPOP is answered with an error')
  const result = await gw.done
  t.equal(result.code, 0, `exit 0 (stderr: ${result.stderr})`)
  t.match(result.stderr, /shutting down[\s\S]*stopped/)

  const ackReplies = await Promise.all(acks)
  const lastAcked = handed.filter((_, i) => ackReplies[i] === 1).map((r) => r.offset).reduce((a, b) => Math.max(a, b), -1)
  t.ok(ackReplies.every((r) => r === 1 || typeof r === 'string'), 'each ack is answered 1 or an error')
  const committed = (await admin.fetchCommittedOffsets(gid, [topic]))[0]?.offset ?? -1n
  t.ok(committed >= BigInt(lastAcked + 1), `committed ${committed} covers every ack answered 1 (last ${lastAcked})`)

  const replies = await Promise.all(produced)
  const kept = values.filter((_, i) => (replies[i] as unknown) === 1)
  const reader = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }] })
  t.teardown(() => reader.stop())
  const seen = new Set<string>()
  const deadline = Date.now() + 30_000
  while (kept.some((v) => !seen.has(v)) && Date.now() < deadline) {
    const e = await reader.poll(1000)
    if (e.type === 'records') for (const r of e.records) seen.add(r.value?.toString() ?? '')
  }
  t.same(kept.filter((v) => !seen.has(v)), [], `every record answered 1 is in the topic (${kept.length} of ${values.length} accepted)`)
})
