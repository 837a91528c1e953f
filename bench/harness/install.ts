// Installs what the peers need on first use: apt packages, the bench-only npm packages
// (KafkaJS, @platformatic/kafka, Node 24), node-rdkafka and Kafka's tool jars.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { exec } from './exec.js'
import { node24, peersDir, rdkafkaDir, toolsLibsDir } from './paths.js'

type Log = (line: string) => void

let aptUpdated = false

/** Installs Debian packages whose marker file is missing (the harness runs as root). */
export async function aptEnsure (packages: Array<{ name: string, file: string }>, log: Log): Promise<void> {
  const missing = packages.filter(p => !existsSync(p.file)).map(p => p.name)
  if (missing.length === 0) return
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`missing Debian packages ${missing.join(', ')} and not root: apt-get install ${missing.join(' ')}`)
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (!aptUpdated) {
    log('bench: apt-get update')
    await exec('apt-get', ['update', '-qq'], { env, timeoutMs: 300_000 })
    aptUpdated = true
  }
  log(`bench: apt-get install ${missing.join(' ')}`)
  await exec('apt-get', ['install', '-y', '-qq', ...missing], { env, timeoutMs: 600_000 })
}

/** GNU time, which reports each client process' CPU seconds and peak RSS. */
export function ensureGnuTime (log: Log): Promise<void> {
  return aptEnsure([{ name: 'time', file: '/usr/bin/time' }], log)
}

function lockHash (dir: string): string {
  return createHash('sha256').update(readFileSync(join(dir, 'package-lock.json'))).digest('hex')
}

/** `npm ci` in `dir` unless node_modules was installed from the same lock file. */
async function npmCi (dir: string, env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  const stamp = join(dir, 'node_modules', '.bench-lock-sha256')
  const hash = lockHash(dir)
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return
  log(`bench: npm ci --prefix ${dir}`)
  await exec('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { env, timeoutMs: 600_000 })
  writeFileSync(stamp, hash)
}

let peersReady: Promise<void> | undefined

/** KafkaJS, @platformatic/kafka and Node 24 in bench/peers; checks the Node binary is 24. */
export function ensureNpmPeers (log: Log): Promise<void> {
  peersReady ??= (async () => {
    await npmCi(peersDir, process.env, log)
    const version = (await exec(node24, ['--version'])).trim()
    if (!version.startsWith('v24.')) throw new Error(`${node24} is ${version}, expected v24.x`)
  })()
  return peersReady
}

let rdkafkaReady: Promise<void> | undefined

/**
 * node-rdkafka compiled against Debian's librdkafka (BUILD_LIBRDKAFKA=0) for the Node 24
 * ABI: npm runs under Node 24 with its bundled headers as nodedir.
 */
export function ensureRdkafka (log: Log): Promise<void> {
  rdkafkaReady ??= (async () => {
    await ensureNpmPeers(log)
    await aptEnsure([
      { name: 'librdkafka-dev', file: '/usr/include/librdkafka/rdkafka.h' },
      { name: 'build-essential', file: '/usr/bin/g++' },
      { name: 'python3', file: '/usr/bin/python3' }
    ], log)
    const nodeHome = dirname(dirname(node24))
    await npmCi(rdkafkaDir, {
      ...process.env,
      PATH: `${dirname(node24)}:${process.env.PATH ?? ''}`,
      BUILD_LIBRDKAFKA: '0',
      npm_config_nodedir: nodeHome
    }, log)
    await exec(node24, ['-e', "require('node-rdkafka')"], { cwd: rdkafkaDir })
  })()
  return rdkafkaReady
}

/** Debian's kcat (librdkafka's command-line client), the fallback when node-rdkafka fails. */
export function ensureKcat (log: Log): Promise<void> {
  return aptEnsure([{ name: 'kcat', file: '/usr/bin/kcat' }], log)
}

const toolsReady = new Map<string, Promise<string>>()

/**
 * Kafka's kafka-tools jar of `version` and its runtime dependencies, copied by mvn
 * (bench/peers/java/pom.xml) into ~/.cache/kafkats/kafka-tools-<version>/libs once.
 * Resolves with that folder.
 */
export function ensureKafkaTools (version: string, log: Log): Promise<string> {
  let p = toolsReady.get(version)
  if (p === undefined) {
    p = (async () => {
      await aptEnsure([
        { name: 'maven', file: '/usr/bin/mvn' },
        { name: 'default-jre-headless', file: '/usr/bin/java' }
      ], log)
      const dir = toolsLibsDir(version)
      const marker = join(dir, '.complete')
      if (existsSync(marker)) return dir
      const partial = `${dir}.partial-${process.pid}`
      rmSync(partial, { recursive: true, force: true })
      mkdirSync(dirname(dir), { recursive: true })
      log(`bench: fetching kafka-tools ${version} with mvn into ${dir} (first time only)`)
      const pom = join(peersDir, 'java', 'pom.xml')
      await exec('mvn', ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', '-DincludeScope=runtime',
        `-DoutputDirectory=${partial}`, `-Dkafka.version=${version}`], { timeoutMs: 600_000 })
      rmSync(join(peersDir, 'java', 'target'), { recursive: true, force: true })
      const jars = readdirSync(partial).filter(n => n.endsWith('.jar'))
      if (!jars.includes(`kafka-tools-${version}.jar`)) throw new Error(`mvn left no kafka-tools-${version}.jar in ${partial}`)
      writeFileSync(join(partial, '.complete'), jars.join('\n') + '\n')
      rmSync(dir, { recursive: true, force: true })
      renameSync(partial, dir)
      return dir
    })()
    toolsReady.set(version, p)
  }
  return p
}
