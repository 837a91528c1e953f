// npm run chaos [-- --quick] [--only leader-kill,group,network,stall,eos,soak] [--soak-seconds N]
// Fault scenarios against a 3-node cluster of its own (started on free ports, stopped at the end,
// also on failure and on SIGINT/SIGTERM) with a Toxiproxy proxy in front of every broker:
//   1 leader-kill  leader SIGKILL every 10 s under idempotent acks=all
//   2 group        consumer group churn: join, leave, SIGKILL
//   3 network      latency, bandwidth cap, blackhole, reset_peer, slicer on the leader's path
//   4 stall        leader SIGSTOP, then SIGCONT
//   5 soak         produce and consume at 5,000 records/s for 10 minutes (not in --quick)
//   7 eos          exactly-once: a transactional consume-transform-produce processor copies 200,000
//                  records through a SIGKILL of the transaction coordinator's broker and of itself
// (6, a malformed broker, is a unit test: docs/reliability.md.)
// Prints each scenario's checks and figures, writes them to .kafka/chaos/results.json, and exits 1
// when any check failed. --quick scales 1-4 and 7 down for CI (about 5-8 minutes on 2 cores).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Kafka } from '../../src/client.js'
import { startCluster, stopCluster, type ClusterFile } from '../kafka/control.js'
import { freeBasePort } from '../kafka/free-ports.js'
import { defaultClusterDir } from '../kafka/layout.js'
import { proxyCluster, quietLogger, type ChaosContext, type ScenarioResult } from './harness.js'
import { brokerStall } from './scenarios/broker-stall.js'
import { exactlyOnce } from './scenarios/exactly-once.js'
import { groupChurn } from './scenarios/group-churn.js'
import { leaderKill } from './scenarios/leader-kill.js'
import { networkFaults } from './scenarios/network-faults.js'
import { soak } from './scenarios/soak.js'
import { Toxiproxy } from '../kafka/toxiproxy.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'soak-seconds': { type: 'string', default: '600' }
  }
})
const quick = values.quick
const all = ['leader-kill', 'group', 'network', 'stall', 'eos', ...(quick ? [] : ['soak'])]
const only = values.only?.split(',').map(s => s.trim()) ?? all
for (const name of only) if (!['leader-kill', 'group', 'network', 'stall', 'eos', 'soak'].includes(name)) throw new Error(`unknown scenario ${name}`)

const log = (line: string): void => console.error(`chaos: ${line}`)
const dir = join(defaultClusterDir, 'chaos')
let cluster: ClusterFile | undefined
let toxiproxy: Toxiproxy | undefined
let cleaning: Promise<void> | undefined

function cleanUp (): Promise<void> {
  cleaning ??= (async () => {
    await toxiproxy?.stop().catch(() => {})
    if (cluster !== undefined) await stopCluster(cluster, { graceMs: 5_000, quiet: true, log })
  })()
  return cleaning
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => { void cleanUp().then(() => process.exit(sig === 'SIGINT' ? 130 : 143)) })
}

const results: ScenarioResult[] = []
let exitCode = 0
try {
  const basePort = await freeBasePort(3)
  log(`starting a 3-node cluster in ${dir} (base port ${basePort})`)
  cluster = await startCluster({ nodes: 3, dir, basePort, reuse: false, log })
  toxiproxy = await Toxiproxy.start(log)
  const { proxyOf, socketFactory } = await proxyCluster(cluster, toxiproxy)
  const bootstrap = cluster.plaintext
  const ctx: ChaosContext = {
    cluster,
    toxiproxy,
    proxyOf,
    quick,
    log,
    newKafka: (options = {}) => new Kafka({ clientId: 'chaos', bootstrapServers: bootstrap, socketFactory, logger: quietLogger, ...options })
  }
  const run = async (name: string, scenario: () => Promise<ScenarioResult | ScenarioResult[]>): Promise<void> => {
    if (!only.includes(name)) return
    log(`--- ${name}`)
    const started = Date.now()
    try {
      const r = await scenario()
      for (const one of Array.isArray(r) ? r : [r]) {
        results.push(one)
        console.log(`${one.ok ? 'PASS' : 'FAIL'} ${one.name}: ${JSON.stringify(one.figures)}`)
        for (const c of one.checks) console.log(`  ${c}`)
      }
    } catch (err) {
      results.push({ name, ok: false, checks: [`FAILED: ${(err as Error).stack ?? String(err)}`], figures: { seconds: Math.round((Date.now() - started) / 1000) } })
      console.log(`FAIL ${name}: ${(err as Error).message}`)
    }
  }
  await run('leader-kill', async () => leaderKill(ctx))
  await run('group', async () => groupChurn(ctx))
  await run('network', async () => networkFaults(ctx))
  await run('stall', async () => brokerStall(ctx))
  await run('eos', async () => exactlyOnce(ctx))
  await run('soak', async () => soak(ctx, Number(values['soak-seconds'])))
} catch (err) {
  console.log(`FAIL setup: ${(err as Error).message}`)
  exitCode = 1
} finally {
  await cleanUp()
}
mkdirSync(dir, { recursive: true })
writeFileSync(join(dir, 'results.json'), JSON.stringify({ date: new Date().toISOString(), quick, results }, null, 2) + '\n')
const passed = results.filter(r => r.ok).length
const failed = results.length - passed
console.log(`chaos: scenarios ${passed} passed, ${failed} failed`)
process.exit(exitCode !== 0 || failed > 0 ? 1 : 0)
