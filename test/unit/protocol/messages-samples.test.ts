/**
 * Builds sample messages from Kafka's JSON definitions, for the round-trip and fuzz tests:
 * every field present at a version gets a value different from its default (or null, in the
 * `nulls` variant, where the version allows it). Imported by messages.test.ts and fuzz.test.ts;
 * run directly it checks the builder itself.
 */
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import t from 'tap'
import { structOf } from '../../../scripts/protocol-generator/model.js'
import { selectClientMessages } from '../../../scripts/protocol-generator/select.js'
import { type FieldSpec, type FieldType, type MessageSpec, type Range, type StructSpec } from '../../../scripts/protocol-generator/spec.js'

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..')
/** The definitions in the repository (src/protocol/definitions), as the generator reads them. */
export const DEFINITIONS_DIR = resolve(repoRoot, 'src/protocol/definitions')
/** The messages the client package generates (the generator's own selection). */
export const MESSAGES: MessageSpec[] = selectClientMessages(DEFINITIONS_DIR).messages

export function messageNamed(name: string): MessageSpec {
  const m = MESSAGES.find((x) => x.name === name)
  if (m === undefined) throw new Error(`no message ${name}`)
  return m
}

function inRange(r: Range, v: number): boolean {
  return v >= r.lo && v <= r.hi
}

export interface SampleOptions {
  /** Use null wherever the version allows it (except tagged fields, where null is usually the default). */
  nulls: boolean
  seed: number
}

type Value = unknown

function intDefault(f: FieldSpec): bigint {
  const d = f.default
  if (d === undefined || d === 'null') return 0n
  if (typeof d === 'number') return BigInt(d)
  if (typeof d === 'boolean') return 0n
  const neg = d.trim().startsWith('-')
  const v = BigInt(neg ? d.trim().slice(1) : d.trim())
  return neg ? -v : v
}

function primitiveSample(f: FieldSpec, name: string, seed: number): Value {
  switch (name) {
    case 'bool':
      return !(f.default === true || f.default === 'true')
    case 'int8': {
      const v = 1 + (seed % 100)
      return BigInt(v) === intDefault(f) ? v + 1 : v
    }
    case 'int16': {
      const v = 1000 + (seed % 1000)
      return BigInt(v) === intDefault(f) ? v + 1 : v
    }
    case 'uint16':
      return 50000 + (seed % 1000)
    case 'int32': {
      const v = 100000 + seed
      return BigInt(v) === intDefault(f) ? v + 1 : v
    }
    case 'uint32':
      return 3000000000 + seed
    case 'int64':
      return (1n << 40n) + BigInt(seed)
    case 'float64':
      return 0.5 + seed
    case 'string':
      return `${f.name}-${seed}-é`
    case 'uuid': {
      const b = Buffer.alloc(16, (seed % 250) + 1)
      b[0] = seed & 0xff
      return b.toString('base64url')
    }
    case 'bytes':
    case 'records':
      return Buffer.from([1, 2, 3, seed & 0xff])
  }
  throw new Error(`unknown primitive ${name}`)
}

function elementSample(m: MessageSpec, f: FieldSpec, t: FieldType, version: number, opts: SampleOptions, seed: number, depth: number): Value {
  if (t.kind === 'primitive') {
    // Array elements ignore the field's default (which describes the array).
    return primitiveSample({ ...f, default: undefined }, t.name, seed)
  }
  if (t.kind === 'array') throw new Error('nested arrays')
  const s = structOf(m, f)!
  return structSample(s, version, opts, seed, depth + 1)
}

function fieldSample(s: StructSpec, f: FieldSpec, version: number, opts: SampleOptions, seed: number, depth: number): Value {
  const tagged = inRange(f.tagged, version)
  const isRecords = f.type.kind === 'primitive' && f.type.name === 'records'
  const nullable = inRange(f.nullable, version) || isRecords
  if (opts.nulls && nullable && !tagged) return null
  const t = f.type
  if (t.kind === 'primitive') return primitiveSample(f, t.name, seed)
  if (t.kind === 'struct') return structSample(structOf(s.message, f)!, version, opts, seed, depth + 1)
  const n = depth > 4 ? 1 : 2
  const out: Value[] = []
  for (let i = 0; i < n; i++) out.push(elementSample(s.message, f, t.element, version, opts, (seed * 7 + i + 1) % 1000003, depth))
  return out
}

/** A sample of `struct` at `version`: every field present at that version set to a non-default value. */
export function structSample(struct: StructSpec, version: number, opts: SampleOptions, seed = opts.seed, depth = 0): Record<string, Value> {
  const out: Record<string, Value> = {}
  let i = 0
  for (const f of struct.fields) {
    i++
    if (!inRange(f.versions, version)) continue
    out[f.name] = fieldSample(struct, f, version, opts, (seed * 31 + i) % 1000003, depth)
  }
  return out
}

export function messageSample(m: MessageSpec, version: number, opts: SampleOptions): Record<string, Value> {
  return structSample(m.top, version, opts)
}

/** A plain-data copy for deep comparison: undefined properties dropped, Buffers as hex strings. */
export function normalize(v: Value): Value {
  if (Buffer.isBuffer(v)) return `hex:${v.toString('hex')}`
  if (Array.isArray(v)) return v.map(normalize)
  if (v !== null && typeof v === 'object') {
    const out: Record<string, Value> = {}
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = normalize(x)
    return out
  }
  return v
}

/** Every version of a message. */
export function versionsOf(m: MessageSpec): number[] {
  const out: number[] = []
  for (let v = m.valid.lo; v <= m.valid.hi; v++) out.push(v)
  return out
}

if (process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  t.test('the sample builder covers every definition', async (t) => {
    const files = readdirSync(DEFINITIONS_DIR).filter((f) => f.endsWith('.json'))
    const { skipped } = selectClientMessages(DEFINITIONS_DIR)
    t.equal(MESSAGES.length + skipped.length, files.length, 'every JSON definition is generated or skipped with a reason')
    t.ok(skipped.some((s) => s.file === 'LeaderAndIsrRequest.json' && /none/.test(s.reason)), 'validVersions "none" is skipped')
    t.ok(skipped.some((s) => s.file === 'VoteRequest.json' && /listeners/.test(s.reason)), 'controller-only APIs are skipped')
    t.ok(MESSAGES.some((m) => m.name === 'DescribeQuorumRequest'), 'admin APIs a controller also accepts are kept')
    const s = messageSample(messageNamed('MetadataRequest'), 12, { nulls: false, seed: 1 })
    t.same(Object.keys(s).sort(), ['allowAutoTopicCreation', 'includeTopicAuthorizedOperations', 'topics'])
    t.equal(s.allowAutoTopicCreation, false, 'a bool whose default is true gets false')
    const v0 = messageSample(messageNamed('MetadataRequest'), 0, { nulls: true, seed: 1 })
    t.ok(Array.isArray(v0.topics), 'topics is not nullable at v0, so the nulls variant keeps an array')
    const v1 = messageSample(messageNamed('MetadataRequest'), 1, { nulls: true, seed: 1 })
    t.equal(v1.topics, null)
  })
}
