/**
 * What `kafkats consume` reads, from `-t TOPIC[:PARTITION]…`, `-g GROUP` and `-o OFFSET`: a
 * group subscription (topics with -g), or fixed partitions (topic:partition, or every partition
 * of a topic without -g) each with a start offset.
 */
import type { ResetStrategy, StartOffset } from '../consumer/consumer-options.js'
import { UsageError } from './usage-error.js'

/** `-o`: kcat's offset words or a number (`-N`: N records before the end). */
export type OffsetArgument = 'beginning' | 'end' | 'stored' | { absolute: bigint } | { relative: number }

export interface TopicArgument {
  topic: string
  /** null: every partition (without -g) or the group's share (with -g). */
  partition: number | null
}

/** Parses `-o`. @throws UsageError for anything but beginning, end, stored, N or -N. */
export function parseOffset(text: string): OffsetArgument {
  const t = text.trim()
  if (t === 'beginning' || t === 'end' || t === 'stored') return t
  if (/^\d+$/.test(t)) return { absolute: BigInt(t) }
  if (/^-\d+$/.test(t)) {
    const n = Number(t.slice(1))
    if (!Number.isSafeInteger(n) || n === 0) throw new UsageError(`-o: ${text} is out of range`)
    return { relative: n }
  }
  throw new UsageError(`-o: expected beginning, end, stored, an offset N or -N (N before the end), got '${text}'`)
}

/** Parses one `-t` value. @throws UsageError for an empty topic or a bad partition. */
export function parseTopicArgument(text: string): TopicArgument {
  // Topic names cannot contain ':' (legal: [a-zA-Z0-9._-]), so the last ':' starts a partition.
  const at = text.lastIndexOf(':')
  const topic = at === -1 ? text : text.slice(0, at)
  if (topic === '') throw new UsageError(`-t: empty topic name in '${text}'`)
  if (at === -1) return { topic, partition: null }
  const p = text.slice(at + 1)
  if (!/^\d+$/.test(p) || Number(p) > 2 ** 31 - 1) throw new UsageError(`-t: expected TOPIC or TOPIC:PARTITION, got '${text}'`)
  return { topic, partition: Number(p) }
}

/** The consumer's start offset for `-o` on a fixed partition. */
export function startOffset(o: OffsetArgument, groupId: string | undefined): StartOffset {
  if (o === 'beginning') return 'earliest'
  if (o === 'end') return 'latest'
  if (o === 'stored') {
    if (groupId === undefined) throw new UsageError('-o stored needs -g GROUP (offsets are stored per group)')
    return 'committed'
  }
  return 'absolute' in o ? o.absolute : -o.relative
}

/** The group's reset strategy for `-o` under a subscription. @throws UsageError for N / -N. */
export function groupReset(o: OffsetArgument | undefined, fallback: ResetStrategy | undefined): ResetStrategy {
  if (o === undefined || o === 'stored') return fallback ?? 'earliest'
  if (o === 'beginning') return 'earliest'
  if (o === 'end') return 'latest'
  throw new UsageError('-o N / -N with -g needs TOPIC:PARTITION (a group decides partitions; use -o beginning|end|stored)')
}
