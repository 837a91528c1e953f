// Load through the gateway: CONNECTIONS node-redis connections (default 200), all members of one
// group, each producing its share of RECORDS records (default 20,000; the full size is
// GATEWAY_LOAD_RECORDS=100000) and then consuming with BLPOP and acking in pipelined batches
// until every record is acked. Every record is acked (answered 1) by exactly one connection:
// none lost, none duplicated, though rebalances move partitions while the members come and go.
// A connection may be handed a record twice (it held a record, unacked, when a rebalance gave
// its partition back to it at the committed offset: at-least-once) and ack both copies: an ack
// names only topic:partition:offset, so the two are one ack to the gateway, and count once.
// Bounded: a deadline (GATEWAY_LOAD_TIMEOUT_MS, default 300 s) fails the test instead of hanging.
import t from 'tap'
import { uniqueTopic } from '../../helpers/cluster.js'
import { ack, asRecord, spec, startGateway, type GatewayRecord, type RedisClient } from './gateway-fixture.js'

const CONNECTIONS = Number(process.env.GATEWAY_LOAD_CONNECTIONS ?? 200)
const RECORDS = Number(process.env.GATEWAY_LOAD_RECORDS ?? 20_000)
const TIMEOUT_MS = Number(process.env.GATEWAY_LOAD_TIMEOUT_MS ?? 300_000)
const PARTITIONS = 16
/** Records a connection holds before acking them as one pipeline (one commit). */
const BATCH = 50

t.test(`${CONNECTIONS} connections produce and consume ${RECORDS} records through the gateway`, async (t) => {
  const f = await startGateway({ consumer: { resetStrategy: 'earliest' } })
  t.teardown(() => f.close())
  const topic = await f.topic(PARTITIONS, 'gw-load')
  const gid = uniqueTopic('gw-load-group')
  const clients: RedisClient[] = []
  for (let i = 0; i < CONNECTIONS; i++) clients.push(await f.client(`${gid}:c${i}`))
  const deadline = Date.now() + TIMEOUT_MS
  const started = performance.now()

  /** Record value → the connections whose ack of it was answered 1. */
  const acked = new Map<string, Set<number>>()
  let redelivered = 0
  let ackErrors = 0
  let produceDoneAt = 0
  let producersLeft = CONNECTIONS
  const what = spec(topic, {})

  async function produceShare(c: RedisClient, i: number): Promise<void> {
    const from = Math.floor((RECORDS * i) / CONNECTIONS)
    const to = Math.floor((RECORDS * (i + 1)) / CONNECTIONS)
    for (let start = from; start < to; start += 100) {
      const batch: Promise<unknown>[] = []
      for (let v = start; v < Math.min(to, start + 100); v++) batch.push(c.sendCommand(['RPUSHX', `topics:${topic}:${v}`, String(v)]))
      for (const r of await Promise.all(batch)) if ((r as unknown) !== 1) throw new Error(`RPUSHX answered ${JSON.stringify(r)}`)
    }
    const left = await c.sendCommand(['DUMP', '30000'])
    if ((left as unknown) !== 0) throw new Error(`DUMP answered ${JSON.stringify(left)}`)
    if (--producersLeft === 0) produceDoneAt = performance.now()
  }

  /** BLPOPs one record at a time; acks what it holds as one pipeline (one commit) when BATCH are held or a BLPOP found nothing. */
  async function consume(c: RedisClient, i: number): Promise<void> {
    let held: GatewayRecord[] = []
    while (acked.size < RECORDS && Date.now() < deadline) {
      const r = asRecord(await c.sendCommand(['BLPOP', what, '1']))
      if (r !== null) held.push(r)
      if (held.length >= BATCH || (r === null && held.length > 0)) {
        const records = held
        held = []
        const answers = await Promise.all(records.map((x) => ack(c, x).then((v) => v, (err: Error) => err.message)))
        records.forEach((x, j) => {
          if (answers[j] !== 1) {
            ackErrors++
            return
          }
          const by = acked.get(x.value) ?? new Set<number>()
          if (by.has(i)) redelivered++
          acked.set(x.value, by.add(i))
        })
      }
    }
  }

  const progress = setInterval(() => {
    if (process.env.GATEWAY_LOAD_PROGRESS === '1') t.comment(`${((performance.now() - started) / 1000).toFixed(0)} s: ${CONNECTIONS - producersLeft} of ${CONNECTIONS} connections done producing, ${acked.size} acked, ${ackErrors} refused, members with partitions: ${[...f.gateway.clients.values()].filter((x) => (x.member?.consumer.assignment().length ?? 0) > 0).length}`)
  }, 5000)
  t.teardown(() => clearInterval(progress))
  await Promise.all(clients.map(async (c, i) => {
    await produceShare(c, i)
    await consume(c, i)
  }))
  const seconds = (performance.now() - started) / 1000
  const duplicated = [...acked.values()].filter((by) => by.size > 1).length
  const missing = RECORDS - acked.size
  t.equal(missing, 0, 'every record acked (none lost)')
  t.equal(duplicated, 0, 'no record acked by two connections (none duplicated)')
  t.comment(`${RECORDS} records, ${CONNECTIONS} connections: ${seconds.toFixed(1)} s in all (${(RECORDS / seconds).toFixed(0)} records/s produced+consumed), produced in ${(produceDoneAt / 1000 - started / 1000).toFixed(1)} s; ${ackErrors} acks refused after rebalances (their records were read again); ${redelivered} acked again by the connection they were handed to again`)
  for (const c of clients) await c.quit().catch(() => {})
})
