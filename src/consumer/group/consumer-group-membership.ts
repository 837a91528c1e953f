/**
 * Membership in a consumer group with the consumer group protocol (KIP-848, GA in Kafka 4.0;
 * KIP-1082 client-generated member ids): one ConsumerGroupHeartbeat request both joins (member
 * epoch 0), keeps the member alive (at the interval the coordinator returns), acknowledges
 * partitions and leaves (epoch -1, or -2 for a static member that will come back). The
 * coordinator computes every member's target assignment with its server-side assignor
 * (`groupRemoteAssignor`) and hands each member its partitions as they become free.
 *
 * This class does the group I/O only, as {@link GroupMembership} does for the classic
 * protocol. A new assignment from the coordinator is held as the *target* ({@link takeTarget});
 * the consumer reconciles it (revokes first: commit and stop fetching what is gone, then takes
 * the new partitions) and reports what it owns with {@link acknowledge}, which heartbeats at
 * once so the coordinator can give the released partitions to their next owner.
 *
 * Heartbeat errors: FENCED_MEMBER_EPOCH and UNKNOWN_MEMBER_ID mean the partitions are lost
 * (`lost`) and the member joins again with epoch 0 under the same member id;
 * NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS and other
 * retriable errors are retried with the retry policy's backoff (src/pool/retry.ts);
 * UNRELEASED_INSTANCE_ID (a static member's previous instance has not left yet) is retried
 * for at most a session timeout; anything else (GROUP_AUTHORIZATION_FAILED,
 * UNSUPPORTED_ASSIGNOR, INVALID_REGULAR_EXPRESSION, FENCED_INSTANCE_ID...) is `fatal`. A broker
 * without the protocol (no ConsumerGroupHeartbeat before 3.7; UNSUPPORTED_VERSION from 3.7–3.9
 * unless group.coordinator.rebalance.protocols has consumer) is a fatal UnsupportedVersionError
 * naming `groupProtocol`. Version 0 (3.7–3.9): the coordinator names the member in its first
 * answer; regex subscriptions need version 1.
 */
import { randomBytes } from 'node:crypto'
import { KafkaError, UnsupportedVersionError } from '../../errors.js'
import type { Log } from '../../logger.js'
import { ErrorCode, responseError } from '../../protocol/error-codes.js'
import { ConsumerGroupHeartbeat, type ConsumerGroupHeartbeatResponse } from '../../protocol/messages/consumer-group-heartbeat.js'
import type { Cluster } from '../../pool/cluster.js'
import type { ConnectionOwner } from '../../pool/connection-routing.js'
import { backoffMs } from '../../pool/retry.js'
import type { CommitIdentity } from '../../offsets/offset-requests.js'
import type { TopicPartitionMap } from './consumer-protocol.js'
import type { GroupEvents } from './coordinator.js'
import type { GroupMember } from './group-member.js'

/** Epoch that joins the group (KIP-848). */
const JOIN_EPOCH = 0
/** Epoch that leaves the group. */
const LEAVE_EPOCH = -1
/** Epoch with which a static member leaves, keeping its partitions until its session expires. */
const STATIC_LEAVE_EPOCH = -2

export interface ConsumerGroupMembershipOptions {
  groupId: string
  groupInstanceId: string | null
  /** Subscribed topic names (SubscribedTopicNames). */
  topics: readonly string[]
  /** Subscribed pattern in RE2/J syntax (SubscribedTopicRegex, version 1+), '' for none. */
  topicRegex: string
  /** The consumer's rack (Java's client.rack), for rack-aware assignors; null for none. */
  rackId: string | null
  /** The server-side assignor (Java's group.remote.assignor); null lets the coordinator choose. */
  remoteAssignor: 'uniform' | 'range' | null
  /** Longest time the coordinator waits for this member to revoke partitions (ms). */
  rebalanceTimeoutMs: number
  /** Bounds the retries of UNRELEASED_INSTANCE_ID (ms). */
  sessionTimeoutMs: number
  /** The consumer whose own coordinator connections carry this member's requests. */
  owner: ConnectionOwner
}

/** Builds a member id as the Java client does (KIP-1082): a random UUID in base64url. */
function newMemberId(): string {
  const b = randomBytes(16)
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  return b.toString('base64url')
}

export class ConsumerGroupMembership implements GroupMember {
  /**
   * Chosen by this client for its whole life (KIP-1082, ConsumerGroupHeartbeat v1); a version 0
   * broker (Kafka 3.7–3.9) names the member itself in its first answer, and that id is kept.
   */
  memberId = newMemberId()
  /** The coordinator answered a heartbeat of this member once (a v0 join then sends its id). */
  private idKnown = false
  /** The consumer protocol is incremental: partitions kept across a rebalance are never revoked. */
  readonly protocol = 'cooperative' as const
  private memberEpoch = JOIN_EPOCH
  private joined = false
  private stopped = false
  /** Partitions the consumer owns (acknowledged), topic → partitions. */
  private owned: TopicPartitionMap = new Map()
  /** The latest assignment from the coordinator, by topic id; null before any. */
  private assignmentIds: Map<string, number[]> | null = null
  /** The assignment, by topic name, waiting for the consumer to reconcile it. */
  private target: TopicPartitionMap | null = null
  /** The last target handed to the consumer (what it owns once it has reconciled). */
  private applied: TopicPartitionMap = new Map()
  /** A (re)join happened: the next assignment is reported even when it equals what is owned. */
  private reportNext = true
  private intervalMs = 3_000
  private timer: NodeJS.Timeout | null = null
  private inFlight: Promise<void> | null = null
  private sendAgain = false
  private failures = 0
  private unreleasedSince = 0
  private topics: readonly string[]
  private topicRegex: string
  /** A regex was sent since the last join: clearing it takes '' (null means "unchanged"). */
  private regexSent = false

  constructor(
    private readonly cluster: Cluster,
    private readonly options: ConsumerGroupMembershipOptions,
    private readonly events: GroupEvents,
    private readonly log: Log,
  ) {
    this.topics = options.topics
    this.topicRegex = options.topicRegex
  }

  /** A new subscription: sent with the next heartbeat (now, when in the group). */
  setSubscription(topics: readonly string[], topicRegex: string): void {
    this.topics = topics
    this.topicRegex = topicRegex
    if (this.joined && !this.stopped) this.heartbeatNow()
  }

  /** The member epoch: what OffsetCommit carries as generation (0 while joining). */
  get generationId(): number {
    return this.memberEpoch
  }

  /** Whether this member is in the group (joined and not left). */
  get active(): boolean {
    return this.joined
  }

  /** Whether the consumer has something to do: join, or reconcile a new target assignment. */
  get rejoinNeeded(): boolean {
    return !this.stopped && (!this.joined || this.target !== null)
  }

  /** Identity for OffsetCommit: the member epoch as generation (KIP-848). */
  identity(): CommitIdentity {
    return { generationId: this.memberEpoch, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId }
  }

  /** Starts heartbeating with epoch 0 unless already in the group. */
  ensureJoined(): void {
    if (this.stopped || this.joined) return
    this.joined = true
    this.memberEpoch = JOIN_EPOCH
    this.owned = new Map()
    this.applied = new Map()
    this.assignmentIds = null
    this.reportNext = true
    this.log.debug('consumer', { groupId: this.options.groupId, memberId: this.memberId }, 'joining group (consumer protocol)')
    this.heartbeatNow()
  }

  /** The target assignment to reconcile, once: null when there is nothing new. */
  takeTarget(): TopicPartitionMap | null {
    const t = this.target
    this.target = null
    if (t !== null) this.applied = t
    return t
  }

  /** The consumer now owns `owned` (revocations done): tell the coordinator at once. */
  acknowledge(owned: TopicPartitionMap): void {
    if (this.stopped) return
    this.owned = owned
    this.heartbeatNow()
  }

  /** A commit found the member epoch stale: heartbeat now to learn the current one. */
  requestRejoin(reason: string): void {
    if (this.stopped) return
    this.log.debug('consumer', { groupId: this.options.groupId, reason }, 'heartbeat requested')
    if (this.joined) this.heartbeatNow()
    else this.events.rejoinNeeded(reason)
  }

  /** Heartbeats now and resolves with its answer (a commit learning the current epoch). Never rejects. */
  async heartbeatAnswer(): Promise<void> {
    if (this.stopped || !this.joined) return
    await this.inFlight
    this.heartbeatNow()
    await this.inFlight
  }

  private heartbeatNow(): void {
    if (this.stopped) return
    if (this.inFlight !== null) {
      this.sendAgain = true
      return
    }
    this.clearTimer()
    this.inFlight = this.heartbeat().finally(() => {
      this.inFlight = null
      if (this.sendAgain && !this.stopped && this.joined) {
        this.sendAgain = false
        this.heartbeatNow()
      }
    })
  }

  private schedule(delayMs: number): void {
    this.clearTimer()
    if (this.stopped || !this.joined) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.heartbeatNow()
    }, delayMs)
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  /** Topic id → partitions of what this member owns (topics without a known id are left out). */
  private ownedIds(): { topicId: string; partitions: number[] }[] {
    const out: { topicId: string; partitions: number[] }[] = []
    for (const [topic, partitions] of this.owned) {
      const topicId = this.cluster.topicId(topic)
      if (topicId !== undefined && partitions.length > 0) out.push({ topicId, partitions: [...partitions] })
    }
    return out
  }

  private async heartbeat(): Promise<void> {
    const o = this.options
    const epoch = this.memberEpoch
    if (epoch === JOIN_EPOCH) this.regexSent = false
    const regex = this.topicRegex !== '' ? this.topicRegex : this.regexSent ? '' : null
    let res: ConsumerGroupHeartbeatResponse
    let negotiated = false
    try {
      const coordinator = await this.cluster.coordinator('group', o.groupId)
      if (this.stopped) return
      // Every heartbeat is a full one: subscription, assignor and owned partitions, so a
      // coordinator that lost track of this member (failover) gets the whole state again.
      res = await coordinator.send(
        ConsumerGroupHeartbeat,
        (v) => {
          negotiated = true
          if (v < 1 && regex !== null) throw new UnsupportedVersionError('a RegExp subscription needs ConsumerGroupHeartbeat version 1 (Kafka 4.0+); give topic names, or use groupProtocol \'classic\'')
          return {
            groupId: o.groupId,
            // Version 0: the coordinator generates the id of a joining member (sent empty).
            memberId: v < 1 && !this.idKnown ? '' : this.memberId,
            memberEpoch: epoch,
            instanceId: o.groupInstanceId,
            rackId: o.rackId,
            rebalanceTimeoutMs: o.rebalanceTimeoutMs,
            subscribedTopicNames: [...this.topics],
            ...(v >= 1 ? { subscribedTopicRegex: regex } : {}),
            serverAssignor: o.remoteAssignor,
            topicPartitions: epoch === JOIN_EPOCH ? [] : this.ownedIds(),
          }
        },
        { owner: o.owner },
      )
      if (regex !== null) this.regexSent = true
    } catch (err) {
      if (this.stopped) return
      if (err instanceof UnsupportedVersionError && !negotiated) {
        // No ConsumerGroupHeartbeat at all: a broker before 3.7 (3.7–3.9 without the protocol
        // enabled have the API and answer UNSUPPORTED_VERSION: see handle()).
        this.events.fatal(
          new UnsupportedVersionError(
            `groupProtocol 'consumer' needs a broker with the consumer group protocol (KIP-848: ConsumerGroupHeartbeat, Kafka 4.0+, or 3.7-3.9 with group.coordinator.rebalance.protocols=classic,consumer); the coordinator of group ${o.groupId} has none: use groupProtocol 'classic' (${err.message})`,
          ),
        )
        return
      }
      this.log.debug('consumer', { groupId: o.groupId, error: String(err) }, 'consumer group heartbeat failed')
      this.cluster.invalidateCoordinator('group', o.groupId)
      if (err instanceof KafkaError && !err.retriable) {
        this.events.fatal(err)
        return
      }
      this.schedule(backoffMs(this.failures++, this.cluster.retryPolicy))
      return
    }
    if (this.stopped || !this.joined) return
    this.handle(res, epoch)
  }

  private handle(res: ConsumerGroupHeartbeatResponse, sentEpoch: number): void {
    const o = this.options
    const code = res.errorCode
    if (code === 0) {
      this.failures = 0
      this.unreleasedSince = 0
      if (res.memberId !== null && res.memberId !== '' && res.memberId !== this.memberId) {
        // Version 0 brokers name the member themselves; kafkats sends v1 whenever it can.
        this.memberId = res.memberId
      }
      this.idKnown = true
      if (this.memberEpoch === sentEpoch || res.memberEpoch > this.memberEpoch) this.memberEpoch = res.memberEpoch
      if (res.heartbeatIntervalMs > 0) this.intervalMs = res.heartbeatIntervalMs
      if (res.assignment !== null) this.assignmentIds = new Map(res.assignment.topicPartitions.map((tp) => [tp.topicId, [...tp.partitions].sort((a, b) => a - b)]))
      void this.resolveTarget()
      this.schedule(this.intervalMs)
      return
    }
    const err = responseError(code, res.errorMessage, `group ${o.groupId}`)
    switch (code) {
      case ErrorCode.UNSUPPORTED_VERSION:
        // A 3.7–3.9 broker that has the API but not the protocol enabled answers so.
        this.events.fatal(
          new UnsupportedVersionError(
            `groupProtocol 'consumer' needs a broker with the consumer group protocol enabled (KIP-848: Kafka 4.0+, or 3.7-3.9 with group.coordinator.rebalance.protocols=classic,consumer); the coordinator of group ${o.groupId} answered: ${err.message}. Use groupProtocol 'classic'`,
          ),
        )
        return
      case ErrorCode.FENCED_MEMBER_EPOCH:
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.log.warn({ groupId: o.groupId, memberId: this.memberId, error: err.message }, 'member fenced; partitions lost, rejoining')
        this.memberEpoch = JOIN_EPOCH
        this.owned = new Map()
        this.applied = new Map()
        this.assignmentIds = null
        this.target = null
        this.reportNext = true
        this.events.lost(err.message)
        this.heartbeatNow()
        return
      case ErrorCode.NOT_COORDINATOR:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
        this.cluster.invalidateCoordinator('group', o.groupId)
        this.schedule(backoffMs(this.failures++, this.cluster.retryPolicy))
        return
      case ErrorCode.UNRELEASED_INSTANCE_ID:
        if (this.unreleasedSince === 0) this.unreleasedSince = Date.now()
        if (Date.now() - this.unreleasedSince < o.sessionTimeoutMs) {
          this.log.debug('consumer', { groupId: o.groupId, instanceId: o.groupInstanceId }, 'static instance id not yet released; retrying')
          this.schedule(backoffMs(this.failures++, this.cluster.retryPolicy))
          return
        }
        this.events.fatal(err)
        return
      default:
        if (err.retriable) this.schedule(backoffMs(this.failures++, this.cluster.retryPolicy))
        else this.events.fatal(err)
    }
  }

  /**
   * Turns the assignment's topic ids into names (metadata of the subscribed topics when an id
   * is not cached) and holds it as the target when it differs from what is owned. An id still
   * unknown is looked up again after the next heartbeat.
   */
  private async resolveTarget(): Promise<void> {
    const ids = this.assignmentIds
    if (ids === null) return
    let unknown = [...ids.keys()].filter((id) => this.cluster.topicName(id) === undefined)
    if (unknown.length > 0) {
      try {
        // A regex subscription's topics are known only to the broker: read them all.
        if (this.topicRegex !== '') await this.cluster.refreshAllTopics()
        else await this.cluster.metadata([...this.topics], { force: true })
      } catch (err) {
        this.log.debug('consumer', { groupId: this.options.groupId, error: String(err) }, 'metadata for the assignment failed')
      }
      if (ids !== this.assignmentIds || this.stopped) return
      unknown = unknown.filter((id) => this.cluster.topicName(id) === undefined)
    }
    const target: TopicPartitionMap = new Map()
    for (const [id, partitions] of ids) {
      const name = this.cluster.topicName(id)
      if (name !== undefined && partitions.length > 0) target.set(name, partitions)
    }
    if (unknown.length > 0) this.log.debug('consumer', { groupId: this.options.groupId, unknown }, 'assigned topic ids not in metadata yet')
    else this.assignmentIds = null
    // Compared with the last target taken, not the acknowledged one: a reconciliation still
    // under way must not be handed out twice.
    if (!this.reportNext && sameAssignment(target, this.applied)) {
      this.target = null
      return
    }
    this.reportNext = false
    this.target = target
    this.events.rejoinNeeded('new target assignment')
  }

  /**
   * Leaves the group while staying usable (max.poll.interval.ms expired): a heartbeat with
   * epoch -1 (-2 for a static member); the next poll joins again with epoch 0. Never throws.
   */
  async leave(reason: string): Promise<void> {
    if (this.stopped || !this.joined) return
    this.joined = false
    this.clearTimer()
    this.target = null
    await this.inFlight
    await this.sendLeave(reason)
    this.memberEpoch = JOIN_EPOCH
    this.owned = new Map()
    this.applied = new Map()
    this.events.rejoinNeeded(reason)
  }

  /** Stops heartbeating and leaves the group (epoch -1; -2 for a static member). Never throws. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.clearTimer()
    await this.inFlight
    if (this.joined) await this.sendLeave('consumer stopped')
    this.joined = false
    this.memberEpoch = JOIN_EPOCH
  }

  private async sendLeave(reason: string): Promise<void> {
    const o = this.options
    const epoch = o.groupInstanceId !== null ? STATIC_LEAVE_EPOCH : LEAVE_EPOCH
    try {
      const coordinator = await this.cluster.coordinator('group', o.groupId)
      const res = await coordinator.send(
        ConsumerGroupHeartbeat,
        (v) => ({
          groupId: o.groupId,
          memberId: this.memberId,
          memberEpoch: epoch,
          instanceId: o.groupInstanceId,
          rackId: null,
          rebalanceTimeoutMs: -1,
          subscribedTopicNames: null,
          ...(v >= 1 ? { subscribedTopicRegex: null } : {}),
          serverAssignor: null,
          topicPartitions: null,
        }),
        { owner: o.owner },
      )
      const code = res.errorCode
      if (code !== 0 && code !== ErrorCode.UNKNOWN_MEMBER_ID && code !== ErrorCode.FENCED_MEMBER_EPOCH) {
        this.log.warn({ groupId: o.groupId, error: responseError(code, res.errorMessage).message }, 'leaving the group failed')
      } else this.log.debug('consumer', { groupId: o.groupId, memberId: this.memberId, reason }, 'left group')
    } catch (err) {
      this.log.warn({ groupId: o.groupId, error: String(err) }, 'leaving the group failed')
    }
  }
}

function sameAssignment(a: TopicPartitionMap, b: TopicPartitionMap): boolean {
  const count = (m: TopicPartitionMap): number => [...m.values()].reduce((n, ps) => n + ps.length, 0)
  if (count(a) !== count(b)) return false
  for (const [topic, ps] of a) {
    const other = b.get(topic)
    if (other === undefined) return false
    for (const p of ps) if (!other.includes(p)) return false
  }
  return true
}
