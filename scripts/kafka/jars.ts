// Fetches the broker jars from Maven Central with mvn into a cache outside git.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { kafkaVersion, libsDir, log4jVersion, loggingOf, repoRoot } from './layout.js'

/** 4.x: log4j2 (pom.xml); 3.x and 2.x: reload4j, and for 2.x ZooKeeper (pom-reload4j.xml). */
function pomFileFor (version: string): string {
  return join(repoRoot, 'scripts', 'kafka', loggingOf(version) === 'log4j2' ? 'pom.xml' : 'pom-reload4j.xml')
}
const markerName = '.complete'

/** True when `dir` holds every jar a finished download listed in its marker file. */
function libsComplete (dir: string): boolean {
  const marker = join(dir, markerName)
  if (!existsSync(marker)) return false
  const jars = readFileSync(marker, 'utf8').split('\n').filter(Boolean)
  return jars.length > 0 && jars.every(jar => existsSync(join(dir, jar)))
}

function run (command: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.on('error', err => reject(new Error(`cannot run ${command}: ${err.message}`)))
    child.on('exit', code => {
      if (code === 0) return resolve()
      log(output.split('\n').slice(-40).join('\n'))
      reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))
    })
  })
}

/**
 * Returns the folder of the broker's runtime jars for `version`, running
 * `mvn dependency:copy-dependencies` on scripts/kafka/pom.xml first when the cached
 * folder is missing or incomplete. Throws when mvn fails.
 */
export async function ensureKafkaLibs (
  version: string = kafkaVersion,
  log: (line: string) => void = line => console.error(line)
): Promise<string> {
  const dir = libsDir(version)
  if (libsComplete(dir)) return dir
  const partial = `${dir}.partial-${process.pid}`
  rmSync(partial, { recursive: true, force: true })
  mkdirSync(dirname(dir), { recursive: true })
  log(`kafka: fetching Apache Kafka ${version} jars with mvn into ${dir} (first time only)`)
  const pomFile = pomFileFor(version)
  await run('mvn', [
    '-q', '-B', '-f', pomFile,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${partial}`,
    `-Dkafka.version=${version}`,
    `-Dlog4j.version=${log4jVersion}`
  ], log)
  const jars = readdirSync(partial).filter(name => name.endsWith('.jar')).sort()
  if (!jars.some(name => name.startsWith(`kafka_2.13-${version}`))) {
    throw new Error(`mvn finished but ${partial} has no kafka_2.13-${version}.jar`)
  }
  writeFileSync(join(partial, markerName), jars.join('\n') + '\n')
  // Another process (a parallel test file) may have finished first: keep its folder.
  if (libsComplete(dir)) {
    rmSync(partial, { recursive: true, force: true })
    return dir
  }
  rmSync(dir, { recursive: true, force: true })
  renameSync(partial, dir)
  // mvn may leave target/ next to the pom; it is not ours to keep.
  rmSync(join(dirname(pomFile), 'target'), { recursive: true, force: true })
  return dir
}
