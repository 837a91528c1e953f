// Installs what the peers need on first use: apt packages, the bench-only npm packages
// (KafkaJS, @platformatic/kafka, Node 24), node-rdkafka, Kafka's tool jars, the Go peers
// (go build) and the Java peer (javac).
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { exec } from './exec.js'
import { libsDir } from '../../scripts/kafka/layout.js'
import { goPeersDir, node24, peersDir, rdkafkaDir, toolsLibsDir } from './paths.js'

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

/** The go command: on PATH, else Go's default install folder. */
function goBinary (): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'go'))) return join(dir, 'go')
  }
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go'
  throw new Error('no go command (install Go 1.26+; the Go peers are built with go build)')
}

/** Hash of the Go peers' sources (go.mod, go.sum and every .go file under bench/peers/go). */
function goSourcesHash (): string {
  const h = createHash('sha256')
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === 'bin') continue
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.(go|mod|sum)$/.test(e.name)) h.update(p).update(readFileSync(p))
    }
  }
  walk(goPeersDir)
  return h.digest('hex')
}

let goReady: Promise<string> | undefined

/**
 * Builds the Go peers (bench/peers/go: franz-go and confluent-kafka-go, module versions
 * pinned in its go.mod/go.sum, fetched from the Go module proxy) into bench/peers/go/bin
 * with `go build`, once per change of their sources. confluent-kafka-go links its bundled
 * librdkafka with cgo (gcc needed). Resolves with `go version`'s output.
 */
export function ensureGoPeers (log: Log): Promise<string> {
  goReady ??= (async () => {
    const go = goBinary()
    const version = (await exec(go, ['version'])).trim()
    const bin = join(goPeersDir, 'bin')
    const stamp = join(bin, '.sources-sha256')
    const hash = goSourcesHash()
    if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash &&
      existsSync(join(bin, 'franz-go')) && existsSync(join(bin, 'librdkafka'))) return version
    await aptEnsure([{ name: 'build-essential', file: '/usr/bin/gcc' }], log)
    log(`bench: go build of the Go peers in ${goPeersDir} (first time: module download and cgo, about a minute)`)
    mkdirSync(bin, { recursive: true })
    await exec(go, ['build', '-o', bin + '/', './franz-go', './librdkafka'], {
      cwd: goPeersDir,
      env: { ...process.env, CGO_ENABLED: '1', GOFLAGS: '-mod=readonly -buildvcs=false' },
      timeoutMs: 900_000
    })
    writeFileSync(stamp, hash)
    return version
  })()
  return goReady
}

const javaPeerReady = new Map<string, Promise<string>>()

/**
 * bench/peers/java/BenchPeer.java compiled with javac against the kafka-clients jar of the
 * broker's release (~/.cache/kafkats/kafka-<version>/libs, from scripts/kafka/; else the
 * kafka-tools dependencies mvn fetches), into ~/.cache/kafkats/bench-java-<version> once per
 * change of the source. Resolves with the classpath.
 */
export function ensureJavaPeer (version: string, log: Log): Promise<string> {
  let p = javaPeerReady.get(version)
  if (p === undefined) {
    p = (async () => {
      await aptEnsure([{ name: 'default-jdk-headless', file: '/usr/bin/javac' }], log)
      const libs = existsSync(libsDir(version)) ? libsDir(version) : await ensureKafkaTools(version, log)
      const source = join(peersDir, 'java', 'BenchPeer.java')
      const text = readFileSync(source, 'utf8')
      const out = join(dirname(toolsLibsDir(version)), '..', `bench-java-${version}`)
      const stamp = join(out, 'BenchPeer.source')
      if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== text) {
        log(`bench: javac BenchPeer.java against ${libs}`)
        mkdirSync(out, { recursive: true })
        await exec('javac', ['-cp', join(libs, '*'), '-d', out, source], { timeoutMs: 300_000 })
        writeFileSync(stamp, text)
      }
      return `${out}:${join(libs, '*')}`
    })()
    javaPeerReady.set(version, p)
  }
  return p
}
