// Scenario 7 (eos): exactly-once under failure. A consume-transform-produce processor in a child
// process (child-processor.ts: a read_committed group member and a transactional producer, each
// poll's records copied in one transaction with sendOffsetsToTransaction) copies an input topic
// of 6 partitions (replication 3, min.insync.replicas 2) to an output topic. During the run the
// broker hosting the transaction coordinator is SIGKILLed (at 20% of the records; restarted 3 s
// later), then the processor itself (at 50%, whether the broker is back or not) is SIGKILLed and
// restarted with the same transactionalId (its initTransactions fences
// the dead incarnation and aborts the transaction it left open). Expect, read back with
// read_committed, every input record exactly once in the output, in input order per partition.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Kafka } from '../../../src/client.js'
import { killNode, startNode } from '../../kafka/control.js'
import { repoRoot } from '../../kafka/layout.js'
import { check, createTopic, produceTracked, readBack, sleep, type ChaosContext, type ScenarioResult } from '../harness.js'

interface Progress {
  /** Records in committed transactions, over every incarnation. */
  committed: number
  /** Transactions committed and aborted by the processor, over every incarnation. */
  commits: number
  aborts: number
  /** Retries of commitTransaction/abortTransaction after an unknown outcome. */
  retries: number
  /** Incarnations that found themselves fenced (ProducerFencedError) and exited. */
  fenced: number
  /** Processor exits the scenario did not cause. */
  unexpectedExits: number
  /** First abort reason, for the report. */
  firstAbort: string | null
  /** Records of the transaction an incarnation holds open (EOS_HOLD_AT), 0 until one does. */
  holding: number
}

/**
 * Starts a processor incarnation, tallying its reports in `progress`; an exit not caused by the
 * scenario (`killed`) counts as unexpected. `ready` resolves once initTransactions() is done.
 */
function processor (bootstrap: string, env: Record<string, string | undefined>, progress: Progress, log: (line: string) => void): { child: ChildProcess, ready: Promise<void>, killed: { value: boolean } } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/chaos/child-processor.ts'], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BOOTSTRAP: bootstrap, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const killed = { value: false }
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000) })
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      if (!killed.value) {
        progress.unexpectedExits++
        log(`eos: the processor exited by itself (code ${code}, signal ${signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`)
      }
      reject(new Error(`processor exited (code ${code}) before it was ready`))
    })
    createInterface({ input: child.stdout! }).on('line', line => {
      try {
        const m = JSON.parse(line) as { type: string, records?: number, error?: string }
        if (m.type === 'ready') resolve()
        else if (m.type === 'committed') { progress.committed += m.records ?? 0; progress.commits++ }
        else if (m.type === 'aborted') { progress.aborts++; progress.firstAbort ??= m.error ?? null }
        else if (m.type === 'retry') progress.retries++
        else if (m.type === 'fenced') progress.fenced++
        else if (m.type === 'holding') progress.holding = m.records ?? 0
      } catch {}
    })
  })
  ready.catch(() => {})
  return { child, ready, killed }
}

/** Committed offsets of the group against the input's end offsets: true once everything is consumed. */
async function allConsumed (kafka: Kafka, groupId: string, input: string, ends: bigint[]): Promise<boolean> {
  const admin = kafka.admin()
  try {
    const committed = await admin.fetchCommittedOffsets(groupId, [input])
    return ends.every((end, p) => (committed.find(c => c.partition === p)?.offset ?? -1n) >= end)
  } finally {
    await admin.close()
  }
}

export async function exactlyOnce (ctx: ChaosContext): Promise<ScenarioResult> {
  const total = ctx.quick ? 20_000 : 200_000
  const partitions = 6
  const stamp = Date.now()
  const input = `chaos-eos-in-${stamp}`
  const output = `chaos-eos-out-${stamp}`
  const groupId = `chaos-eos-${stamp}`
  const transactionalId = `chaos-eos-${stamp}`
  const kafka = ctx.newKafka({ clientId: 'chaos-eos', requestTimeoutMs: 15_000 })
  const checks: string[] = []
  const progress: Progress = { committed: 0, commits: 0, aborts: 0, retries: 0, fenced: 0, unexpectedExits: 0, firstAbort: null, holding: 0 }
  // The child dials the brokers directly (it has no socketFactory); the proxies carry no toxics here.
  const bootstrap = ctx.cluster.plaintext
  const env = { EOS_INPUT: input, EOS_OUTPUT: output, EOS_GROUP: groupId, EOS_TXN_ID: transactionalId, EOS_MAX_RECORDS: '100' }
  const incarnations: Array<ReturnType<typeof processor>> = []
  const admin = kafka.admin()
  let coordinatorKills = 0
  let processorKills = 0
  try {
    await createTopic(kafka, input, partitions, 3, { 'min.insync.replicas': '2' })
    await createTopic(kafka, output, partitions, 3, { 'min.insync.replicas': '2' })
    const producer = kafka.producer({ acks: 'all', lingerMs: 5 })
    const produced = await produceTracked(producer, input, total, { chunk: 2000 })
    await producer.close()
    if (produced.failed > 0) throw new Error(`input: ${produced.failed} sends failed: ${produced.firstError}`)
    const ends = (await admin.listOffsets(Array.from({ length: partitions }, (_, partition) => ({ topic: input, partition, at: 'latest' as const })))).map(r => r.offset)
    ctx.log(`eos: ${total} input records in ${partitions} partitions; starting the processor`)

    const started = Date.now()
    // The first incarnation holds a transaction open once it has committed half of the records.
    const start = (): ReturnType<typeof processor> => {
      const p = processor(bootstrap, { ...env, EOS_HOLD_AT: incarnations.length === 0 ? String(total / 2) : undefined }, progress, ctx.log)
      incarnations.push(p)
      return p
    }
    await start().ready
    // The faults, by progress: the coordinator's broker at 20% of the records, the processor at 50%.
    const until = Date.now() + (ctx.quick ? 300_000 : 1_200_000)
    const waitProgress = async (fraction: number): Promise<void> => {
      while (progress.committed < total * fraction && Date.now() < until) {
        const current = incarnations[incarnations.length - 1]
        if (current.child.exitCode !== null || current.child.signalCode !== null) await start().ready.catch(() => {})
        await sleep(50)
      }
    }
    await waitProgress(0.2)
    const [described] = await admin.describeTransactions([transactionalId])
    const victim = described.coordinator
    if (described.errorCode !== 0 || victim < 0) throw new Error(`describeTransactions ${transactionalId}: ${described.errorName}`)
    ctx.log(`eos: SIGKILL node ${victim} (transaction coordinator of ${transactionalId}) at ${progress.committed} records`)
    await killNode(victim, 'SIGKILL', ctx.cluster)
    coordinatorKills++
    const committedAtCoordinatorKill = progress.committed
    // Back after 3 s, so that at most one node is down and min.insync.replicas 2 holds. The
    // processor goes on meanwhile (its kill may come before the node is back).
    const restarted = sleep(3000).then(async () => startNode(victim, ctx.cluster)).then(() => ctx.log(`eos: node ${victim} is back at ${progress.committed} records`))
    restarted.catch(() => {})
    await waitProgress(0.5)
    while (progress.holding === 0 && Date.now() < until) await sleep(20)
    const zombie = incarnations[incarnations.length - 1]
    ctx.log(`eos: SIGKILL the processor (pid ${zombie.child.pid}) at ${progress.committed} records, its transaction of ${progress.holding} records open; a new one starts with the same transactionalId`)
    zombie.killed.value = true
    zombie.child.kill('SIGKILL')
    processorKills++
    const committedAtProcessorKill = progress.committed
    await start().ready
    await restarted
    // Until the group's committed offsets reach the input's end (bounded).
    while (Date.now() < until && !(await allConsumed(kafka, groupId, input, ends))) {
      const current = incarnations[incarnations.length - 1]
      if (current.child.exitCode !== null || current.child.signalCode !== null) await start().ready.catch(() => {})
      await sleep(500)
    }
    const seconds = (Date.now() - started) / 1000
    for (const p of incarnations) { p.killed.value = true; p.child.kill('SIGKILL') }

    const committed = await readBack(kafka, output, partitions, 'read_committed')
    const everything = await readBack(kafka, output, partitions, 'read_uncommitted')
    // Expected: partition p of the output holds partition p of the input, in order.
    const expected: number[][] = Array.from({ length: partitions }, () => [])
    for (let i = 0; i < produced.metas.length; i++) {
      const m = produced.metas[i]
      if (m !== undefined) expected[m.partition].push(i)
    }
    let lost = 0
    let duplicated = 0
    let outOfOrder = 0
    let read = 0
    for (let p = 0; p < partitions; p++) {
      const got = committed[p].map(Number)
      read += got.length
      const counts = new Map<number, number>()
      for (const v of got) counts.set(v, (counts.get(v) ?? 0) + 1)
      for (const v of expected[p]) if (!counts.has(v)) lost++
      for (const n of counts.values()) if (n > 1) duplicated += n - 1
      const order = new Map(expected[p].map((v, k) => [v, k]))
      let last = -1
      for (const v of got) {
        const k = order.get(v) ?? -1
        if (k < last) outOfOrder++
        last = Math.max(last, k)
      }
    }
    const abortedRecords = everything.reduce((n, p) => n + p.length, 0) - read
    check(checks, coordinatorKills === 1, `the transaction coordinator's broker SIGKILLed and restarted at ${committedAtCoordinatorKill} of ${total} records`)
    check(checks, processorKills === 1 && committedAtProcessorKill < total, `the processor SIGKILLed at ${committedAtProcessorKill} of ${total} records and restarted with the same transactionalId`)
    check(checks, progress.holding > 0 && abortedRecords >= progress.holding, `the killed processor's open transaction (${progress.holding} records) aborted when the new one fenced it: ${abortedRecords} aborted records in the output log, none read with read_committed`)
    check(checks, progress.unexpectedExits === 0, `${progress.unexpectedExits} processor exits the scenario did not cause`)
    check(checks, read === total, `${read} records read back with read_committed, ${total} expected`)
    check(checks, lost === 0, `${lost} input records missing from the output`)
    check(checks, duplicated === 0, `${duplicated} duplicates in the output`)
    check(checks, outOfOrder === 0, `${outOfOrder} records out of input order per partition`)
    return {
      name: 'exactly-once: consume-transform-produce through a coordinator kill and a processor kill',
      ok: checks.every(c => c.startsWith('ok')),
      checks,
      figures: {
        records: total,
        read,
        lost,
        duplicated,
        outOfOrder,
        transactions: progress.commits,
        aborted: progress.aborts,
        openAtProcessorKill: progress.holding,
        abortedRecordsInLog: abortedRecords,
        commitRetries: progress.retries,
        coordinatorKills,
        processorKills,
        seconds: Math.round(seconds),
        ...(progress.firstAbort !== null ? { firstAbort: progress.firstAbort.slice(0, 160) } : {})
      }
    }
  } finally {
    for (const p of incarnations) { p.killed.value = true; p.child.kill('SIGKILL') }
    await admin.close().catch(() => {})
    await kafka.disconnectAll()
  }
}
