/** Version conditions as TypeScript source, simplified against the versions a struct can appear in. */
import { intersect, isEmpty, type Range } from './spec.js'

/**
 * A boolean expression over `version` that holds for the versions of `range` within `context`:
 * `'true'`, `'false'`, `'version >= 3'`, `'version <= 2'` or `'version >= 3 && version <= 5'`.
 */
export function cond(range: Range, context: Range): string {
  const r = intersect(range, context)
  if (isEmpty(r)) return 'false'
  const parts: string[] = []
  if (r.lo === r.hi && (r.lo > context.lo || r.hi < context.hi)) return `version === ${r.lo}`
  if (r.lo > context.lo) parts.push(`version >= ${r.lo}`)
  if (r.hi < context.hi) parts.push(`version <= ${r.hi}`)
  return parts.length === 0 ? 'true' : parts.join(' && ')
}

/** The negation of a condition produced by {@link cond}. */
export function not(c: string): string {
  if (c === 'true') return 'false'
  if (c === 'false') return 'true'
  let m = /^version >= (\d+)$/.exec(c)
  if (m !== null) return `version < ${m[1]}`
  m = /^version <= (\d+)$/.exec(c)
  if (m !== null) return `version > ${m[1]}`
  m = /^version === (\d+)$/.exec(c)
  if (m !== null) return `version !== ${m[1]}`
  return `!(${c})`
}

/** `a && b` for conditions, folding constants. */
export function and(a: string, b: string): string {
  if (a === 'false' || b === 'false') return 'false'
  if (a === 'true') return b
  if (b === 'true') return a
  return `${a} && ${b}`
}

/** `c ? a : b` as source, folding a constant condition. */
export function choose(c: string, a: string, b: string): string {
  if (c === 'true') return a
  if (c === 'false') return b
  const wrap = (x: string) => (x.includes(' ? ') ? `(${x})` : x)
  return `${c} ? ${wrap(a)} : ${wrap(b)}`
}
