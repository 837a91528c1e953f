// Scenario 1: the leader of partition 0 is SIGKILLed every few seconds (and restarted) while an
// idempotent acks=all producer sends; replication 3, min.insync.replicas 2. Expect every
// acknowledged record exactly once, in send order per partition, and every send settled.
import { killNode, startNode } from '../../kafka/control.js'
import { check, createTopic, leaderOf, produceTracked, readBack, sleep, verify, type ChaosContext, type ScenarioResult } from '../harness.js'

export async function leaderKill (ctx: ChaosContext): Promise<ScenarioResult> {
  const total = ctx.quick ? 200_000 : 1_000_000
  const everyMs = ctx.quick ? 5_000 : 10_000
  const partitions = 6
  const topic = `chaos-leader-kill-${Date.now()}`
  const kafka = ctx.newKafka({ requestTimeoutMs: 15_000 })
  const checks: string[] = []
  let kills = 0
  try {
    await createTopic(kafka, topic, partitions, 3, { 'min.insync.replicas': '2' })
    const producer = kafka.producer({ acks: 'all', lingerMs: 5, deliveryTimeoutMs: 120_000 })
    const started = Date.now()
    let nextKill = started + 2_000
    let restarting: Promise<void> | null = null
    // At least `total` records, and on until one kill and its restart are over (a trickle past `total`).
    const produced = await produceTracked(producer, topic, 100_000_000, {
      stopWhen: sent => sent >= total && kills >= 1 && restarting === null,
      between: async (sent) => {
        if (sent >= total) await sleep(100)
        if (Date.now() < nextKill || restarting !== null) return
        const victim = await leaderOf(kafka, topic, 0)
        ctx.log(`leader-kill: SIGKILL node ${victim} (leader of partition 0)`)
        await killNode(victim, 'SIGKILL', ctx.cluster)
        kills++
        // Back after 3 s, so that at most one node is down and min.insync.replicas 2 holds.
        restarting = sleep(3000).then(async () => startNode(victim, ctx.cluster)).finally(() => {
          restarting = null
          nextKill = Date.now() + everyMs
        })
      }
    })
    await producer.close()
    if (restarting !== null) await restarting
    const seconds = (Date.now() - started) / 1000
    const read = await readBack(kafka, topic, partitions)
    const v = verify(produced, read)
    check(checks, kills >= 1, `${kills} leader kill(s) during the run`)
    check(checks, produced.failed === 0, `every send acknowledged (${produced.failed} failed${produced.firstError !== null ? `: ${produced.firstError}` : ''})`)
    check(checks, v.lost === 0, `${v.lost} acknowledged records lost`)
    check(checks, v.duplicated === 0, `${v.duplicated} duplicates`)
    check(checks, v.outOfOrder === 0, `${v.outOfOrder} records out of send order`)
    return {
      name: 'leader SIGKILL under idempotent acks=all',
      ok: checks.every(c => c.startsWith('ok')),
      checks,
      figures: { records: produced.metas.length, acknowledged: v.acknowledged, lost: v.lost, duplicated: v.duplicated, outOfOrder: v.outOfOrder, kills, seconds: Math.round(seconds) }
    }
  } finally {
    await kafka.disconnectAll()
  }
}
