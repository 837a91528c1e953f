/**
 * A consumer group member's identity as `producer.sendOffsetsToTransaction` needs it (Java's
 * ConsumerGroupMetadata; KIP-447): the group coordinator fences offsets committed in a
 * transaction by a member that is no longer in the group's current generation.
 */
export interface ConsumerGroupMetadata {
  /** The consumer's `groupId`. */
  groupId: string
  /** The generation of the group the member joined last; -1 before it joined (or after it left). */
  generationId: number
  /** The member id the coordinator gave; '' before it joined. */
  memberId: string
  /** The consumer's `groupInstanceId` (static membership, KIP-345), or null. */
  groupInstanceId: string | null
}
