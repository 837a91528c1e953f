import { ConfigError } from '../../../errors.js'
import type { Assignment, AssignorContext, MemberSubscription } from './assignor.js'

/**
 * The member order of the Java client's `AbstractPartitionAssignor.MemberInfo`: static
 * members (with a `group.instance.id`) first, by instance id, then dynamic members by
 * member id. Static members thus keep their place across restarts, which get them a new
 * member id. Compares UTF-16 code units, as Java's `String.compareTo`.
 */
export function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  const ai = a.groupInstanceId ?? null
  const bi = b.groupInstanceId ?? null
  if (ai !== null && bi !== null) return compareStrings(ai, bi)
  if (ai !== null) return -1
  if (bi !== null) return 1
  return compareStrings(a.memberId, b.memberId)
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Checks the input and returns the members in {@link compareMembers} order.
 * @throws ConfigError on duplicate member ids or partition counts that are not integers >= 0
 */
export function sortedMembers(ctx: AssignorContext): MemberSubscription[] {
  const ids = new Set<string>()
  for (const m of ctx.members) {
    if (ids.has(m.memberId)) throw new ConfigError(`Assignor input has member id ${m.memberId} twice`)
    ids.add(m.memberId)
  }
  for (const [topic, count] of ctx.partitionsPerTopic) {
    if (!(Number.isInteger(count) && count >= 0)) {
      throw new ConfigError(`Assignor input has partition count ${count} for topic ${topic}`)
    }
  }
  return [...ctx.members].sort(compareMembers)
}

/** An {@link Assignment} with every member and no partitions. */
export function emptyAssignment(members: readonly MemberSubscription[]): Assignment {
  const out: Assignment = new Map()
  for (const m of members) out.set(m.memberId, new Map())
  return out
}

/** Appends `partition` to `topic` in a member's assignment. */
export function addPartition(memberAssignment: Map<string, number[]>, topic: string, partition: number): void {
  const list = memberAssignment.get(topic)
  if (list === undefined) memberAssignment.set(topic, [partition])
  else list.push(partition)
}
