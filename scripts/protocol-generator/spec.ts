/**
 * Reads Kafka's JSON message definitions (clients/src/main/resources/common/message in
 * Apache Kafka; see the README.md next to them) into a small model the emitter walks.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** An inclusive version interval; empty when `lo > hi`. `hi` is Infinity for open ranges (`3+`). */
export interface Range {
  lo: number
  hi: number
}

export const EMPTY_RANGE: Range = { lo: 1, hi: 0 }

export type PrimitiveName =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'uuid'
  | 'bytes'
  | 'records'

export type FieldType =
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'array'; element: FieldType }
  | { kind: 'struct'; name: string }

export interface RawField {
  name: string
  type: string
  versions: string
  about?: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number | string
  ignorable?: boolean
  default?: string | number | boolean
  flexibleVersions?: string
  fields?: RawField[]
}

export interface RawMessage {
  apiKey?: number
  type: 'request' | 'response' | 'header' | 'data'
  name: string
  validVersions: string
  flexibleVersions: string
  deprecatedVersions?: string
  latestVersionUnstable?: boolean
  listeners?: string[]
  fields: RawField[]
  commonStructs?: { name: string; versions: string; fields: RawField[] }[]
}

export interface FieldSpec {
  /** The JSON name, e.g. `TopicId`. */
  jsonName: string
  /** The TypeScript property name, e.g. `topicId`. */
  name: string
  type: FieldType
  about: string
  versions: Range
  nullable: Range
  tagged: Range
  tag: number
  ignorable: boolean
  default: string | number | boolean | undefined
  /** A field-level override of the message's flexible versions (RequestHeader.ClientId). */
  flexibleOverride: Range | undefined
  /** The raw JSON `versions` strings, for documentation. */
  versionsText: string
  nullableText: string | undefined
  taggedText: string | undefined
}

export interface StructSpec {
  /** The name in the JSON (`MetadataRequestTopic`, `TopicPartition`). */
  jsonName: string
  /** The exported TypeScript interface name, unique across every generated module. */
  tsName: string
  fields: FieldSpec[]
  /** The versions of the message in which this struct can appear. */
  context: Range
  /** The message this struct belongs to. */
  message: MessageSpec
  isTop: boolean
}

export interface MessageSpec {
  raw: RawMessage
  file: string
  name: string
  kind: RawMessage['type']
  valid: Range
  flexible: Range
  top: StructSpec
  /** Every struct of the message, the top one first, in definition order. */
  structs: StructSpec[]
}

/** Removes `//` comments, leaving `//` inside JSON strings alone. */
export function stripJsonComments(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      out += c
      if (c === '\\') {
        out += text[i + 1] ?? ''
        i++
      } else if (c === '"') {
        inString = false
      }
      continue
    }
    if (c === '"') {
      inString = true
      out += c
      continue
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
      continue
    }
    out += c
  }
  return out
}

/** Parses a version spec: `3+`, `1-4`, `5`, `none`. */
export function parseRange(spec: string | undefined): Range {
  if (spec === undefined || spec === 'none' || spec === '') return EMPTY_RANGE
  const s = spec.trim()
  if (s.endsWith('+')) return { lo: Number(s.slice(0, -1)), hi: Infinity }
  const dash = s.indexOf('-')
  if (dash > 0) return { lo: Number(s.slice(0, dash)), hi: Number(s.slice(dash + 1)) }
  const n = Number(s)
  if (!Number.isInteger(n)) throw new Error(`bad version spec ${JSON.stringify(spec)}`)
  return { lo: n, hi: n }
}

export function isEmpty(r: Range): boolean {
  return r.lo > r.hi
}

export function intersect(a: Range, b: Range): Range {
  return { lo: Math.max(a.lo, b.lo), hi: Math.min(a.hi, b.hi) }
}

/** The smallest range covering both. */
export function hull(a: Range, b: Range): Range {
  if (isEmpty(a)) return b
  if (isEmpty(b)) return a
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) }
}

/** Whether `outer` includes every version of `inner`. */
export function covers(outer: Range, inner: Range): boolean {
  return isEmpty(inner) || (outer.lo <= inner.lo && outer.hi >= inner.hi)
}

export function rangeText(r: Range): string {
  if (isEmpty(r)) return 'none'
  if (r.hi === Infinity) return `${r.lo}+`
  if (r.lo === r.hi) return `${r.lo}`
  return `${r.lo}-${r.hi}`
}

const PRIMITIVES = new Set<string>([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'uuid',
  'bytes',
  'records',
])

export function parseType(type: string): FieldType {
  if (type.startsWith('[]')) return { kind: 'array', element: parseType(type.slice(2)) }
  if (PRIMITIVES.has(type)) return { kind: 'primitive', name: type as PrimitiveName }
  if (!/^[A-Z][A-Za-z0-9]*$/.test(type)) throw new Error(`unknown field type ${type}`)
  return { kind: 'struct', name: type }
}

/** The struct a field of type `Foo` or `[]Foo` names, if any. */
export function structNameOf(t: FieldType): string | undefined {
  if (t.kind === 'struct') return t.name
  if (t.kind === 'array') return structNameOf(t.element)
  return undefined
}

/** Loads every `*.json` definition of a directory, sorted by file name. */
export function loadRawMessages(dir: string): { file: string; raw: RawMessage }[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
  return files.map((file) => {
    const text = readFileSync(join(dir, file), 'utf8')
    let raw: RawMessage
    try {
      raw = JSON.parse(stripJsonComments(text)) as RawMessage
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`)
    }
    return { file, raw }
  })
}
