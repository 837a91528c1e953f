// The gateway against the real broker, through node-redis: Rafka's own end-to-end behaviours
// (skroutz/rafka test/end-to-end), the acks' commit semantics, and the command set's replies
// and errors worded as Rafka's server words them (the command table of docs/gateway.md).
import t from 'tap'
import { uniqueTopic, waitFor } from '../../helpers/cluster.js'
import { ack, blpop, errorOf, nextRecord, produce, produceKeyed, spec, startGateway, type GatewayRecord } from './gateway-fixture.js'

const f = await startGateway()
t.teardown(() => f.close())

const group = (): string => uniqueTopic('gw-group')

t.test('many records through one consumer', async (t) => {
  const topic = await f.topic(3)
  const prod = await f.client()
  const values = Array.from({ length: 300 }, (_, i) => `v${i}`)
  await produce(prod, topic, values)
  const cons = await f.client(`${group()}:c1`)
  const got: string[] = []
  while (got.length < values.length) {
    const r = await nextRecord(cons, spec(topic))
    got.push(r.value)
    t.equal(await ack(cons, r), 1)
  }
  t.same(got.sort(), [...values].sort())
  t.equal(await blpop(cons, spec(topic), 1), null, 'a null array once they ran out')
})

t.test('100 records with one key land on one partition', async (t) => {
  const topic = await f.topic(4)
  const prod = await f.client()
  await produce(prod, topic, Array.from({ length: 100 }, (_, i) => String(i)), 'foo')
  const cons = await f.client(`${group()}:c1`)
  const partitions = new Set<number>()
  for (let i = 0; i < 100; i++) partitions.add((await nextRecord(cons, spec(topic))).partition)
  t.equal(partitions.size, 1)
})

t.test('two consumers of one group split a topic', async (t) => {
  const topic = await f.topic(4)
  const gid = group()
  const c1 = await f.client(`${gid}:cons1`)
  const c2 = await f.client(`${gid}:cons2`)
  // Both join (each BLPOP lets its member take part in the rebalance) before anything is produced.
  await waitFor('both members own partitions', async () => {
    await Promise.all([blpop(c1, spec(topic), 1), blpop(c2, spec(topic), 1)])
    const a = f.gateway.clients.get(`${gid}:cons1`)?.member?.consumer.assignment().length ?? 0
    const b = f.gateway.clients.get(`${gid}:cons2`)?.member?.consumer.assignment().length ?? 0
    return a === 2 && b === 2
  }, 60_000, 0)
  const prod = await f.client()
  await produceKeyed(prod, topic, Array.from({ length: 40 }, (_, i) => `m${i}`))
  const by = { c1: [] as string[], c2: [] as string[] }
  const deadline = Date.now() + 60_000
  while (by.c1.length + by.c2.length < 40 && Date.now() < deadline) {
    const [a, b] = await Promise.all([blpop(c1, spec(topic), 1), blpop(c2, spec(topic), 1)])
    if (a) by.c1.push(a.value)
    if (b) by.c2.push(b.value)
  }
  t.same([...by.c1, ...by.c2].sort(), Array.from({ length: 40 }, (_, i) => `m${i}`).sort(), 'every record once')
  t.ok(by.c1.length > 0 && by.c2.length > 0, `both consumed (${by.c1.length} + ${by.c2.length})`)
})

t.test('a rebalance after one consumer closes: its acked offsets are committed', async (t) => {
  const topic = await f.topic(2)
  const gid = group()
  const prod = await f.client()
  const cons1 = await f.client(`${gid}:cons1`)
  await blpop(cons1, spec(topic), 1)
  await produce(prod, topic, ['hi'])
  const first = await nextRecord(cons1, spec(topic))
  t.equal(first.value, 'hi')
  t.equal(await ack(cons1, first), 1)
  await cons1.quit()
  const cons2 = await f.client(`${gid}:cons2`)
  await blpop(cons2, spec(topic), 1)
  await produce(prod, topic, ['hello'])
  const next = await nextRecord(cons2, spec(topic))
  t.equal(next.value, 'hello', 'the acked record is not read again')
  const committed = await f.admin.fetchCommittedOffsets(gid, [topic])
  const c = committed.find((o) => o.partition === first.partition)
  t.equal(c?.offset, BigInt(first.offset + 1), 'offset+1 committed')
})

t.test('two consumers on two topics', async (t) => {
  const [t1, t2] = [await f.topic(1), await f.topic(1)]
  const c1 = await f.client(`${group()}:c1`)
  const c2 = await f.client(`${group()}:c2`)
  const prod = await f.client()
  await produce(prod, t1, ["I'm Mr. Meeseeks"])
  await produce(prod, t2, ['Look at me'])
  t.equal((await nextRecord(c1, spec(t1))).value, "I'm Mr. Meeseeks")
  t.equal((await nextRecord(c2, spec(t2))).value, 'Look at me')
})

t.test('one consumer on several topics', async (t) => {
  const [t1, t2] = [await f.topic(1), await f.topic(1)]
  const prod = await f.client()
  await produce(prod, t1, ['a'])
  await produce(prod, t2, ['b'])
  const c = await f.client(`${group()}:c`)
  const got = [await nextRecord(c, spec([t1, t2])), await nextRecord(c, spec([t1, t2]))]
  t.same(got.map((r) => `${r.topic}=${r.value}`).sort(), [`${t1}=a`, `${t2}=b`].sort())
})

t.test('producing to a missing topic with auto-creation off is an error', async (t) => {
  const g = await startGateway({ producer: { allowAutoTopicCreation: false } })
  t.teardown(() => g.close())
  const c = await g.client()
  const missing = uniqueTopic('gw-missing')
  t.match(await errorOf(c.sendCommand(['RPUSHX', `topics:${missing}`, 'foo'])), /^PROD .*does not exist/)
  t.match(await errorOf(c.sendCommand(['RPUSHX', `topics:${missing}`, 'foo'])), /^PROD /, 'every time')
  t.notOk((await g.admin.listTopics()).includes(missing), 'not created')
})

t.test('a group reconnecting to a single-partition topic resumes after its committed offset', async (t) => {
  const topic = await f.topic(1)
  const prod = await f.client()
  await produce(prod, topic, ['foo'])
  const gid = group()
  let cons = await f.client(`${gid}:a`)
  const foo = await nextRecord(cons, spec(topic))
  t.equal(foo.value, 'foo')
  t.equal(await ack(cons, foo), 1)
  await cons.quit()
  await produce(prod, topic, ['bar'])
  cons = await f.client(`${gid}:a`)
  t.equal((await nextRecord(cons, spec(topic))).value, 'bar')
  const other = await f.client(`${group()}:a`)
  t.equal((await nextRecord(other, spec(topic))).value, 'foo', 'another group starts at the beginning')
  t.equal((await nextRecord(other, spec(topic))).value, 'bar')
})

t.test('CLIENT SETNAME with a name in use is an error; GETNAME; SETNAME twice', async (t) => {
  const id = `${group()}:same`
  const a = await f.client()
  t.equal(await a.sendCommand(['CLIENT', 'SETNAME', id]), 'OK')
  t.equal(await a.sendCommand(['CLIENT', 'GETNAME']), id)
  const b = await f.client()
  t.equal(await errorOf(b.sendCommand(['CLIENT', 'SETNAME', id])), `CONS id ${id} is already taken`)
  t.equal(await errorOf(a.sendCommand(['CLIENT', 'SETNAME', `${id}x`])), `CONS Client ID is already set to ${id}`)
  t.equal(await errorOf(b.sendCommand(['CLIENT', 'SETNAME', 'nocolon'])), 'CONS Cannot parse group.id')
  await a.quit()
  await waitFor('the name is free again', async () => !f.gateway.clients.has(id))
  t.equal(await b.sendCommand(['CLIENT', 'SETNAME', id]), 'OK', 'reclaimed after the connection closed')
})

/**
 * Member a of a new group is handed (and holds, unacked) a record of each partition of a new
 * 2-partition topic with 20 records; then b joins and the rebalance gives each one partition (a
 * and b take part in it through their own BLPOPs). @returns what a holds, by partition, and
 * the partition a kept and the one it lost
 */
async function handOutThenRebalance() {
  const topic = await f.topic(2)
  const gid = group()
  const prod = await f.client()
  const a = await f.client(`${gid}:a`)
  await blpop(a, spec(topic), 1)
  await produceKeyed(prod, topic, Array.from({ length: 20 }, (_, i) => `r${i}`))
  const handed = new Map<number, GatewayRecord>()
  while (handed.size < 2) {
    const r = await nextRecord(a, spec(topic))
    if (!handed.has(r.partition)) handed.set(r.partition, r)
  }
  const b = await f.client(`${gid}:b`)
  const member = (name: string) => f.gateway.clients.get(`${gid}:${name}`)?.member?.consumer
  await waitFor('the rebalance gave each a partition', async () => {
    await Promise.all([blpop(a, spec(topic), 1), blpop(b, spec(topic), 1)])
    return (member('b')?.assignment().length ?? 0) === 1 && (member('a')?.assignment().length ?? 0) === 1
  }, 60_000, 0)
  const kept = member('a')?.assignment()[0].partition as number
  return { topic, gid, a, handed, kept, lost: member('b')?.assignment()[0].partition as number }
}

t.test('an ack of a partition a rebalance revoked is an error and commits nothing', async (t) => {
  const { topic, gid, a, handed, lost } = await handOutThenRebalance()
  t.match(await errorOf(ack(a, handed.get(lost) as GatewayRecord)), /^CONS .*(not assigned|revoked)/)
  const committed = await f.admin.fetchCommittedOffsets(gid, [topic])
  t.equal(committed.find((o) => o.partition === lost)?.offset ?? -1n, -1n, 'nothing committed for it')
})

t.test('after a rebalance, the partition a member keeps is acked and read on (progress lost on the other is not its ack\'s business)', async (t) => {
  // Found by gateway-load.test.ts: the consumer reported the progress lost on the revoked
  // partition with the next explicit commit, after committing it, so this ack was answered as
  // refused though committed, and the kept partition's later records were skipped for good.
  const { topic, gid, a, kept } = await handOutThenRebalance()
  const r = await nextRecord(a, spec(topic))
  t.equal(r.partition, kept, 'a reads its kept partition')
  t.equal(await ack(a, r), 1, 'its ack is committed')
  const committed = await f.admin.fetchCommittedOffsets(gid, [topic])
  t.equal(committed.find((o) => o.partition === kept)?.offset, BigInt(r.offset + 1), 'offset+1 committed')
  const next = await nextRecord(a, spec(topic), 10_000)
  t.same([next.partition, next.offset], [kept, r.offset + 1], 'and the next record of the partition comes')
})

t.test('acks: only records handed out; offset+1 committed; pipelined acks coalesce', async (t) => {
  const topic = await f.topic(1)
  const prod = await f.client()
  await produce(prod, topic, ['a', 'b', 'c'])
  const gid = group()
  const c = await f.client(`${gid}:c`)
  t.match(await errorOf(c.sendCommand(['RPUSH', 'acks', `${topic}:0:0`])), /^CONS No consumer registered for Client /)
  const rs = [await nextRecord(c, spec(topic)), await nextRecord(c, spec(topic))]
  t.match(await errorOf(c.sendCommand(['RPUSH', 'acks', `${topic}:0:2`])), /^CONS .*not handed out/)
  t.same(await Promise.all(rs.map((r) => ack(c, r))), [1, 1])
  const committed = await f.admin.fetchCommittedOffsets(gid, [topic])
  t.equal(committed[0].offset, 2n)
  t.equal(await errorOf(c.sendCommand(['RPUSH', 'other', 'x'])), "CONS You can only RPUSH to the 'acks' key")
  t.equal(await errorOf(c.sendCommand(['RPUSH', 'acks', 'garbage'])), "CONS Cannot parse ack: 'garbage'")
  t.equal(await errorOf(c.sendCommand(['RPUSH', 'acks', `${topic}:0:-1`])), 'CONS offset cannot be negative, got -1')
})

t.test('the command set: replies and Rafka-worded errors', async (t) => {
  const topic = await f.topic(1)
  const c = await f.client()
  t.equal(await c.sendCommand(['PING']), 'PONG')
  t.equal(await c.sendCommand(['DUMP', '100']), 0, 'DUMP without producing')
  t.equal(await errorOf(c.sendCommand(['RPUSHX', `topics:${topic}`])), 'PROD RPUSHX accepts 2 arguments, got 1')
  t.equal(await errorOf(c.sendCommand(['RPUSHX', 'nope', 'v'])), "PROD First argument must be in the form of 'topics:<topic>' or 'topics:<topic>:<key>'")
  t.equal(await errorOf(c.sendCommand(['RPUSHX', 'topics:a:b:c', 'v'])), "PROD First argument must be in the form of 'topics:<topic>' or 'topics:<topic>:<key>'")
  t.equal(await c.sendCommand(['RPUSHX', `topics:${topic}`, 'v']), 1)
  t.equal(await errorOf(c.sendCommand(['DUMP', 'soon'])), 'PROD NaN')
  t.equal(await errorOf(c.sendCommand(['DUMP'])), 'PROD DUMP accepts 1 argument, got 0')
  t.equal(await c.sendCommand(['DUMP', '5000']), 0)
  const stats = (await c.sendCommand(['HGETALL', 'stats'])) as string[]
  t.same(stats.filter((_, i) => i % 2 === 0), ['producer.unflushed.messages', 'producer.delivery.errors', 'producer.unknown.events'])
  t.equal(await errorOf(c.sendCommand(['HGETALL', 'foo'])), "ERR Expected key to be 'stats', got FOO")
  t.equal(await c.sendCommand(['DEL', 'stats']), 1)
  t.equal(await errorOf(c.sendCommand(['DEL', 'bar'])), "ERR Expected key to be 'stats', got BAR")
  t.ok(((await c.sendCommand(['KEYS', 'topics:'])) as string[]).includes(`topics:${topic}`))
  t.equal(await errorOf(c.sendCommand(['KEYS', '*'])), "ERR Expected argument to be 'topics:', got *")
  t.equal(await errorOf(c.sendCommand(['GET', 'x'])), 'Command not supported: GET')
  t.equal(await errorOf(c.sendCommand(['CLIENT', 'LIST'])), 'Command not supported: LIST')
  t.match(await errorOf(c.sendCommand(['HELLO', '3'])), /^NOPROTO/)
  t.equal(await errorOf(c.sendCommand(['MONITOR', 'x'])), "ERR command 'monitor' does not accept any extra arguments")
  t.equal(await errorOf(c.sendCommand(['BLPOP', 'topics:x', '1'])), 'CONS Connection not ready. Identify yourself using `CLIENT SETNAME` first')
  t.equal(await errorOf(c.sendCommand(['BLPOP', 'queue:x', '1'])), 'CONS Cannot parse topics from `queue:x`')
  t.match(await errorOf(c.sendCommand(['BLPOP', 'topics:x:{bad', '1'])), /^CONS Error parsing configuration from '\{bad'; /)
  const named = await f.client(`${group()}:n`)
  t.match(await errorOf(named.sendCommand(['BLPOP', 'topics:x:{"no.such.setting":1}', '1'])), /^CONS Failed to register Consumer .*unknown property 'no.such.setting'/)
  await named.sendCommand(['BLPOP', spec(topic), '1'])
  t.match(await errorOf(named.sendCommand(['BLPOP', spec('other'), '1'])), /^CONS Client '.*' has Consumer '.*' registered \(new consID: '.*\|other'\)/)
  t.equal(await errorOf(named.sendCommand(['BLPOP', spec(topic), '-1'])), 'CONS timeout is negative')
  t.equal(await c.sendCommand(['QUIT']), 'OK')
})

t.test('MONITOR streams every command processed', async (t) => {
  const m = await f.client()
  const lines: string[] = []
  await m.monitor((line: string) => lines.push(line))
  const c = await f.client()
  await c.sendCommand(['PING'])
  await c.sendCommand(['HGETALL', 'stats'])
  await waitFor('monitor lines', async () => lines.some((l) => l.endsWith('"HGETALL" "stats"')))
  t.match(lines.find((l) => l.endsWith('"PING"')), /^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "PING"$/)
})
