// `npm run test:compat [-- --version V ...] [-- tap args]`: runs a core set of the integration
// tests against older Apache Kafka releases (default: layout's compatVersions, 3.9.x KRaft and
// 2.8.x with ZooKeeper), one at a time. Each cluster is started here on free ports (free-ports.ts),
// in .kafka/compat-<version>, and stopped afterwards (also on failure and on
// SIGINT/SIGTERM). The client negotiates down to what each broker speaks.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { clusterFilePath } from './kafka/cluster-file.js'
import { startCluster, stopCluster } from './kafka/control.js'
import { freeBasePort } from './kafka/free-ports.js'
import { compatVersions, defaultClusterDir, repoRoot } from './kafka/layout.js'

/**
 * The core set: produce and read back every codec; group consumption with range (and
 * roundRobin) and cooperativeSticky; admin topics, configs and offsets; every listener with
 * SASL (PLAIN, SCRAM) and TLS; transactions (v1 on these releases: AddPartitionsToTxn,
 * AddOffsetsToTxn, fencing); groupProtocol 'consumer' refused with a typed error (no KIP-848 on
 * these releases' defaults). Existing files, run as they are against each cluster file.
 */
export const COMPAT_TESTS = [
  'test/integration/producer/codecs.test.ts',
  'test/integration/producer/transactions.test.ts',
  'test/integration/consumer/group-assignors.test.ts',
  'test/integration/consumer/cooperative.test.ts',
  'test/integration/admin/topics.test.ts',
  'test/integration/admin/configs.test.ts',
  'test/integration/admin/offsets.test.ts',
  'test/integration/pool/listeners.test.ts',
  'test/integration/interop/records-and-offsets.test.ts',
  'test/integration/consumer/consumer-protocol-compat.test.ts'
]

const log = (line: string): void => console.error(line)
const { values } = parseArgs({
  options: { version: { type: 'string', multiple: true } },
  allowPositionals: true,
  strict: false
})
const versions = (values.version as string[] | undefined) ?? compatVersions
// Everything else goes to tap (e.g. --reporter=tap).
const tapExtra = process.argv.slice(2).filter((a, i, all) => a !== '--version' && all[i - 1] !== '--version' && !a.startsWith('--version='))

let current: string | undefined
let child: ReturnType<typeof spawn> | undefined
let interrupted: NodeJS.Signals | undefined
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    interrupted = sig
    if (child !== undefined && child.exitCode === null) child.kill(sig)
    else void (current === undefined ? Promise.resolve(false) : stopCluster(current, { log })).then(() => process.exit(sig === 'SIGINT' ? 130 : 143))
  })
}


const results: Array<{ version: string, code: number }> = []
for (const version of versions) {
  if (interrupted !== undefined) break
  const dir = join(defaultClusterDir, `compat-${version}`)
  let code = 1
  try {
    current = dir
    const basePort = await freeBasePort(1)
    const cluster = await startCluster({ version, nodes: 1, dir, basePort, log, reuse: false })
    log(`test:compat: Apache Kafka ${version} on ${cluster.plaintext}`)
    const env = { ...process.env, KAFKATS_CLUSTER_FILE: clusterFilePath(cluster.dir), KAFKA_BOOTSTRAP: cluster.plaintext }
    if (interrupted === undefined) {
      code = await new Promise<number>((resolve, reject) => {
        child = spawn(join(repoRoot, 'node_modules', '.bin', 'tap'), [...COMPAT_TESTS, ...tapExtra], { cwd: repoRoot, env, stdio: 'inherit' })
        child.on('error', reject)
        child.on('exit', (exit, sig) => resolve(exit ?? (sig === 'SIGINT' ? 130 : 1)))
      })
    }
  } catch (err) {
    log(`test:compat: Apache Kafka ${version}: ${(err as Error).message}`)
  } finally {
    await stopCluster(dir, { log, quiet: true }).catch(err => log(`test:compat: stopping ${dir} failed: ${(err as Error).message}`))
    current = undefined
  }
  results.push({ version, code })
}
for (const r of results) log(`test:compat: Apache Kafka ${r.version}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`}`)
const failed = results.some(r => r.code !== 0) || results.length < versions.length
process.exit(interrupted !== undefined ? (interrupted === 'SIGINT' ? 130 : 143) : failed ? 1 : 0)
