// Scenario 2: a group of consumers with members joining, leaving and SIGKILLed while records are
// produced. Members commit after every batch. Expect no record lost, and duplicates only for
// records whose commit failed (handed out, then revoked before the commit) or that a killed
// member had received but not committed. The SIGKILLed member is a child process.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { repoRoot } from '../../kafka/layout.js'
import type { Kafka } from '../../../src/client.js'
import { check, createTopic, produceTracked, sleep, type ChaosContext, type ScenarioResult } from '../harness.js'

interface Tally {
  /** partition:offset → times handed to some member */
  seen: Map<string, number>
  /** records in batches whose commit failed */
  uncommitted: number
}

function record (tally: Tally, partition: number, offset: bigint | string): void {
  const k = `${partition}:${offset}`
  tally.seen.set(k, (tally.seen.get(k) ?? 0) + 1)
}

/** An in-process member of `groupId` (from the scenario's one Kafka instance) until `stop()`. */
function member (kafka: Kafka, groupId: string, topic: string, tally: Tally): { stop: () => Promise<void> } {
  const consumer = kafka.consumer({ groupId, topics: [topic], resetStrategy: 'earliest', sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 })
  let running = true
  const loop = (async () => {
    while (running) {
      const ev = await consumer.poll(500).catch(() => null)
      if (ev === null || ev.type !== 'records' || ev.records.length === 0) continue
      for (const r of ev.records) record(tally, r.partition, r.offset)
      try {
        await consumer.commit()
      } catch {
        tally.uncommitted += ev.records.length
      }
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      await consumer.stop()
    }
  }
}

/**
 * A member in a child process (child-member.ts), so that it can be SIGKILLed. It reports a batch
 * before committing it; a batch with no commit report when it dies counts as uncommitted.
 */
function childMember (bootstrap: string, groupId: string, topic: string, tally: Tally): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/chaos/child-member.ts'], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BOOTSTRAP: bootstrap, CHILD_TOPIC: topic, CHILD_GROUP: groupId },
    stdio: ['ignore', 'pipe', 'ignore']
  })
  let pending = 0
  createInterface({ input: child.stdout! }).on('line', line => {
    try {
      const m = JSON.parse(line) as { type: string, offsets?: Array<[number, string]> }
      if (m.type === 'records') {
        for (const [p, o] of m.offsets ?? []) record(tally, p, o)
        pending = m.offsets?.length ?? 0
      } else if (m.type === 'committed') {
        pending = 0
      } else if (m.type === 'commit-failed') {
        tally.uncommitted += pending
        pending = 0
      }
    } catch {}
  })
  child.once('exit', () => {
    tally.uncommitted += pending
    pending = 0
  })
  return child
}

export async function groupChurn (ctx: ChaosContext): Promise<ScenarioResult> {
  const total = ctx.quick ? 100_000 : 1_000_000
  const partitions = 6
  const topic = `chaos-group-${Date.now()}`
  const groupId = `chaos-group-${Date.now()}`
  const kafka = ctx.newKafka({ clientId: 'chaos-group' })
  const checks: string[] = []
  const tally: Tally = { seen: new Map(), uncommitted: 0 }
  const children: ChildProcess[] = []
  const members: Array<{ stop: () => Promise<void> }> = []
  // The child dials the brokers directly (it has no socketFactory); the proxies carry no toxics here.
  const bootstrap = ctx.cluster.plaintext
  let kills = 0
  try {
    await createTopic(kafka, topic, partitions, 3)
    members.push(member(kafka, groupId, topic, tally), member(kafka, groupId, topic, tally))
    children.push(childMember(bootstrap, groupId, topic, tally))
    const producer = kafka.producer({ acks: 'all', lingerMs: 5 })
    const started = Date.now()
    // The churn runs by the clock; producing goes on (at least `total` records) until it is over.
    let step = 0
    const churn = (async () => {
      await sleep(3_000)
      ctx.log('group: a fourth member joins')
      const joiner = member(kafka, groupId, topic, tally)
      step++
      await sleep(3_000)
      ctx.log('group: the fourth member leaves')
      await joiner.stop()
      step++
      await sleep(3_000)
      ctx.log('group: SIGKILL the child member; a new child joins')
      children[0].kill('SIGKILL')
      kills++
      children.push(childMember(bootstrap, groupId, topic, tally))
      step++
      await sleep(3_000)
    })()
    let churnOver = false
    void churn.finally(() => { churnOver = true })
    const produced = await produceTracked(producer, topic, 100_000_000, {
      chunk: 1000,
      window: 2,
      stopWhen: sent => sent >= total && churnOver,
      // At most about 20,000 records/s, so that the quick run spans the churn.
      between: async () => sleep(50)
    })
    await churn
    await producer.close()
    const acknowledged = produced.metas.filter(m => m !== undefined).length
    // Wait (bounded) until every acknowledged record was handed to some member.
    const until = Date.now() + 180_000
    while (Date.now() < until && tally.seen.size < acknowledged) await sleep(500)
    const seconds = (Date.now() - started) / 1000
    let lost = 0
    for (const m of produced.metas) if (m !== undefined && !tally.seen.has(`${m.partition}:${m.offset}`)) lost++
    let duplicated = 0
    for (const n of tally.seen.values()) if (n > 1) duplicated += n - 1
    check(checks, step === 3, 'join, leave and SIGKILL all happened mid-run')
    check(checks, produced.failed === 0, `every send acknowledged (${produced.failed} failed)`)
    check(checks, lost === 0, `${lost} records never consumed`)
    check(checks, duplicated <= tally.uncommitted, `${duplicated} duplicates, within the ${tally.uncommitted} records whose commit failed`)
    return {
      name: 'group churn: join, leave, SIGKILL',
      ok: checks.every(c => c.startsWith('ok')),
      checks,
      figures: { records: produced.metas.length, acknowledged, lost, duplicated, uncommittedAtRevocation: tally.uncommitted, kills, seconds: Math.round(seconds) }
    }
  } finally {
    for (const c of children) c.kill('SIGKILL')
    await Promise.all(members.map(m => m.stop().catch(() => {})))
    await kafka.disconnectAll()
  }
}
