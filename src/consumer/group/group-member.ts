/**
 * What the consumer needs of its group membership, whichever the protocol: the classic one
 * ({@link GroupMembership}, coordinator.ts) or the consumer protocol of KIP-848
 * ({@link ConsumerGroupMembership}, consumer-group-membership.ts). How partitions come in
 * differs (a join round vs a target assignment to reconcile), and the consumer tells them
 * apart there; everything else goes through this.
 */
import type { CommitIdentity } from '../../offsets/offset-requests.js'

export interface GroupMember {
  /** This member's id ('' for a classic member before its first join). */
  readonly memberId: string
  /** The generation (classic) or member epoch (consumer protocol) that commits carry. */
  readonly generationId: number
  /** 'cooperative' when partitions kept across a rebalance are never revoked. */
  readonly protocol: 'eager' | 'cooperative'
  /** Whether the consumer has to run a (re)join or reconciliation. */
  readonly rejoinNeeded: boolean
  /** Whether the member is in the group (has joined, and not left). */
  readonly active: boolean
  /** Identity for OffsetCommit. */
  identity(): CommitIdentity
  /** A commit found the generation stale: rejoin (classic) or heartbeat now (consumer). */
  requestRejoin(reason: string): void
  /** Leaves while staying usable (max.poll.interval.ms expired). Never throws. */
  leave(reason: string): Promise<void>
  /** Leaves for good. Never throws. Idempotent. */
  stop(): Promise<void>
}
