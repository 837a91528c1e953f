/**
 * kcat-style output format strings (`-f`): `%t` topic, `%p` partition, `%o` offset, `%k` key,
 * `%s` value, `%T` timestamp (ms), `%h` headers (`k=v,k2=v2`), `%K` / `%S` key / value length in
 * bytes (-1 for null), `%%` a percent sign; `\n`, `\t`, `\r`, `\\` escapes. Keys and values are
 * written as their raw bytes.
 */
import { UsageError } from './usage-error.js'

/** What a format needs of a consumed record. */
export interface FormattableRecord {
  topic: string
  partition: number
  offset: bigint
  key: Buffer | null
  value: Buffer | null
  /** ms since the epoch, -1 when unknown. */
  timestamp: number
  headers: readonly { key: string; value: Buffer | null }[]
}

type Field = 't' | 'p' | 'o' | 'k' | 's' | 'T' | 'h' | 'K' | 'S'
type Part = Buffer | Field

const FIELDS = new Set<string>(['t', 'p', 'o', 'k', 's', 'T', 'h', 'K', 'S'])
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '0': '\0' }
const EMPTY = Buffer.alloc(0)
const COMMA = Buffer.from(',')
const EQUALS = Buffer.from('=')

/** A compiled format string: `render(record)` gives the bytes to print. */
export class RecordFormat {
  private constructor(private readonly parts: readonly Part[]) {}

  /**
   * Compiles a format string.
   * @throws UsageError for an unknown `%x` token, an unknown `\x` escape, or a dangling `%` / `\`.
   */
  static compile(format: string): RecordFormat {
    const parts: Part[] = []
    let literal = ''
    for (let i = 0; i < format.length; i++) {
      const c = format[i]
      if (c === '%' || c === '\\') {
        const next = format[i + 1]
        if (next === undefined) throw new UsageError(`-f: format ends with a lone '${c}'`)
        i++
        if (c === '%') {
          if (next === '%') literal += '%'
          else if (FIELDS.has(next)) {
            if (literal !== '') parts.push(Buffer.from(literal, 'utf8'))
            literal = ''
            parts.push(next as Field)
          } else throw new UsageError(`-f: unknown token '%${next}' (known: %t %p %o %k %s %T %h %K %S %%)`)
        } else {
          const e = ESCAPES[next]
          if (e === undefined) throw new UsageError(`-f: unknown escape '\\${next}' (known: \\n \\t \\r \\\\ \\0)`)
          literal += e
        }
      } else {
        literal += c
      }
    }
    if (literal !== '') parts.push(Buffer.from(literal, 'utf8'))
    return new RecordFormat(parts)
  }

  /** The record's output bytes. */
  render(r: FormattableRecord): Buffer {
    const chunks: Buffer[] = []
    for (const p of this.parts) {
      if (typeof p !== 'string') {
        chunks.push(p)
        continue
      }
      switch (p) {
        case 't':
          chunks.push(Buffer.from(r.topic, 'utf8'))
          break
        case 'p':
          chunks.push(Buffer.from(String(r.partition)))
          break
        case 'o':
          chunks.push(Buffer.from(r.offset.toString()))
          break
        case 'k':
          chunks.push(r.key ?? EMPTY)
          break
        case 's':
          chunks.push(r.value ?? EMPTY)
          break
        case 'T':
          chunks.push(Buffer.from(String(r.timestamp)))
          break
        case 'K':
          chunks.push(Buffer.from(String(r.key === null ? -1 : r.key.length)))
          break
        case 'S':
          chunks.push(Buffer.from(String(r.value === null ? -1 : r.value.length)))
          break
        case 'h':
          for (let i = 0; i < r.headers.length; i++) {
            if (i > 0) chunks.push(COMMA)
            chunks.push(Buffer.from(r.headers[i].key, 'utf8'), EQUALS, r.headers[i].value ?? EMPTY)
          }
          break
      }
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
  }
}
