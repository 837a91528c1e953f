/**
 * The client-side partition assignor contract of the classic consumer group protocol:
 * the group leader runs the assignor chosen by the coordinator over every member's
 * subscription (JoinGroup metadata, `ConsumerProtocolSubscription`) and sends the result
 * in SyncGroup. Assignors here are pure functions of their input.
 */

/** One group member's subscription, as decoded from its JoinGroup protocol metadata. */
export interface MemberSubscription {
  /** The member id the coordinator gave this member. */
  memberId: string
  /** `group.instance.id` of a static member (KIP-345), else null/absent. */
  groupInstanceId?: string | null
  /** Subscribed topics. */
  topics: string[]
  /** Assignor-specific bytes (for `cooperative-sticky`: the generation, int32). */
  userData?: Buffer | null
  /** Partitions the member owns now (`ConsumerProtocolSubscription` v1+; cooperative protocol). */
  ownedPartitions?: { topic: string; partitions: number[] }[]
  /** Generation the owned partitions belong to (`ConsumerProtocolSubscription` v2+), when sent. */
  generationId?: number
  /** The member's rack (`ConsumerProtocolSubscription` v3+); unused by the assignors here. */
  rackId?: string | null
}

/** Everything an assignor needs. */
export interface AssignorContext {
  /** Every member of the group. */
  members: MemberSubscription[]
  /** Partition count per topic, from metadata; subscribed topics missing here are not assigned. */
  partitionsPerTopic: Map<string, number>
}

/**
 * member id → topic → partitions (ascending). Every member of the input is a key, with an
 * empty map when it gets nothing; a topic appears only with at least one partition.
 */
export type Assignment = Map<string, Map<string, number[]>>

/** What a member knows when it builds the `userData` of its own subscription. */
export interface SubscriptionUserDataContext {
  /** The topics the member subscribes to. */
  topics: readonly string[]
  /** The generation of the member's last successful assignment, or -1 if it has none. */
  generationId: number
}

/** A client-side assignor. */
export interface Assignor {
  /** Protocol name sent in JoinGroup, as the Java client names it: `range`, `roundrobin`, `cooperative-sticky`. */
  readonly name: string
  /**
   * Rebalance protocol (KIP-429): `eager` members revoke everything before rejoining;
   * `cooperative` members keep their partitions and revoke only what the assignment removes.
   */
  readonly protocol: 'eager' | 'cooperative'
  /** Assignor version, for the member's subscription metadata. */
  readonly version: number
  /**
   * Assigns every partition of the subscribed topics.
   * @throws ConfigError when the input is inconsistent (duplicate member ids, bad partition counts)
   */
  assign(ctx: AssignorContext): Assignment
  /** The `userData` a member puts in its subscription, or null for none. */
  userData?(ctx: SubscriptionUserDataContext): Buffer | null
}
