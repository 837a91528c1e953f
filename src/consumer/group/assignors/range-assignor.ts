import type { Assignment, Assignor, AssignorContext, MemberSubscription } from './assignor.js'
import { addPartition, emptyAssignment, sortedMembers } from './assignor-input.js'

/**
 * The Java client's `RangeAssignor` (protocol name `range`), without its rack-aware mode:
 * per topic, the subscribed members in `MemberInfo` order (static members by
 * `group.instance.id`, then by member id) get contiguous ranges of partitions; the first
 * `partitions % members` of them get one extra.
 *
 * Example, one topic of 7 partitions, members A, B, C: A [0, 1, 2], B [3, 4], C [5, 6].
 */
export const rangeAssignor: Assignor = {
  name: 'range',
  protocol: 'eager',
  version: 0,
  assign(ctx: AssignorContext): Assignment {
    const members = sortedMembers(ctx)
    const out = emptyAssignment(members)
    const membersPerTopic = new Map<string, MemberSubscription[]>()
    for (const m of members) {
      for (const topic of new Set(m.topics)) {
        const list = membersPerTopic.get(topic)
        if (list === undefined) membersPerTopic.set(topic, [m])
        else list.push(m)
      }
    }
    for (const [topic, consumers] of membersPerTopic) {
      const partitionCount = ctx.partitionsPerTopic.get(topic)
      if (partitionCount === undefined || partitionCount === 0) continue
      const perMember = Math.floor(partitionCount / consumers.length)
      const withExtra = partitionCount % consumers.length
      for (let i = 0; i < consumers.length; i++) {
        const start = perMember * i + Math.min(i, withExtra)
        const length = perMember + (i < withExtra ? 1 : 0)
        const memberAssignment = out.get(consumers[i].memberId)!
        for (let p = start; p < start + length; p++) addPartition(memberAssignment, topic, p)
      }
    }
    return out
  },
}
