// Scenario 3: network faults between the client and the leader, one at a time, through the
// leader's Toxiproxy proxy (the brokers replicate directly, so only the client path suffers):
// 500 ms latency, a 64 KiB/s bandwidth cap, a blackhole (Toxiproxy's timeout toxic: no FIN, no
// RST), reset_peer (connections reset), and slicer (responses in tiny pieces). A producer and a
// consumer run through each fault; afterwards every acknowledged record is read back exactly once
// and in order, and the consumer has seen all of them. For the blackhole, requests must time out
// (requestTimeoutMs) and the connection be replaced.
import diagnostics from 'node:diagnostics_channel'
import type { Toxic } from '../../kafka/toxiproxy.js'
import { check, createTopic, leaderOf, liveConsumer, produceTracked, readBack, sleep, verify, type ChaosContext, type ScenarioResult } from '../harness.js'

interface Fault {
  name: string
  toxics: Toxic[]
  /** How long the fault stays on, ms. */
  durationMs: number
}

function faults (quick: boolean): Fault[] {
  const blackholeMs = quick ? 12_000 : 30_000
  return [
    { name: 'latency 500 ms', durationMs: quick ? 5_000 : 15_000, toxics: [{ name: 'latency', type: 'latency', attributes: { latency: 500, jitter: 50 } }, { name: 'latency-up', type: 'latency', stream: 'upstream', attributes: { latency: 500, jitter: 50 } }] },
    { name: 'bandwidth 64 KiB/s', durationMs: quick ? 5_000 : 15_000, toxics: [{ name: 'bandwidth', type: 'bandwidth', attributes: { rate: 64 } }, { name: 'bandwidth-up', type: 'bandwidth', stream: 'upstream', attributes: { rate: 64 } }] },
    { name: `blackhole ${blackholeMs / 1000} s`, durationMs: blackholeMs, toxics: [{ name: 'blackhole', type: 'timeout', attributes: { timeout: 0 } }, { name: 'blackhole-up', type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }] },
    { name: 'reset_peer', durationMs: quick ? 3_000 : 10_000, toxics: [{ name: 'reset', type: 'reset_peer', attributes: { timeout: 200 } }] },
    { name: 'slicer', durationMs: quick ? 5_000 : 15_000, toxics: [{ name: 'slicer', type: 'slicer', attributes: { average_size: 16, size_variation: 8, delay: 100 } }] }
  ]
}

export async function networkFaults (ctx: ChaosContext): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = []
  for (const fault of faults(ctx.quick)) results.push(await oneFault(ctx, fault))
  return results
}

async function oneFault (ctx: ChaosContext, fault: Fault): Promise<ScenarioResult> {
  const requestTimeoutMs = 5_000
  const kafka = ctx.newKafka({ requestTimeoutMs, clientId: 'chaos-network' })
  const topic = `chaos-net-${fault.toxics[0].name}-${Date.now()}`
  const checks: string[] = []
  let timeouts = 0
  const onResponse = (m: unknown): void => {
    const e = (m as { error?: { code?: string } }).error
    if (e?.code === 'REQUEST_TIMED_OUT') timeouts++
  }
  diagnostics.subscribe('kafkats:response', onResponse)
  try {
    await createTopic(kafka, topic, 1, 3, { 'min.insync.replicas': '2' })
    const leader = await leaderOf(kafka, topic, 0)
    const proxy = ctx.proxyOf.get(leader) as string
    // A consumer reading along the whole time, through the same proxies.
    const live = liveConsumer(kafka, topic, 1)
    const producer = kafka.producer({ acks: 'all', lingerMs: 5, deliveryTimeoutMs: 120_000 })
    const started = Date.now()
    // The fault goes on and off by the clock, not between sends: sends stall while it is on.
    let on = false
    const faultDone = (async () => {
      await sleep(2_000)
      ctx.log(`network: ${fault.name} on node ${leader}`)
      for (const toxic of fault.toxics) await ctx.toxiproxy.addToxic(proxy, toxic)
      on = true
      await sleep(fault.durationMs)
      for (const toxic of fault.toxics) await ctx.toxiproxy.removeToxic(proxy, toxic.name)
      ctx.log(`network: ${fault.name} off`)
    })()
    const produced = await produceTracked(producer, topic, 1_000_000, {
      chunk: 500,
      window: 2,
      stopAt: started + fault.durationMs + 6_000,
      // Bound the rate so a run stays small: about 5,000 records/s at most.
      between: async () => sleep(100)
    })
    await faultDone
    await producer.close()
    const seconds = (Date.now() - started) / 1000
    // The consumer catches up to every acknowledged record (bounded wait).
    const acknowledged = produced.metas.filter(m => m !== undefined).length
    await live.finish(acknowledged)
    const read = await readBack(kafka, topic, 1)
    const v = verify(produced, read)
    check(checks, on, 'the fault was applied mid-run')
    check(checks, produced.failed === 0, `every send acknowledged (${produced.failed} failed${produced.firstError !== null ? `: ${produced.firstError}` : ''})`)
    check(checks, v.lost === 0 && v.duplicated === 0 && v.outOfOrder === 0, `read back: ${v.lost} lost, ${v.duplicated} duplicated, ${v.outOfOrder} out of order`)
    check(checks, live.consumed.size >= acknowledged, `the live consumer saw ${live.consumed.size} of ${acknowledged}`)
    if (fault.toxics[0].type === 'timeout') check(checks, timeouts > 0, `requests timed out (${timeouts}) during the blackhole`)
    return {
      name: `network: ${fault.name}`,
      ok: checks.every(c => c.startsWith('ok')),
      checks,
      figures: { records: produced.metas.length, acknowledged: v.acknowledged, lost: v.lost, duplicated: v.duplicated, consumed: live.consumed.size, requestTimeouts: timeouts, seconds: Math.round(seconds) }
    }
  } finally {
    diagnostics.unsubscribe('kafkats:response', onResponse)
    await ctx.toxiproxy.reset().catch(() => {})
    await kafka.disconnectAll()
  }
}
