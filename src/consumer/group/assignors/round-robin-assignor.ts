import type { Assignment, Assignor, AssignorContext } from './assignor.js'
import { addPartition, emptyAssignment, sortedMembers } from './assignor-input.js'

/**
 * The Java client's `RoundRobinAssignor` (protocol name `roundrobin`): all partitions of
 * all subscribed topics, topics by name and partitions ascending, dealt in turn to the
 * members in `MemberInfo` order (static members by `group.instance.id`, then by member id);
 * a member not subscribed to a partition's topic is skipped and the turn passes on.
 *
 * Example, topics t0 and t1 of 3 partitions each, members A and B subscribed to both:
 * A [t0-0, t0-2, t1-1], B [t0-1, t1-0, t1-2].
 */
export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  protocol: 'eager',
  version: 0,
  assign(ctx: AssignorContext): Assignment {
    const members = sortedMembers(ctx)
    const out = emptyAssignment(members)
    if (members.length === 0) return out
    const subscribed = members.map((m) => new Set(m.topics))
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort()
    let next = 0
    for (const topic of topics) {
      const partitionCount = ctx.partitionsPerTopic.get(topic) ?? 0
      for (let p = 0; p < partitionCount; p++) {
        // Some member subscribes to `topic` (it came from a subscription), so this ends.
        while (!subscribed[next].has(topic)) next = (next + 1) % members.length
        addPartition(out.get(members[next].memberId)!, topic, p)
        next = (next + 1) % members.length
      }
    }
    return out
  },
}
