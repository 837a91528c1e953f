/**
 * Emits the TypeScript of one struct: its interface and its straight-code reader and writer.
 * Everything branches on `version` with plain comparisons; nothing interprets a schema at run time.
 */
import { and, choose, cond, not } from './conditions.js'
import { isRequired, structOf } from './model.js'
import { intersect, isEmpty, rangeText, type FieldSpec, type FieldType, type PrimitiveName, type StructSpec } from './spec.js'

const RESERVED = new Set([
  // Names the generated functions use for themselves.
  'r',
  'w',
  'tr',
  'tw',
  'version',
  'flexible',
  's',
  'err',
  'n',
  'i',
  'u',
  'tag',
  'size',
  'end',
  'unknown',
  'numTagged',
  'unknownTaggedFields',
  'result',
  // JavaScript reserved words that a camelCase field name could be.
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'let',
  'static',
  'implements',
  'interface',
  'package',
  'private',
  'protected',
  'public',
  'await',
])

/** The local variable holding a field's value in generated code. */
function local(f: FieldSpec): string {
  return RESERVED.has(f.name) ? f.name + '_' : f.name
}

/** What the emitter of one module needs to emit besides the struct functions themselves. */
export interface EmitNeeds {
  /** Structs that need `read<X>Array`/`write<X>Array`. */
  arrays: Set<StructSpec>
  /** Structs that need `isDefault<X>`. */
  isDefault: Set<StructSpec>
}

const SCALAR_SIZE: Partial<Record<PrimitiveName, number>> = {
  bool: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  float64: 8,
  uuid: 16,
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1)
}

function indent(lines: string[], n = 1): string[] {
  const pad = '  '.repeat(n)
  return lines.map((l) => (l === '' ? l : pad + l))
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** A JSON default as a number (decimal, hex `0x7fffffff`, signed). */
function parseIntDefault(d: string | number | boolean): bigint {
  if (typeof d === 'boolean') throw new Error(`boolean default ${d} on an integer field`)
  if (typeof d === 'number') return BigInt(d)
  const s = d.trim()
  const neg = s.startsWith('-')
  const body = neg ? s.slice(1) : s
  const v = BigInt(body)
  return neg ? -v : v
}

export class StructEmitter {
  constructor(
    private readonly struct: StructSpec,
    private readonly needs: EmitNeeds,
  ) {}

  private get ctx() {
    return this.struct.context
  }

  /** Whether any version of this struct is flexible. */
  canBeFlexible(): boolean {
    return cond(this.struct.message.flexible, this.ctx) !== 'false'
  }

  private flexibleCond(): string {
    return cond(this.struct.message.flexible, this.ctx)
  }

  /** The expression telling whether the struct's current version is flexible. */
  private flexExpr(): string {
    const c = this.flexibleCond()
    return c === 'true' || c === 'false' ? c : 'flexible'
  }

  private fieldFlexExpr(f: FieldSpec): string {
    if (f.flexibleOverride !== undefined) return cond(f.flexibleOverride, this.ctx)
    return this.flexExpr()
  }

  private target(f: FieldSpec): StructSpec {
    const t = structOf(this.struct.message, f)
    if (t === undefined) throw new Error(`${this.struct.message.name}: no struct for ${f.jsonName}`)
    return t
  }

  private mayBeNull(f: FieldSpec): boolean {
    if (f.type.kind === 'primitive' && f.type.name === 'records') return true
    return !isEmpty(intersect(f.nullable, intersect(f.versions, this.ctx)))
  }

  // ---------------------------------------------------------------- types

  private elementTs(t: FieldType): string {
    if (t.kind === 'struct') return this.structTsName(t.name)
    if (t.kind === 'array') return `${this.elementTs(t.element)}[]`
    switch (t.name) {
      case 'bool':
        return 'boolean'
      case 'int64':
        return 'bigint'
      case 'string':
      case 'uuid':
        return 'string'
      case 'bytes':
      case 'records':
        return 'Buffer'
      default:
        return 'number'
    }
  }

  private structTsName(jsonName: string): string {
    const s = this.struct.message.structs.find((x) => !x.isTop && x.jsonName === jsonName)
    if (s === undefined) throw new Error(`${this.struct.message.name}: unknown struct ${jsonName}`)
    return s.tsName
  }

  fieldTs(f: FieldSpec): string {
    const base = this.elementTs(f.type)
    return this.mayBeNull(f) ? `${base} | null` : base
  }

  interfaceSource(): string[] {
    const s = this.struct
    const lines: string[] = []
    const m = s.message
    if (s.isTop) {
      const what =
        m.kind === 'request' || m.kind === 'response'
          ? `${m.name} (API key ${m.raw.apiKey})`
          : m.kind === 'header'
            ? `${m.name} (the ${m.name === 'RequestHeader' ? 'request' : 'response'} header)`
            : `${m.name} (a data message, not sent as a request or response)`
      const flex = isEmpty(m.flexible) ? 'never flexible' : `flexible ${rangeText(intersect(m.flexible, m.valid))}`
      lines.push(`/** ${what}: versions ${rangeText(m.valid)}, ${flex}. Generated from ${m.file}. */`)
    } else {
      lines.push(`/** A ${s.jsonName} of ${m.name}: versions ${rangeText(s.context)}. */`)
    }
    lines.push(`export interface ${s.tsName} {`)
    for (const f of s.fields) {
      lines.push(`  /** ${this.fieldDoc(f)} */`)
      lines.push(`  ${f.name}${isRequired(s, f) ? '' : '?'}: ${this.fieldTs(f)}`)
    }
    if (this.canBeFlexible()) {
      lines.push('  /** Tagged fields this code does not know, as read (views on the input), written back on encode. */')
      lines.push('  unknownTaggedFields?: TaggedField[]')
    }
    lines.push('}')
    return lines
  }

  private fieldDoc(f: FieldSpec): string {
    let about = f.about.trim().replace(/\*\//g, '* /')
    if (about !== '' && !/[.!?]$/.test(about)) about += '.'
    const parts = [`Versions: ${f.versionsText}`]
    if (f.nullableText !== undefined) parts.push(`nullable: ${f.nullableText}`)
    if (f.taggedText !== undefined) parts.push(`tagged (tag ${f.tag}): ${f.taggedText}`)
    if (f.default !== undefined) parts.push(`default: ${String(f.default)}`)
    if (f.ignorable) parts.push('ignorable')
    return `${about === '' ? '' : about + ' '}${parts.join('; ')}`
  }

  // ---------------------------------------------------------------- defaults

  /** The field's default value as source. */
  defaultExpr(f: FieldSpec): string {
    const d = f.default
    if (d === 'null') return 'null'
    const t = f.type
    if (t.kind === 'array') return '[]'
    if (t.kind === 'struct') return `({} as ${this.target(f).tsName})`
    switch (t.name) {
      case 'bool':
        return d === true || d === 'true' ? 'true' : 'false'
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
        return d === undefined ? '0' : String(parseIntDefault(d))
      case 'int64':
        return d === undefined ? '0n' : `${parseIntDefault(d)}n`
      case 'float64':
        return d === undefined ? '0' : String(Number(d))
      case 'string':
        return d === undefined ? "''" : quote(String(d))
      case 'uuid':
        return 'ZERO_UUID'
      case 'bytes':
        return 'EMPTY_BUFFER'
      case 'records':
        return 'null'
    }
  }

  /** An expression true when `v` (not undefined) differs from the field's default. */
  nonDefault(f: FieldSpec, v: string): string {
    const d = this.defaultExpr(f)
    const nullable = this.mayBeNull(f)
    if (d === 'null') return `${v} !== null`
    const t = f.type
    if (t.kind === 'array' || (t.kind === 'primitive' && t.name === 'bytes')) {
      return nullable ? `(${v} === null || ${v}.length > 0)` : `${v}.length > 0`
    }
    if (t.kind === 'struct') {
      const target = this.target(f)
      this.needs.isDefault.add(target)
      return nullable ? `(${v} === null || !isDefault${target.tsName}(${v}))` : `!isDefault${target.tsName}(${v})`
    }
    return `${v} !== ${d}`
  }

  isDefaultSource(): string[] {
    const s = this.struct
    const checks = s.fields.map((f) => `(s.${f.name} === undefined || !(${this.nonDefault(f, `s.${f.name}`)}))`)
    const body = checks.length === 0 ? ['return true'] : ['return (', ...indent(checks.map((c, i) => (i === 0 ? c : `&& ${c}`))), ')']
    return [`function isDefault${s.tsName}(s: ${s.tsName}): boolean {`, ...indent(body), '}']
  }

  // ---------------------------------------------------------------- writing

  /** Statements writing value `v` of field `f` to writer `w`. */
  private writeValue(f: FieldSpec, v: string, w: string, flex: string, tagged: boolean): string[] {
    const t = f.type
    if (t.kind === 'primitive') {
      switch (t.name) {
        case 'string':
          return this.branch(flex, `${w}.compactString(${v})`, `${w}.string(${v})`)
        case 'bytes':
        case 'records':
          return this.branch(flex, `${w}.compactBytes(${v})`, `${w}.bytes(${v})`)
        default:
          return [`${w}.${t.name}(${v})`]
      }
    }
    if (t.kind === 'array') {
      const el = t.element
      if (el.kind === 'primitive') return [`write${cap(el.name)}Array(${w}, ${v}, ${flex})`]
      if (el.kind === 'array') throw new Error('arrays of arrays are not part of the protocol')
      const target = this.target(f)
      this.needs.arrays.add(target)
      return [`write${target.tsName}Array(${w}, version, ${v}, ${flex})`]
    }
    const target = this.target(f)
    if (!this.mayBeNull(f)) return [`write${target.tsName}(${w}, version, ${v})`]
    const [nullMark, presentMark] = tagged ? [`${w}.uvarint(0)`, `${w}.uvarint(1)`] : [`${w}.int8(-1)`, `${w}.int8(1)`]
    return [`if (${v} === null) {`, `  ${nullMark}`, '} else {', `  ${presentMark}`, `  write${target.tsName}(${w}, version, ${v})`, '}']
  }

  private branch(c: string, a: string, b: string): string[] {
    if (c === 'true') return [a]
    if (c === 'false') return [b]
    return [`if (${c}) ${a}`, `else ${b}`]
  }

  writerSource(): string[] {
    const s = this.struct
    const body: string[] = []
    const fc = this.flexibleCond()
    if (fc !== 'true' && fc !== 'false' && this.usesFlexibleVar()) body.push(`const flexible = ${fc}`)
    const path = (f: FieldSpec) => `${s.tsName}.${f.name}`
    for (const f of s.fields) {
      const present = cond(f.versions, this.ctx)
      const regularRange = f.tag >= 0 && !isEmpty(f.tagged) ? { lo: f.versions.lo, hi: Math.min(f.versions.hi, f.tagged.lo - 1) } : f.versions
      const regular = cond(regularRange, this.ctx)
      const v = local(f)
      if (regular !== 'false') {
        const block: string[] = []
        const scalar = f.type.kind === 'primitive' && SCALAR_SIZE[f.type.name] !== undefined
        if (scalar && f.type.kind === 'primitive') {
          // Scalars can't be null: write straight from the struct.
          block.push(`w.${f.type.name}(s.${f.name} ?? ${this.defaultExpr(f)})`)
          if (regular === 'true') body.push(...block)
          else body.push(`if (${regular}) ${block[0]}`)
        } else {
        // A null given for a nullable field is kept: only undefined means "use the default".
        block.push(
          this.mayBeNull(f)
            ? `const ${v} = s.${f.name} === undefined ? ${this.defaultExpr(f)} : s.${f.name}`
            : `const ${v} = s.${f.name} ?? ${this.defaultExpr(f)}`,
        )
        if (this.mayBeNull(f) && !(f.type.kind === 'primitive' && f.type.name === 'records')) {
          const nullOk = cond(f.nullable, intersect(regularRange, this.ctx))
          if (nullOk !== 'true') block.push(`if (${v} === null${nullOk === 'false' ? '' : ` && ${not(nullOk)}`}) throw nullNotAllowed(${quote(path(f))}, version)`)
        }
        block.push(...this.writeValue(f, v, 'w', this.fieldFlexExpr(f), false))
        if (regular === 'true') body.push(...block)
        else body.push(`if (${regular}) {`, ...indent(block), '}')
        }
      }
      if (present !== 'true' && !f.ignorable) {
        const absent = not(present)
        body.push(
          `if (${absent} && s.${f.name} !== undefined && ${this.nonDefault(f, `s.${f.name}`)}) {`,
          `  throw unsupportedField(${quote(path(f))}, version, ${quote(rangeText(f.versions))})`,
          '}',
        )
      }
    }
    if (this.canBeFlexible()) {
      const tagged = this.taggedFields()
      const block: string[] = []
      if (tagged.length === 0) {
        block.push('writeUnknownTaggedFields(w, s.unknownTaggedFields)')
      } else {
        block.push('const unknown = sortedTaggedFields(s.unknownTaggedFields)')
        block.push('let numTagged = unknown.length')
        for (const f of tagged) {
          const c = cond(f.tagged, this.ctx)
          const v = local(f)
          block.push(`const ${v} = ${choose(c, `s.${f.name}`, 'undefined')}`)
          block.push(`const has${cap(f.name)} = ${v} !== undefined && ${this.nonDefault(f, v)}`)
          block.push(`if (has${cap(f.name)}) numTagged++`)
        }
        block.push('w.uvarint(numTagged)')
        block.push('let u = 0')
        for (const f of tagged) {
          const v = local(f)
          const inner: string[] = [`u = writeUnknownTaggedFieldsBelow(w, unknown, u, ${f.tag})`, `w.uvarint(${f.tag})`]
          const size = f.type.kind === 'primitive' ? SCALAR_SIZE[f.type.name] : undefined
          if (size !== undefined) {
            inner.push(`w.uvarint(${size})`, ...this.writeValue(f, v, 'w', 'true', true))
          } else {
            inner.push('const tw = new Writer(64)', ...this.writeValue(f, v, 'tw', 'true', true), 'w.uvarint(tw.offset)', 'w.raw(tw.view())')
          }
          block.push(`if (has${cap(f.name)}) {`, ...indent(inner), '}')
        }
        block.push('writeUnknownTaggedFieldsBelow(w, unknown, u, Infinity)')
      }
      const fe = this.flexExpr()
      if (fe === 'true') body.push(...block)
      else body.push(`if (${fe}) {`, ...indent(block), '}')
    }
    const params = body.some((l) => /\bversion\b/.test(l)) ? 'version: number' : '_version: number'
    return [`function write${s.tsName}(w: Writer, ${params}, s: ${s.tsName}): void {`, ...indent(body), '}']
  }

  private taggedFields(): FieldSpec[] {
    return this.struct.fields.filter((f) => f.tag >= 0 && cond(f.tagged, this.ctx) !== 'false').sort((a, b) => a.tag - b.tag)
  }

  private usesFlexibleVar(): boolean {
    const fc = this.flexibleCond()
    if (fc === 'true' || fc === 'false') return false
    // The tagged-field section always tests it; so does any compact-capable field.
    return true
  }

  // ---------------------------------------------------------------- reading

  /** An expression reading field `f` from reader `r`. */
  private readExpr(f: FieldSpec, r: string, flex: string, nullOk: string, tagged: boolean): string {
    const t = f.type
    if (t.kind === 'primitive') {
      switch (t.name) {
        case 'string':
          return choose(
            nullOk,
            choose(flex, `${r}.compactNullableString()`, `${r}.nullableString()`),
            choose(flex, `${r}.compactString()`, `${r}.string()`),
          )
        case 'bytes':
          return choose(
            nullOk,
            choose(flex, `${r}.compactNullableBytes()`, `${r}.nullableBytes()`),
            choose(flex, `${r}.compactBytes()`, `${r}.bytes()`),
          )
        case 'records':
          return choose(flex, `${r}.compactNullableBytes()`, `${r}.nullableBytes()`)
        default:
          return `${r}.${t.name}()`
      }
    }
    if (t.kind === 'array') {
      const el = t.element
      let call: string
      if (el.kind === 'primitive') {
        call = `read${cap(el.name)}Array(${r}, ${flex})`
      } else {
        const target = this.target(f)
        this.needs.arrays.add(target)
        call = `read${target.tsName}Array(${r}, version, ${flex})`
      }
      return choose(nullOk, call, `notNull(${call}, ${r})`)
    }
    const target = this.target(f)
    const read = `read${target.tsName}(${r}, version)`
    if (nullOk === 'false') return read
    const test = tagged ? `${r}.uvarint() === 0` : `${r}.int8() < 0`
    return nullOk === 'true' ? `${test} ? null : ${read}` : `${nullOk} && ${test} ? null : ${read}`
  }

  /** Whether a field's read can fail in a nested struct or array, so its name belongs in the error path. */
  private wrapsPath(f: FieldSpec): boolean {
    return f.type.kind !== 'primitive'
  }

  readerSource(): string[] {
    const s = this.struct
    const body: string[] = []
    const fc = this.flexibleCond()
    if (fc !== 'true' && fc !== 'false') body.push(`const flexible = ${fc}`)
    for (const f of s.fields) {
      const regularRange = f.tag >= 0 && !isEmpty(f.tagged) ? { lo: f.versions.lo, hi: Math.min(f.versions.hi, f.tagged.lo - 1) } : f.versions
      const regular = cond(regularRange, this.ctx)
      const v = local(f)
      const ts = this.fieldTs(f)
      const required = isRequired(s, f)
      const nullOk = this.mayBeNull(f) ? cond(f.nullable, intersect(regularRange, this.ctx)) : 'false'
      const expr = regular === 'false' ? '' : this.readExpr(f, 'r', this.fieldFlexExpr(f), nullOk, false)
      if (required) {
        if (this.wrapsPath(f)) {
          body.push(`let ${v}: ${ts}`, 'try {', `  ${v} = ${expr}`, '} catch (err) {', `  throw decodeFailure(err, r, ${quote(f.name)})`, '}')
        } else {
          body.push(`const ${v} = ${expr}`)
        }
        continue
      }
      body.push(`let ${v}: ${ts} | undefined = undefined`)
      if (regular === 'false') continue
      const inner = this.wrapsPath(f)
        ? ['try {', `  ${v} = ${expr}`, '} catch (err) {', `  throw decodeFailure(err, r, ${quote(f.name)})`, '}']
        : [`${v} = ${expr}`]
      if (inner.length === 1) body.push(`if (${regular}) ${inner[0]}`)
      else body.push(`if (${regular}) {`, ...indent(inner), '}')
    }
    const flexible = this.canBeFlexible()
    if (flexible) {
      const tagged = this.taggedFields()
      const block: string[] = []
      if (tagged.length === 0) {
        block.push('unknownTaggedFields = readUnknownTaggedFields(r)')
      } else {
        const loop: string[] = [
          'const tag = r.uvarint()',
          'const size = r.uvarint()',
          "r.need(size, 'tagged field')",
          'const end = r.offset + size',
        ]
        tagged.forEach((f, idx) => {
          const c = and(`tag === ${f.tag}`, cond(f.tagged, this.ctx))
          const nullOk = this.mayBeNull(f) ? cond(f.nullable, intersect(f.tagged, this.ctx)) : 'false'
          const expr = this.readExpr(f, 'tr', 'true', nullOk, true)
          loop.push(
            `${idx === 0 ? 'if' : '} else if'} (${c}) {`,
            '  const tr = new Reader(r.buf, r.offset, end)',
            '  try {',
            `    ${local(f)} = ${expr}`,
            '  } catch (err) {',
            `    throw decodeFailure(err, tr, ${quote(f.name)})`,
            '  }',
          )
        })
        loop.push(
          '} else {',
          '  if (unknownTaggedFields === undefined) unknownTaggedFields = []',
          '  unknownTaggedFields.push({ tag, data: r.buf.subarray(r.offset, end) })',
          '}',
          'r.offset = end',
        )
        block.push('const n = r.uvarint()', 'for (let i = 0; i < n; i++) {', ...indent(loop), '}')
      }
      body.push('let unknownTaggedFields: TaggedField[] | undefined = undefined')
      const fe = this.flexExpr()
      if (fe === 'true') body.push(...block)
      else body.push(`if (${fe}) {`, ...indent(block), '}')
    }
    const props = s.fields.map((f) => (local(f) === f.name ? f.name : `${f.name}: ${local(f)}`))
    if (props.length === 0) body.push(`const result: ${s.tsName} = {}`)
    else if (props.join(', ').length < 80) body.push(`const result: ${s.tsName} = { ${props.join(', ')} }`)
    else body.push(`const result: ${s.tsName} = {`, ...indent(props.map((p) => `${p},`)), '}')
    if (flexible) body.push('if (unknownTaggedFields !== undefined) result.unknownTaggedFields = unknownTaggedFields')
    body.push('return result')
    const params = body.some((l) => /\bversion\b/.test(l)) ? 'version: number' : '_version: number'
    return [`function read${s.tsName}(r: Reader, ${params}): ${s.tsName} {`, ...indent(body), '}']
  }

  arraySource(): string[] {
    const n = this.struct.tsName
    return [
      `function read${n}Array(r: Reader, version: number, compact: boolean): ${n}[] | null {`,
      '  const n = r.arrayLength(compact)',
      '  if (n < 0) return null',
      `  const a = new Array<${n}>(n)`,
      `  for (let i = 0; i < n; i++) a[i] = read${n}(r, version)`,
      '  return a',
      '}',
      '',
      `function write${n}Array(w: Writer, version: number, a: readonly ${n}[] | null, compact: boolean): void {`,
      '  if (a === null) {',
      '    writeArrayLength(w, -1, compact)',
      '    return',
      '  }',
      '  const n = a.length',
      '  writeArrayLength(w, n, compact)',
      `  for (let i = 0; i < n; i++) write${n}(w, version, a[i])`,
      '}',
    ]
  }
}
