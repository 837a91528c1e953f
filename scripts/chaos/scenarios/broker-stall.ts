// Scenario 4: the leader of partition 0 is stopped with SIGSTOP (a hung broker: connections stay
// open, nothing answers) for a while, then continued with SIGCONT, while a producer and a
// consumer run. Leadership moves when the controller loses the node's session; clients must
// time out their requests, move on, and lose or duplicate nothing.
import { readClusterFile, clusterFilePath } from '../../kafka/cluster-file.js'
import { check, createTopic, leaderOf, liveConsumer, produceTracked, readBack, sleep, verify, type ChaosContext, type ScenarioResult } from '../harness.js'

export async function brokerStall (ctx: ChaosContext): Promise<ScenarioResult> {
  const stallMs = ctx.quick ? 12_000 : 20_000
  const kafka = ctx.newKafka({ requestTimeoutMs: 5_000, clientId: 'chaos-stall' })
  const topic = `chaos-stall-${Date.now()}`
  const checks: string[] = []
  let stopped: number | null = null
  let pid: number | null = null
  let continued = false
  try {
    await createTopic(kafka, topic, 3, 3, { 'min.insync.replicas': '2' })
    const victim = await leaderOf(kafka, topic, 0)
    const victimPid = readClusterFile(clusterFilePath(ctx.cluster.dir)).pids[victim - 1]
    if (victimPid === null || victimPid === undefined) throw new Error(`node ${victim} has no pid`)
    pid = victimPid
    const live = liveConsumer(kafka, topic, 3)
    const producer = kafka.producer({ acks: 'all', lingerMs: 5, deliveryTimeoutMs: 120_000 })
    const started = Date.now()
    // Stopped and continued by the clock, not between sends: sends stall while it is stopped.
    const stallDone = (async () => {
      await sleep(2_000)
      ctx.log(`stall: SIGSTOP node ${victim} (pid ${victimPid}) for ${stallMs} ms`)
      process.kill(victimPid, 'SIGSTOP')
      stopped = Date.now()
      await sleep(stallMs)
      process.kill(victimPid, 'SIGCONT')
      continued = true
      ctx.log(`stall: SIGCONT node ${victim}`)
    })()
    const produced = await produceTracked(producer, topic, 1_000_000, {
      chunk: 500,
      window: 2,
      stopAt: started + stallMs + 8_000,
      between: async () => sleep(100)
    })
    await stallDone
    await producer.close()
    const seconds = (Date.now() - started) / 1000
    const acknowledged = produced.metas.filter(m => m !== undefined).length
    await live.finish(acknowledged)
    const v = verify(produced, await readBack(kafka, topic, 3))
    check(checks, stopped !== null, 'the leader was stalled mid-run')
    check(checks, produced.failed === 0, `every send acknowledged (${produced.failed} failed${produced.firstError !== null ? `: ${produced.firstError}` : ''})`)
    check(checks, v.lost === 0 && v.duplicated === 0 && v.outOfOrder === 0, `read back: ${v.lost} lost, ${v.duplicated} duplicated, ${v.outOfOrder} out of order`)
    check(checks, live.consumed.size >= acknowledged, `the live consumer saw ${live.consumed.size} of ${acknowledged}`)
    return {
      name: `broker SIGSTOP ${stallMs / 1000} s`,
      ok: checks.every(c => c.startsWith('ok')),
      checks,
      figures: { records: produced.metas.length, acknowledged: v.acknowledged, lost: v.lost, duplicated: v.duplicated, consumed: live.consumed.size, seconds: Math.round(seconds) }
    }
  } finally {
    // Never leave a broker stopped, whatever failed.
    if (stopped !== null && !continued && pid !== null) {
      try {
        process.kill(pid, 'SIGCONT')
      } catch {}
    }
    await kafka.disconnectAll()
  }
}
