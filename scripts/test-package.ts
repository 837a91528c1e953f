// `npm run test:package`: the package as a user gets it. Builds, `npm pack`s, installs the
// tarball into a temporary project and checks, without a broker or the network:
//   - the tarball: package.json's main/types/bin/exports targets exist, every relative import of
//     every .js/.d.ts/.d.cts file (and every sourceMappingURL) names a file in the tarball, every
//     bare import of the JavaScript is a dependency or a Node builtin;
//   - an ESM `import` and a CommonJS `require` (require(esm): one build, the same classes), and
//     that importing loads none of the native codec libraries (they load on first use) nor
//     @opentelemetry/api; the same for the `kafkats/otel` subpath (with its peer dependency) and
//     the `kafkats/kafkajs` subpath;
//   - the same import and require on Node 22 and 24 when .ci/node-matrix has them installed;
//   - the `kafkats` bin (`--version`, `--help`);
//   - TypeScript projects compiling against the types: module node16 (ESM; CommonJS with
//     skipLibCheck), node20, nodenext (ESM and CommonJS) and bundler.
// The install: `npm install --offline <tarball>` needs the registry's package documents of the
// dependencies, which the npm cache filled by `npm ci` (tarballs by integrity) does not hold, so
// this does what npm's install does for the tarball itself (extract into node_modules/kafkats,
// link and chmod the bin) and links the dependencies the packed package.json names from this
// repository's node_modules (failing if one is missing). Exit code 0 when every check passes.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const keep = process.argv.includes('--keep')
const skipBuild = process.argv.includes('--no-build')
const tmp = mkdtempSync(join(tmpdir(), 'kafkats-package-'))
const proj = join(tmp, 'project')
const failures: string[] = []
let passed = 0

function check(name: string, ok: boolean, detail = ''): void {
  if (ok) passed++
  else failures.push(`${name}${detail ? `: ${detail}` : ''}`)
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}${ok || !detail ? '' : `\n  ${detail.split('\n').join('\n  ')}`}`)
}

function run(cmd: string, args: string[], cwd: string, inherit = false): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180_000, stdio: inherit ? 'inherit' : 'pipe' })
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` }
}

function fail(msg: string): never {
  console.error(`test:package: ${msg}`)
  cleanup()
  process.exit(1)
}

function cleanup(): void {
  if (keep) console.error(`test:package: kept ${tmp}`)
  else rmSync(tmp, { recursive: true, force: true })
}

// --- build and pack -----------------------------------------------------------------------
if (!skipBuild && run('npm', ['run', 'build'], repo, true).status !== 0) fail('npm run build failed')
const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], repo)
if (packed.status !== 0) fail(`npm pack failed\n${packed.out}`)
const tarball = join(tmp, (JSON.parse(packed.out.slice(packed.out.indexOf('['))) as Array<{ filename: string }>)[0].filename)
const pkgDir = join(proj, 'node_modules', 'kafkats')
mkdirSync(pkgDir, { recursive: true })
if (run('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1'], tmp).status !== 0) fail('tar could not extract the tarball')
const listing = run('tar', ['-tzf', tarball], tmp).out.split('\n').filter((l) => l.length > 0 && !l.endsWith('/'))
const files = new Set(listing.map((l) => l.replace(/^package\//, '')))
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  name: string
  version: string
  main?: string
  types?: string
  bin?: Record<string, string>
  exports?: unknown
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}
console.log(`# ${pkg.name}@${pkg.version}: ${files.size} files in ${tarball}`)

// --- the tarball points only at files it holds ---------------------------------------------
const norm = (p: string): string => posix.normalize(p.replace(/^\.\//, ''))
const targets: string[] = []
const collect = (v: unknown): void => {
  if (typeof v === 'string') targets.push(v)
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) collect(x)
}
collect(pkg.exports)
for (const t of [pkg.main, pkg.types, ...Object.values(pkg.bin ?? {})]) if (t !== undefined) targets.push(t)
const missingTargets = targets.filter((t) => !files.has(norm(t)))
check('package.json main, types, bin and exports name files in the tarball', missingTargets.length === 0, missingTargets.join(', '))

const allowedBare = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})])
const builtins = new Set(builtinModules)
// Import and export statements (from the start of a line, so a string such as "… from '${x}'"
// inside code is not taken for one), side-effect imports, dynamic import() and require().
const specifierRe = /^\s*(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/gm
const dangling: string[] = []
const undeclared: string[] = []
for (const file of files) {
  const isDts = /\.d\.c?ts$/.test(file)
  if (!isDts && !/\.(c|m)?js$/.test(file)) continue
  const text = readFileSync(join(pkgDir, file), 'utf8')
  for (const m of text.matchAll(specifierRe)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4]
    if (spec.startsWith('.')) {
      let target = posix.join(posix.dirname(file), spec)
      if (isDts) target = target.replace(/\.js$/, '.d.ts').replace(/\.cjs$/, '.d.cts').replace(/\.mjs$/, '.d.mts')
      if (!files.has(target)) dangling.push(`${file} -> ${spec}`)
    } else if (!isDts) {
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
      if (!spec.startsWith('node:') && !builtins.has(name) && !allowedBare.has(name)) undeclared.push(`${file} -> ${spec}`)
    }
  }
  const map = /\/\/# sourceMappingURL=(\S+)/.exec(text)
  if (map !== null && !map[1].startsWith('data:') && !files.has(posix.join(posix.dirname(file), map[1]))) dangling.push(`${file} -> ${map[1]}`)
}
check('every relative import and source map in the tarball names a file in it', dangling.length === 0, dangling.slice(0, 20).join('\n'))
check('every package the JavaScript imports is a dependency or a Node builtin', undeclared.length === 0, undeclared.slice(0, 20).join('\n'))

// --- install: the tarball extracted above, its bin linked, its dependencies linked ----------
writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'kafkats-package-test', version: '1.0.0', private: true }, null, 2))
const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), '@types/node', 'typescript']
for (const dep of deps) {
  const from = join(repo, 'node_modules', dep)
  if (!existsSync(from)) fail(`${dep} is not in ${join(repo, 'node_modules')}: run npm ci`)
  mkdirSync(dirname(join(proj, 'node_modules', dep)), { recursive: true })
  symlinkSync(from, join(proj, 'node_modules', dep), 'dir')
}
mkdirSync(join(proj, 'node_modules', '.bin'), { recursive: true })
for (const [name, target] of Object.entries(pkg.bin ?? {})) {
  const file = join(pkgDir, target)
  check(`bin ${name} starts with a node shebang`, existsSync(file) && readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node'))
  if (existsSync(file)) chmodSync(file, 0o755) // npm's bin-links does the same on install
  symlinkSync(join('..', 'kafkats', target), join(proj, 'node_modules', '.bin', name))
}

// --- ESM import, CommonJS require, bin -------------------------------------------------------
writeFileSync(
  join(proj, 'esm.mjs'),
  `import * as k from 'kafkats'
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const problems = []
if (typeof k.Kafka !== 'function') problems.push('Kafka is not a class')
if (!(new k.ConfigError('x') instanceof k.KafkaError)) problems.push('ConfigError is not a KafkaError')
if (k.ClientErrorCode.CODEC_UNAVAILABLE !== 'CODEC_UNAVAILABLE') problems.push('CODEC_UNAVAILABLE missing')
const native = Object.keys(require.cache).filter((p) => /node_modules[\\\\/](lz4-napi|snappy|@mongodb-js[\\\\/]zstd)[\\\\/]/.test(p))
if (native.length > 0) problems.push('native codecs loaded at import: ' + native.join(', '))
if (require('kafkats').Kafka !== k.Kafka) problems.push('require and import give different classes')
if (Object.keys(require.cache).some((p) => /@opentelemetry/.test(p))) problems.push('kafkats loaded @opentelemetry/api')
const otel = await import('kafkats/otel')
if (typeof otel.instrumentKafkats !== 'function') problems.push('kafkats/otel: no instrumentKafkats')
if (require('kafkats/otel').instrumentKafkats !== otel.instrumentKafkats) problems.push('kafkats/otel: require and import differ')
const handle = otel.instrumentKafkats()
if (typeof handle.disable !== 'function') problems.push('kafkats/otel: no disable()')
handle.disable()
const kj = await import('kafkats/kafkajs')
if (typeof kj.Kafka !== 'function' || typeof kj.Partitioners.DefaultPartitioner !== 'function') problems.push('kafkats/kafkajs: Kafka or Partitioners missing')
if (!(new kj.KafkaJSNonRetriableError('x') instanceof kj.KafkaJSError)) problems.push('kafkats/kafkajs: error classes')
if (require('kafkats/kafkajs').Kafka !== kj.Kafka) problems.push('kafkats/kafkajs: require and import give different classes')
console.log(problems.length === 0 ? 'esm ok' : problems.join('; '))
`,
)
const esm = run(process.execPath, ['esm.mjs'], proj)
check('ESM import (and require of the same module gives the same classes, no codec loaded)', esm.status === 0 && esm.out.trim() === 'esm ok', esm.out)

writeFileSync(
  join(proj, 'cjs.cjs'),
  `const k = require('kafkats')
const { Kafka, KafkaError, ConfigError } = require('kafkats')
const problems = []
if (typeof Kafka !== 'function' || k.Kafka !== Kafka) problems.push('Kafka is not a class')
if (!(new ConfigError('x') instanceof KafkaError)) problems.push('ConfigError is not a KafkaError')
if (require('kafkats/package.json').version !== ${JSON.stringify(pkg.version)}) problems.push('kafkats/package.json')
const { instrumentKafkats, W3CTraceContext } = require('kafkats/otel')
if (typeof instrumentKafkats !== 'function' || typeof W3CTraceContext !== 'function') problems.push('require kafkats/otel')
const kj = require('kafkats/kafkajs')
if (typeof kj.Kafka !== 'function' || kj.logLevel.INFO !== 4 || kj.CompressionTypes.GZIP !== 1) problems.push('kafkats/kafkajs')
console.log(problems.length === 0 ? 'cjs ok' : problems.join('; '))
`,
)
const cjs = run(process.execPath, ['cjs.cjs'], proj)
check(`CommonJS require (Node ${process.version})`, cjs.status === 0 && cjs.out.includes('cjs ok'), cjs.out)

// The same two on the Node 22 and 24 of .ci/node-matrix, when `npm run test:node-matrix` has
// installed them (require(esm) is unflagged from 20.19 and 22.12 on; 24 has it too).
for (const major of ['22', '24']) {
  const other = join(repo, '.ci', 'node-matrix', 'node_modules', `node${major}`, 'bin', 'node')
  if (!existsSync(other)) {
    console.log(`# Node ${major}: not installed in .ci/node-matrix (npm run test:node-matrix installs it), skipped`)
    continue
  }
  const e = run(other, ['esm.mjs'], proj)
  const c = run(other, ['cjs.cjs'], proj)
  check(`ESM import and CommonJS require on Node ${major}`, e.out.trim() === 'esm ok' && c.out.trim() === 'cjs ok', `${e.out}${c.out}`)
}

const bin = join(proj, 'node_modules', '.bin', 'kafkats')
const version = run(bin, ['--version'], proj)
check('kafkats --version', version.status === 0 && version.out.trim() === `kafkats ${pkg.version}`, version.out)
const help = run(bin, ['--help'], proj)
check('kafkats --help', help.status === 0 && help.out.includes('usage: kafkats'), help.out.slice(0, 500))

// --- TypeScript against the types -----------------------------------------------------------
// Each file uses the types and carries a @ts-expect-error: were the types missing (any), the
// unused directive would fail the compile. The first project also checks the declaration files
// themselves; the others skip that (skipLibCheck) to stay quick, resolution and use are checked.
const tsBody = `const options: KafkaOptions = { clientId: 'package-test', bootstrapServers: ['127.0.0.1:9092'] }
const kafka: Kafka = new Kafka(options)
export const producer: Producer = kafka.producer({ compression: 'lz4' })
export function isCodecError(e: unknown): boolean {
  return e instanceof CodecUnavailableError && e.code === ClientErrorCode.CODEC_UNAVAILABLE && e.packageName.length > 0
}
// @ts-expect-error bootstrapServers is a string or string[]
export const wrong = new Kafka({ bootstrapServers: 42 })
export const otel: KafkatsInstrumentation = instrumentKafkats({ traces: true })
// @ts-expect-error traces is a boolean
export const wrongOtel = instrumentKafkats({ traces: 'yes' })
`
const tsImport = `import { Kafka, Producer, CodecUnavailableError, ClientErrorCode, type KafkaOptions } from 'kafkats'
import { instrumentKafkats, type KafkatsInstrumentation } from 'kafkats/otel'
import { Kafka as KafkaJS, Partitioners, type RecordMetadata, type EachMessagePayload } from 'kafkats/kafkajs'
export const kafkajsProducer = new KafkaJS({ clientId: 'package-test', brokers: ['127.0.0.1:9092'] }).producer({ createPartitioner: Partitioners.DefaultPartitioner })
export const firstBaseOffset = (r: RecordMetadata[]): string | undefined => r[0]?.baseOffset
export const valueOf = (p: EachMessagePayload): string => p.message.value?.toString() ?? ''
// @ts-expect-error brokers is a string array or a function
export const wrongKafkaJS = new KafkaJS({ brokers: 42 })
`
writeFileSync(join(proj, 'esm.mts'), tsImport + tsBody)
writeFileSync(join(proj, 'cjs.cts'), tsImport + tsBody)
writeFileSync(join(proj, 'bundler.ts'), tsImport + tsBody)
const tsc = join(proj, 'node_modules', 'typescript', 'bin', 'tsc')
const tsConfigs: Array<[string, Record<string, unknown>, string[]]> = [
  ['module nodenext: ESM and CommonJS', { module: 'nodenext', moduleResolution: 'nodenext' }, ['esm.mts', 'cjs.cts']],
  ['module node20: ESM and CommonJS', { module: 'node20', moduleResolution: 'nodenext', skipLibCheck: true }, ['esm.mts', 'cjs.cts']],
  ['module node16: ESM', { module: 'node16', moduleResolution: 'node16', skipLibCheck: true }, ['esm.mts']],
  ['module node16: CommonJS (skipLibCheck)', { module: 'node16', moduleResolution: 'node16', skipLibCheck: true }, ['cjs.cts']],
  ['moduleResolution bundler', { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true }, ['bundler.ts']],
]
for (const [name, options, include] of tsConfigs) {
  const file = `tsconfig.${name.replace(/[^a-z0-9]+/gi, '-')}.json`
  writeFileSync(
    join(proj, file),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', types: ['node'], ...options }, files: include }, null, 2),
  )
  const started = Date.now()
  const r = run(process.execPath, [tsc, '-p', file], proj)
  console.log(`# tsc ${file}: ${Date.now() - started} ms`)
  check(`TypeScript, ${name}`, r.status === 0, r.out)
}

console.log(`# test:package: ${passed} passed, ${failures.length} failed`)
cleanup()
process.exit(failures.length === 0 ? 0 : 1)
