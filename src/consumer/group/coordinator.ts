/**
 * Membership in a consumer group with the classic group protocol (protocol guide, "Group
 * Membership API"; KIP-62, KIP-345 static membership, KIP-394 MEMBER_ID_REQUIRED, KIP-429
 * cooperative rebalancing): FindCoordinator, JoinGroup, SyncGroup (the leader runs the
 * assignor), Heartbeat in the background while stable, LeaveGroup on stop.
 *
 * This class does the group I/O only; what to do with partitions (revoke, resolve offsets,
 * fetch) is the consumer's. `join(owned)` runs one JoinGroup+SyncGroup round trip, repeating
 * it past the errors that call for a retry, and returns this member's assignment.
 */
import { ClosedError, KafkaError } from '../../errors.js'
import type { Log } from '../../logger.js'
import { ErrorCode, responseError } from '../../protocol/error-codes.js'
import { Heartbeat } from '../../protocol/messages/heartbeat.js'
import { JoinGroup, type JoinGroupResponse } from '../../protocol/messages/join-group.js'
import { LeaveGroup } from '../../protocol/messages/leave-group.js'
import { SyncGroup } from '../../protocol/messages/sync-group.js'
import type { Cluster, TopicMetadata } from '../../pool/cluster.js'
import type { ConnectionOwner } from '../../pool/connection-routing.js'
import { backoffMs, retry, sleep } from '../../pool/retry.js'
import type { CommitIdentity } from '../../offsets/offset-requests.js'
import type { Assignor } from './assignors/index.js'
import type { GroupMember } from './group-member.js'
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, type TopicPartitionMap } from './consumer-protocol.js'

export interface GroupMembershipOptions {
  groupId: string
  groupInstanceId: string | null
  topics: readonly string[]
  assignors: readonly Assignor[]
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  heartbeatIntervalMs: number
  requestTimeoutMs: number
  /** How often the leader re-reads the subscribed topics' metadata to notice new partitions (ms). */
  metadataMaxAgeMs: number
  /** The consumer whose own coordinator connections carry this member's requests. */
  owner: ConnectionOwner
}

export interface GroupEvents {
  /** The coordinator started a rebalance (or this member must rejoin): call `join` soon. */
  rejoinNeeded(reason: string): void
  /** This member's generation is gone (session expired, fenced): its partitions are lost. */
  lost(reason: string): void
  /** A non-retriable group error (authorization, fenced static member...). */
  fatal(err: KafkaError): void
}

export interface JoinResult {
  generationId: number
  memberId: string
  /** Protocol (assignor) the coordinator chose. */
  protocolName: string
  /** This member's partitions in the new generation. */
  assigned: TopicPartitionMap
}

/** A JoinGroup/SyncGroup answer that only means "join again" (member id or generation reset). */
class RejoinError extends KafkaError {
  constructor(cause: KafkaError) {
    super(cause.message, { code: cause.code, retriable: true, cause })
  }
}

/** Errors after which this member's generation is no longer valid. */
const GENERATION_GONE = new Set<number>([ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.FENCED_INSTANCE_ID])

export class GroupMembership implements GroupMember {
  memberId = ''
  generationId = -1
  /** The rebalance protocol: cooperative only when every assignor is (as Java decides it). */
  readonly protocol: 'eager' | 'cooperative'
  private rejoin = true
  private heartbeatTimer: NodeJS.Timeout | null = null
  private heartbeatInFlight: Promise<void> | null = null
  private stopped = false
  private joining = false
  /**
   * The leader's view at its last assignment: partitions per topic subscribed by any member
   * (0 for a topic the metadata did not show). Null when this member is not the leader.
   */
  private assignmentSnapshot: Map<string, number> | null = null
  private metadataWatchTimer: NodeJS.Timeout | null = null
  private metadataWatchAttempt = 0
  /** The subscribed topic names (a RegExp subscription's as matched by the consumer). */
  private topics: readonly string[]

  constructor(
    private readonly cluster: Cluster,
    private readonly options: GroupMembershipOptions,
    private readonly events: GroupEvents,
    private readonly log: Log,
  ) {
    this.topics = options.topics
    this.protocol = options.assignors.every((a) => a.protocol === 'cooperative') ? 'cooperative' : 'eager'
  }

  /** Whether this member has a member id (joined, or joining again after a rebalance). */
  get active(): boolean {
    return this.memberId !== ''
  }

  /** Whether a rejoin was requested and not yet done. */
  get rejoinNeeded(): boolean {
    return this.rejoin && !this.stopped
  }

  requestRejoin(reason: string): void {
    if (this.stopped || this.rejoin) return
    this.rejoin = true
    this.log.debug('consumer', { groupId: this.options.groupId, reason }, 'rejoin requested')
    this.events.rejoinNeeded(reason)
  }

  /** The subscribed topic names now. */
  get subscribedTopics(): readonly string[] {
    return this.topics
  }

  /** A new subscription: rejoins when it differs from the one the group knows. */
  setTopics(topics: readonly string[], reason: string): void {
    const same = topics.length === this.topics.length && topics.every((t) => this.topics.includes(t))
    this.topics = topics
    if (!same) this.requestRejoin(reason)
  }

  /** Identity for OffsetCommit. */
  identity(): CommitIdentity {
    return { generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId }
  }

  /**
   * Joins (or rejoins) the group and returns the new assignment.
   * @param owned partitions kept through the rebalance (cooperative protocol), else empty
   * @throws ClosedError after stop(); ResponseError for fatal group errors
   */
  async join(owned: TopicPartitionMap): Promise<JoinResult> {
    this.stopHeartbeat()
    this.stopMetadataWatch()
    this.assignmentSnapshot = null
    this.metadataWatchAttempt = 0
    this.rejoin = false
    this.joining = true
    this.log.debug('consumer', { groupId: this.options.groupId, memberId: this.memberId, generationId: this.generationId }, 'joining group')
    try {
      return await this.joinRounds(owned)
    } finally {
      this.joining = false
    }
  }

  /**
   * JoinGroup+SyncGroup rounds through the one retry policy (src/pool/retry.ts), with no
   * deadline of their own: the application's poll() is bounded by its timeout while this goes
   * on in the background, as the Java consumer keeps rejoining across polls. A closed client
   * or a stopped member (ClosedError, not retriable) ends it at once.
   */
  private joinRounds(owned: TopicPartitionMap): Promise<JoinResult> {
    return retry(() => this.joinRound(owned), {
      deadline: Infinity,
      policy: this.cluster.retryPolicy,
      stopped: () => this.stopped || this.cluster.isClosed,
      beforeRetry: (err) => {
        this.log.debug('consumer', { groupId: this.options.groupId, error: err.message }, 'join failed; retrying')
        if (!(err instanceof RejoinError)) this.cluster.invalidateCoordinator('group', this.options.groupId)
      },
    })
  }

  /** One JoinGroup+SyncGroup round trip (two with KIP-394's MEMBER_ID_REQUIRED). */
  private async joinRound(owned: TopicPartitionMap): Promise<JoinResult> {
    const o = this.options
    this.assertOpen()
    const coordinator = await this.cluster.coordinator('group', o.groupId)
    this.assertOpen()
    const protocols = o.assignors.map((a) => ({
      name: a.name,
      metadata: encodeSubscription({
        topics: this.topics,
        userData: a.userData?.({ topics: this.topics, generationId: this.generationId }) ?? null,
        owned: this.protocol === 'cooperative' ? owned : new Map(),
        generationId: this.generationId,
      }),
    }))
    const sendJoin = (): Promise<JoinGroupResponse> =>
      coordinator.send(
        JoinGroup,
        (v) => ({
          groupId: o.groupId,
          sessionTimeoutMs: o.sessionTimeoutMs,
          ...(v >= 1 ? { rebalanceTimeoutMs: o.rebalanceTimeoutMs } : {}),
          memberId: this.memberId,
          ...(v >= 5 ? { groupInstanceId: o.groupInstanceId } : {}),
          protocolType: 'consumer',
          protocols,
        }),
        { owner: o.owner, timeoutMs: o.rebalanceTimeoutMs + o.requestTimeoutMs + 5_000 },
      )
    let join = await sendJoin()
    this.assertOpen()
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      // KIP-394: the coordinator names us; join again with that id right away.
      this.memberId = join.memberId
      join = await sendJoin()
      this.assertOpen()
    }
    let code = join.errorCode
    if (code === 0) {
      this.memberId = join.memberId
      // Published only once SyncGroup succeeds: commits meanwhile use the old generation.
      const generationId = join.generationId
      const protocolName = join.protocolName ?? ''
      const assignments = join.leader === join.memberId && join.skipAssignment !== true ? await this.assign(join, protocolName) : []
      this.assertOpen()
      const sync = await coordinator.send(
        SyncGroup,
        (v) => ({
          groupId: o.groupId,
          generationId,
          memberId: this.memberId,
          ...(v >= 3 ? { groupInstanceId: o.groupInstanceId } : {}),
          ...(v >= 5 ? { protocolType: 'consumer', protocolName } : {}),
          assignments,
        }),
        { owner: o.owner, timeoutMs: o.rebalanceTimeoutMs + o.requestTimeoutMs },
      )
      this.assertOpen()
      code = sync.errorCode
      if (code === 0) {
        const assigned = decodeAssignment(sync.assignment)
        this.generationId = generationId
        this.joining = false
        this.startHeartbeat()
        this.startMetadataWatch()
        this.log.debug('consumer', { groupId: o.groupId, generationId: this.generationId, memberId: this.memberId }, 'joined group')
        return { generationId, memberId: this.memberId, protocolName, assigned }
      }
    }
    const err = responseError(code, null, `group ${o.groupId}`)
    switch (code) {
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.memberId = ''
        this.generationId = -1
        throw new RejoinError(err)
      case ErrorCode.ILLEGAL_GENERATION:
        this.generationId = -1
        throw new RejoinError(err)
      case ErrorCode.REBALANCE_IN_PROGRESS:
        throw new RejoinError(err)
      default:
        // NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS are retriable
        // (the coordinator is looked up again); anything else ends the join.
        throw err
    }
  }

  /** The leader's part: every member's subscription through the chosen assignor. */
  private async assign(join: JoinGroupResponse, protocolName: string): Promise<{ memberId: string; assignment: Buffer }[]> {
    const assignor = this.options.assignors.find((a) => a.name === protocolName)
    if (assignor === undefined) {
      throw new KafkaError(`the coordinator chose assignor ${JSON.stringify(protocolName)}, which this member does not have`, { code: 'INCONSISTENT_GROUP_PROTOCOL' })
    }
    const members = join.members.map((m) => decodeSubscription(m.memberId, m.groupInstanceId ?? null, m.metadata))
    const topics = [...new Set(members.flatMap((m) => m.topics))]
    const metadata = await this.subscribedMetadata(topics)
    const partitionsPerTopic = new Map<string, number>()
    for (const [name, t] of metadata) {
      if (t.errorCode === 0 && t.partitions.length > 0) partitionsPerTopic.set(name, t.partitions.length)
    }
    this.assignmentSnapshot = new Map(topics.map((t) => [t, partitionsPerTopic.get(t) ?? 0]))
    const assignment = assignor.assign({ members, partitionsPerTopic })
    this.log.debug('consumer', { groupId: this.options.groupId, assignor: assignor.name, members: members.length }, 'computed assignment')
    return members.map((m) => ({ memberId: m.memberId, assignment: encodeAssignment(assignment.get(m.memberId) ?? new Map()) }))
  }

  /**
   * Metadata of the group's subscribed topics for the assignor. A topic created just before
   * the group formed may not have reached this broker's metadata yet (KRaft propagates it
   * asynchronously): assigning without it would hand out nothing of it until some later
   * rebalance. So a subscribed topic reported missing or leaderless is asked for again, with
   * the retry policy's backoff, for at most a third of the session timeout (the other members
   * wait in SyncGroup meanwhile); after that the assignor runs with what is known.
   */
  private async subscribedMetadata(topics: readonly string[]): Promise<Map<string, TopicMetadata>> {
    const deadline = Date.now() + Math.floor(this.options.sessionTimeoutMs / 3)
    for (let attempt = 0; ; attempt++) {
      const metadata = await this.cluster.metadata(topics, { force: true })
      const pending = topics.some((t) => {
        const m = metadata.get(t)
        return m === undefined || m.partitions.length === 0 || m.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || m.errorCode === ErrorCode.LEADER_NOT_AVAILABLE
      })
      const delay = backoffMs(attempt, this.cluster.retryPolicy)
      if (!pending || this.stopped || Date.now() + delay >= deadline) return metadata
      await sleep(delay)
    }
  }

  /**
   * The leader watches the metadata of every topic the group subscribes to, as the Java
   * consumer's leader compares its assignment snapshot with each metadata update: a topic
   * that gained partitions, appeared late (created after the group formed, or not yet in the
   * broker's metadata then) or went away calls for a rejoin, so the assignor runs again.
   * A topic still missing is looked for again with the retry backoff; otherwise the metadata
   * is re-read every `metadataMaxAgeMs`.
   */
  private startMetadataWatch(): void {
    this.stopMetadataWatch()
    const snapshot = this.assignmentSnapshot
    if (snapshot === null || this.stopped) return
    const missing = [...snapshot.values()].some((n) => n === 0)
    const delay = missing ? backoffMs(this.metadataWatchAttempt++, this.cluster.retryPolicy) : this.options.metadataMaxAgeMs
    this.metadataWatchTimer = setTimeout(() => {
      this.metadataWatchTimer = null
      void this.checkMetadata(snapshot)
    }, delay)
    this.metadataWatchTimer.unref?.()
  }

  private stopMetadataWatch(): void {
    if (this.metadataWatchTimer !== null) clearTimeout(this.metadataWatchTimer)
    this.metadataWatchTimer = null
  }

  private async checkMetadata(snapshot: Map<string, number>): Promise<void> {
    let changed: string | null = null
    try {
      const metadata = await this.cluster.metadata([...snapshot.keys()], { force: true })
      for (const [topic, before] of snapshot) {
        const m = metadata.get(topic)
        const now = m !== undefined && m.errorCode === 0 ? m.partitions.length : 0
        if (now !== before) {
          changed = `topic ${topic} has ${now} partitions, ${before} when the group was assigned`
          break
        }
      }
    } catch (err) {
      this.log.debug('consumer', { groupId: this.options.groupId, error: String(err) }, 'metadata check failed')
    }
    // A rejoin or stop began meanwhile: that round takes its own snapshot.
    if (this.stopped || snapshot !== this.assignmentSnapshot) return
    if (changed !== null) {
      this.assignmentSnapshot = null
      this.requestRejoin(changed)
      return
    }
    this.startMetadataWatch()
  }

  private assertOpen(): void {
    if (this.stopped) throw new ClosedError('the consumer is stopped')
  }

  private startHeartbeat(): void {
    this.stopHeartbeat()
    if (this.stopped) return
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null
      this.heartbeatInFlight = this.heartbeat().finally(() => {
        this.heartbeatInFlight = null
      })
    }, this.options.heartbeatIntervalMs)
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = null
  }

  private async heartbeat(): Promise<void> {
    const o = this.options
    const generationId = this.generationId
    let code = 0
    try {
      const coordinator = await this.cluster.coordinator('group', o.groupId)
      const res = await coordinator.send(
        Heartbeat,
        (v) => ({ groupId: o.groupId, generationId, memberId: this.memberId, ...(v >= 3 ? { groupInstanceId: o.groupInstanceId } : {}) }),
        { owner: o.owner },
      )
      code = res.errorCode
    } catch (err) {
      if (this.stopped) return
      this.log.debug('consumer', { groupId: o.groupId, error: String(err) }, 'heartbeat failed')
      this.cluster.invalidateCoordinator('group', o.groupId)
      if (err instanceof KafkaError && !err.retriable) {
        this.events.fatal(err)
        return
      }
      this.startHeartbeat()
      return
    }
    // A join started meanwhile: this answer is about a generation being replaced.
    if (this.stopped || this.joining || generationId !== this.generationId || this.heartbeatTimer !== null) return
    if (code === 0) {
      this.startHeartbeat()
      return
    }
    if (code === ErrorCode.REBALANCE_IN_PROGRESS) {
      // Keep heartbeating until we rejoin: the coordinator counts them as liveness meanwhile.
      this.startHeartbeat()
      this.requestRejoin('the coordinator is rebalancing the group')
      return
    }
    if (GENERATION_GONE.has(code)) {
      const err = responseError(code, null, `group ${o.groupId}`)
      if (code === ErrorCode.FENCED_INSTANCE_ID) {
        this.events.fatal(err)
        return
      }
      if (code === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = ''
      this.generationId = -1
      this.events.lost(err.message)
      this.requestRejoin(err.message)
      return
    }
    if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE) {
      this.cluster.invalidateCoordinator('group', o.groupId)
      this.startHeartbeat()
      return
    }
    const err = responseError(code, null, `heartbeat of group ${o.groupId}`)
    if (err.retriable) this.startHeartbeat()
    else this.events.fatal(err)
  }

  /**
   * Leaves the group while staying usable (max.poll.interval.ms expired): stops heartbeating,
   * forgets the member id and generation, sends LeaveGroup (not for static members, KIP-345),
   * and asks for a rejoin, which the consumer runs on its next poll. Never throws.
   */
  async leave(reason: string): Promise<void> {
    if (this.stopped || this.memberId === '') return
    this.stopHeartbeat()
    this.stopMetadataWatch()
    const memberId = this.memberId
    this.memberId = ''
    this.generationId = -1
    this.requestRejoin(reason)
    if (this.options.groupInstanceId === null) await this.sendLeave(memberId, reason)
  }

  /**
   * Stops heartbeating and leaves the group (LeaveGroup, on this member's coordinator
   * connection, which never queues behind its pending JoinGroup). Static members (KIP-345) do not leave: their
   * partitions wait for them until the session timeout. Never throws. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.stopHeartbeat()
    this.stopMetadataWatch()
    await this.heartbeatInFlight
    if (this.memberId !== '' && this.options.groupInstanceId === null) await this.sendLeave(this.memberId, 'consumer stopped')
    this.memberId = ''
    this.generationId = -1
  }

  private async sendLeave(memberId: string, reason: string): Promise<void> {
    const o = this.options
    try {
      const coordinator = await this.cluster.coordinator('group', o.groupId)
      const res = await coordinator.send(LeaveGroup, (v) =>
        v >= 3 ? { groupId: o.groupId, members: [{ memberId, groupInstanceId: null, ...(v >= 5 ? { reason } : {}) }] } : { groupId: o.groupId, memberId },
        { owner: o.owner },
      )
      const code = res.errorCode !== 0 ? res.errorCode : (res.members?.[0]?.errorCode ?? 0)
      if (code !== 0 && code !== ErrorCode.UNKNOWN_MEMBER_ID) this.log.warn({ groupId: o.groupId, error: responseError(code).message }, 'LeaveGroup failed')
    } catch (err) {
      this.log.warn({ groupId: o.groupId, error: String(err) }, 'LeaveGroup failed')
    }
  }
}
