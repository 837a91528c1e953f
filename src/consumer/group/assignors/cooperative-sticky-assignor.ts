import type { Assignment, Assignor, AssignorContext, MemberSubscription, SubscriptionUserDataContext } from './assignor.js'
import { addPartition, emptyAssignment, sortedMembers } from './assignor-input.js'

/** Generation of a member that has never had an assignment (Java's `DEFAULT_GENERATION`). */
export const NO_GENERATION = -1

/**
 * The subscription `userData` of the Java client's `CooperativeStickyAssignor`: the
 * generation of the member's last assignment as a big-endian int32.
 */
export function encodeCooperativeStickyUserData(generationId: number): Buffer {
  const buf = Buffer.allocUnsafe(4)
  buf.writeInt32BE(generationId | 0, 0)
  return buf
}

/**
 * The generation in a `cooperative-sticky` subscription `userData`, or {@link NO_GENERATION}
 * when it is absent or shorter than 4 bytes (Java treats unreadable user data the same way).
 */
export function decodeCooperativeStickyUserData(userData: Buffer | null | undefined): number {
  if (userData === null || userData === undefined || userData.length < 4) return NO_GENERATION
  return userData.readInt32BE(0)
}

/** The generation a member's owned partitions belong to: the v2+ field, else its userData. */
function memberGeneration(m: MemberSubscription): number {
  if (m.generationId !== undefined && m.generationId !== null) return m.generationId
  return decodeCooperativeStickyUserData(m.userData)
}

const UNOWNED = -1
const CONFLICT = -2

/**
 * A sticky, balanced assignor for the cooperative rebalance protocol (KIP-429), protocol
 * name `cooperative-sticky` like the Java client's `CooperativeStickyAssignor`, whose
 * goals it shares with a simpler algorithm:
 *
 * 1. Ownership: a member keeps claim to the partitions it owned if it still subscribes to
 *    the topic and its generation is the highest in the group (claims from an older
 *    generation are stale); a partition claimed twice in that generation is owned by nobody.
 * 2. Unowned partitions go, those with the fewest eligible members first, to the eligible
 *    member with the fewest partitions.
 * 3. Balance: while some member has at least two partitions more than another member
 *    eligible for one of them, one partition moves (a newly assigned one before an owned
 *    one). With identical subscriptions the counts then differ by at most one.
 * 4. Cooperative revocation: a partition assigned to a member other than its owner while
 *    another member still claims it (in any generation) is left out of this assignment. The
 *    claimant sees it missing and revokes it, then rejoins; the follow-up rebalance hands
 *    it out. So a partition never gets a new consumer before the old one let go of it.
 *
 * Example, 6 partitions of one topic owned by A (generation 3) when B joins: this round
 * A [0, 1, 2] and B nothing (A revokes 3, 4, 5); next round A [0, 1, 2], B [3, 4, 5].
 */
export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  protocol: 'cooperative',
  version: 0,
  assign(ctx: AssignorContext): Assignment {
    const members = sortedMembers(ctx)
    const out = emptyAssignment(members)
    const memberCount = members.length
    if (memberCount === 0) return out
    const subscribed = members.map((m) => new Set(m.topics))

    // Flat index of every assignable partition: topics by name, partitions ascending.
    const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => (ctx.partitionsPerTopic.get(t) ?? 0) > 0).sort()
    const topicBase = new Map<string, number>()
    const topicOf: string[] = []
    const partitionOf: number[] = []
    const eligibleOf: number[][] = []
    for (const topic of topics) {
      topicBase.set(topic, topicOf.length)
      const eligible: number[] = []
      for (let i = 0; i < memberCount; i++) if (subscribed[i].has(topic)) eligible.push(i)
      const count = ctx.partitionsPerTopic.get(topic)!
      for (let p = 0; p < count; p++) {
        topicOf.push(topic)
        partitionOf.push(p)
        eligibleOf.push(eligible)
      }
    }
    const total = topicOf.length
    const indexOf = (topic: string, partition: number): number => {
      const base = topicBase.get(topic)
      if (base === undefined || !Number.isInteger(partition) || partition < 0) return -1
      const count = ctx.partitionsPerTopic.get(topic)!
      return partition < count ? base + partition : -1
    }

    // 1. Ownership and raw claims.
    const generations = members.map(memberGeneration)
    const maxGeneration = Math.max(...generations)
    const previousOwner = new Int32Array(total).fill(UNOWNED)
    const claimants: (number[] | undefined)[] = new Array(total)
    for (let i = 0; i < memberCount; i++) {
      for (const owned of members[i].ownedPartitions ?? []) {
        for (const p of owned.partitions) {
          const g = indexOf(owned.topic, p)
          if (g < 0) continue
          const list = claimants[g]
          if (list === undefined) claimants[g] = [i]
          else if (!list.includes(i)) list.push(i)
          if (generations[i] !== maxGeneration || !subscribed[i].has(owned.topic)) continue
          const prev = previousOwner[g]
          if (prev === UNOWNED) previousOwner[g] = i
          else if (prev !== i) previousOwner[g] = CONFLICT
        }
      }
    }

    const owner = new Int32Array(total).fill(UNOWNED)
    const held: Set<number>[] = members.map(() => new Set<number>())
    const assign = (g: number, i: number) => {
      owner[g] = i
      held[i].add(g)
    }
    for (let g = 0; g < total; g++) if (previousOwner[g] >= 0) assign(g, previousOwner[g])

    // 2. Unowned partitions, most constrained first, to the least loaded eligible member.
    const leastLoaded = (eligible: readonly number[], except: number): number => {
      let best = -1
      for (const i of eligible) {
        if (i !== except && (best < 0 || held[i].size < held[best].size)) best = i
      }
      return best
    }
    const unowned: number[] = []
    for (let g = 0; g < total; g++) if (owner[g] === UNOWNED) unowned.push(g)
    unowned.sort((a, b) => eligibleOf[a].length - eligibleOf[b].length || a - b)
    for (const g of unowned) assign(g, leastLoaded(eligibleOf[g], -1))

    // 3. Balance: one partition at a time from the most loaded member that can give one to
    // an eligible member with two fewer. Moving from the top keeps every member near its quota.
    // Per member, its partitions in the order they should leave: newly assigned ones (free)
    // before owned ones, later ones first. Built lazily; stale entries are skipped.
    const leaveOrder: (number[] | undefined)[] = new Array(memberCount)
    const leaveStart = new Int32Array(memberCount)
    const byLoad = members.map((_, i) => i)
    for (let moved = true; moved; ) {
      moved = false
      byLoad.sort((a, b) => held[b].size - held[a].size || a - b)
      const minLoad = held[byLoad[memberCount - 1]].size
      for (const from of byLoad) {
        const load = held[from].size
        if (load <= minLoad + 1) break
        let order = leaveOrder[from]
        if (order === undefined) {
          order = [...held[from]].sort((a, b) => Number(previousOwner[a] === from) - Number(previousOwner[b] === from) || b - a)
          leaveOrder[from] = order
          leaveStart[from] = 0
        }
        while (leaveStart[from] < order.length && owner[order[leaveStart[from]]] !== from) leaveStart[from]++
        for (let k = leaveStart[from]; k < order.length; k++) {
          const g = order[k]
          if (owner[g] !== from) continue
          const to = leastLoaded(eligibleOf[g], from)
          if (to >= 0 && held[to].size < load - 1) {
            held[from].delete(g)
            assign(g, to)
            leaveOrder[to] = undefined
            moved = true
            break
          }
        }
        if (moved) break
      }
    }

    // 4. Withhold partitions another member must revoke first: any other claimant may still
    // be consuming, unless the target is the current owner (then nothing new starts).
    for (let g = 0; g < total; g++) {
      const to = owner[g]
      const claimedBy = claimants[g]
      if (to !== previousOwner[g] && claimedBy !== undefined && claimedBy.some((i) => i !== to)) continue
      addPartition(out.get(members[to].memberId)!, topicOf[g], partitionOf[g])
    }
    return out
  },
  userData(ctx: SubscriptionUserDataContext): Buffer {
    return encodeCooperativeStickyUserData(ctx.generationId)
  },
}
