/**
 * The arguments of a partition consumer's `assign()` and `unassign()` (KafkaTcl's
 * `consume_start` / `consume_stop`, Java's `assign()`): checked here, before any partition
 * state changes, into the start rule of each partition.
 */
import { ConfigError } from '../errors.js'
import { partitionKey } from '../offsets/topic-partition.js'
import { topicNameProblem } from '../topic-name.js'
import type { PartitionAssignment, ResetStrategy } from './consumer-options.js'
import type { TopicPartitions } from './consumer-record.js'
import type { StartRule } from './partition-state.js'

/** Where a fixed partition starts: an offset >= 0, or a rule. */
export function startOf(a: PartitionAssignment, groupId: string | null, resetStrategy: ResetStrategy): StartRule | bigint {
  const start = a.offset ?? (groupId !== null ? 'committed' : resetStrategy === 'none' ? 'latest' : resetStrategy)
  if (typeof start === 'string') return start
  const n = BigInt(start)
  return n >= 0n ? n : { relative: -n }
}

/**
 * Checks `assign()` arguments.
 * @throws ConfigError naming the bad entry: not an array, a bad topic name, a partition that is
 *   not a non-negative integer, a bad offset, `'committed'` without a groupId, a duplicate
 */
export function checkAssignments(list: unknown, groupId: string | null): PartitionAssignment[] {
  if (!Array.isArray(list)) throw new ConfigError('assign: expected an array of { topic, partition, offset? }')
  const seen = new Set<string>()
  for (const a of list as unknown[]) {
    if (a === null || typeof a !== 'object') throw new ConfigError('assign: each entry must be an object { topic, partition, offset? }')
    const { topic, partition, offset } = a as Record<string, unknown>
    checkTopic('assign', topic)
    if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0) throw new ConfigError(`assign: ${String(topic)}: partition must be a non-negative integer, got ${String(partition)}`)
    if (offset !== undefined) {
      const ok = (typeof offset === 'number' && Number.isInteger(offset)) || typeof offset === 'bigint' || offset === 'earliest' || offset === 'latest' || offset === 'committed'
      if (!ok) throw new ConfigError(`assign: ${topic as string}-${partition}: offset must be an integer, 'earliest', 'latest' or 'committed', got ${String(offset)}`)
      if (offset === 'committed' && groupId === null) throw new ConfigError(`assign: ${topic as string}-${partition} starts at 'committed' without a groupId`)
    }
    const key = partitionKey(topic as string, partition)
    if (seen.has(key)) throw new ConfigError(`assign: ${topic as string}-${partition} appears twice`)
    seen.add(key)
  }
  return list as PartitionAssignment[]
}

/** Checks `unassign()` arguments. @throws ConfigError naming the bad entry */
export function checkTopicPartitions(what: string, list: unknown): TopicPartitions[] {
  if (!Array.isArray(list)) throw new ConfigError(`${what}: expected an array of { topic, partitions? }`)
  for (const tp of list as unknown[]) {
    if (tp === null || typeof tp !== 'object') throw new ConfigError(`${what}: each entry must be an object { topic, partitions? }`)
    const { topic, partitions } = tp as Record<string, unknown>
    checkTopic(what, topic)
    if (partitions !== undefined && (!Array.isArray(partitions) || !partitions.every((p) => typeof p === 'number' && Number.isInteger(p) && p >= 0))) {
      throw new ConfigError(`${what}: ${topic as string}: partitions must be an array of non-negative integers`)
    }
  }
  return list as TopicPartitions[]
}

function checkTopic(what: string, topic: unknown): void {
  if (typeof topic !== 'string') throw new ConfigError(`${what}: topic must be a string, got ${typeof topic}`)
  const problem = topicNameProblem(topic)
  if (problem !== undefined) throw new ConfigError(`${what}: illegal topic name ${JSON.stringify(topic)}: ${problem}`)
}
