/**
 * Consumer groups: ListGroups (asked of every broker, KIP-518 state filter, KIP-848 type
 * filter), DescribeGroups — ConsumerGroupDescribe first for groups on the consumer protocol
 * (KIP-848), DescribeGroups for the rest — and DeleteGroups (KIP-229), each group via its
 * coordinator.
 */
import { UnsupportedVersionError } from '../errors.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { ConsumerGroupDescribe, type ConsumerGroupDescribeResponseAssignment, type ConsumerGroupDescribeResponseDescribedGroup } from '../protocol/messages/consumer-group-describe.js'
import type { Broker } from '../pool/broker.js'
import { DeleteGroups } from '../protocol/messages/delete-groups.js'
import { DescribeGroups } from '../protocol/messages/describe-groups.js'
import { ListGroups } from '../protocol/messages/list-groups.js'
import type { AdminContext } from './admin-context.js'
import { perCoordinator } from './coordinator-routing.js'
import { type ItemError, itemError, missingItem } from './item-error.js'
import { decodeMemberAssignment, decodeMemberSubscription, type MemberAssignment, type MemberSubscription } from './member-protocol.js'

/** A group as ListGroups reports it. */
export interface ListedGroup {
  groupId: string
  /** `consumer` for consumer groups, '' for groups that only commit offsets. */
  protocolType: string
  /** E.g. `Stable`, `Empty`, `PreparingRebalance` (v4+), '' when the broker does not say. */
  state: string
  /** `classic`, `consumer`, `share`, `streams` (v5+), '' when the broker does not say. */
  type: string
  /** The coordinator that reported it. */
  coordinator: number
}

export interface ListGroupsOptions {
  /** Only groups in these states (ListGroups v4+), e.g. `['Stable', 'Empty']`. */
  states?: readonly string[]
  /** Only groups of these types (ListGroups v5+), e.g. `['classic']`. */
  types?: readonly string[]
}

/** Lists groups on every broker; see {@link Admin.listGroups}. */
export async function listGroups(ctx: AdminContext, options: ListGroupsOptions = {}): Promise<ListedGroup[]> {
  const { cluster } = ctx
  await cluster.withRetry(() => cluster.refreshAllTopics())
  const brokers = cluster.brokerList()
  const lists = await Promise.all(
    brokers.map((b) =>
      cluster.withRetry(async () => {
        const res = await cluster.send(b.nodeId, ListGroups, (v) => {
          if (v < 4 && (options.states?.length ?? 0) > 0) throw new UnsupportedVersionError(`broker ${b.nodeId} cannot filter groups by state (ListGroups v${v} < 4)`)
          if (v < 5 && (options.types?.length ?? 0) > 0) throw new UnsupportedVersionError(`broker ${b.nodeId} cannot filter groups by type (ListGroups v${v} < 5)`)
          return {
            ...(v >= 4 ? { statesFilter: [...(options.states ?? [])] } : {}),
            ...(v >= 5 ? { typesFilter: [...(options.types ?? [])] } : {}),
          }
        })
        if (res.errorCode !== 0) throw responseError(res.errorCode, null, `ListGroups on broker ${b.nodeId}`)
        return res.groups.map((g) => ({
          groupId: g.groupId,
          protocolType: g.protocolType,
          state: g.groupState ?? '',
          type: g.groupType ?? '',
          coordinator: b.nodeId,
        }))
      }),
    ),
  )
  return lists.flat().sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
}

/** A member of a described group. */
export interface GroupMember {
  memberId: string
  /** Static membership id (KIP-345, v4+), or null. */
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  /** The raw member metadata (for `consumer` groups: a ConsumerProtocolSubscription). */
  memberMetadata: Buffer
  /** The raw member assignment (for `consumer` groups: a ConsumerProtocolAssignment). */
  memberAssignment: Buffer
  /** Decoded subscription when the protocol type is `consumer` and the bytes decode, else null. */
  subscription: MemberSubscription | null
  /** Decoded assignment when the protocol type is `consumer` and the bytes decode, else null. */
  assignment: MemberAssignment | null
  /**
   * Consumer protocol groups (KIP-848, ConsumerGroupDescribe) only: the member epoch, the
   * subscribed names and regex, and the target assignment the coordinator is moving the member
   * to (`assignment` is the current one; `memberMetadata` and `memberAssignment` are empty).
   */
  consumerProtocol?: {
    memberEpoch: number
    subscribedTopicNames: string[]
    subscribedTopicRegex: string | null
    rackId: string | null
    targetAssignment: MemberAssignment
    /** 1: a consumer-protocol member, 0: a classic member of an upgraded group (KIP-848 migration), -1: unknown. */
    memberType: number
  }
}

/** One group of a {@link describeGroups} result. */
export interface GroupDescription extends ItemError {
  groupId: string
  /** `Stable`, `Empty`, `Dead`, `PreparingRebalance`, `CompletingRebalance`, ... */
  state: string
  protocolType: string
  /** The chosen protocol: the assignor name for consumer groups (the server assignor on the consumer protocol). */
  protocol: string
  members: GroupMember[]
  /** `'consumer'` for a group on the consumer protocol (KIP-848), else `'classic'`. */
  type: 'classic' | 'consumer'
  /** Consumer protocol groups only: the group epoch and the assignment epoch. */
  groupEpoch?: number
  assignmentEpoch?: number
}

/**
 * Describes groups; see {@link Admin.describeGroups}. Each coordinator is asked with
 * ConsumerGroupDescribe first (when it has the API): the groups it knows as consumer-protocol
 * groups are described from that; the others (GROUP_ID_NOT_FOUND: a classic group, or none)
 * with DescribeGroups, as the Java admin does.
 */
export async function describeGroups(ctx: AdminContext, groupIds: readonly string[]): Promise<GroupDescription[]> {
  const empty = (groupId: string, e: ItemError): GroupDescription => ({ groupId, ...e, state: '', protocolType: '', protocol: '', members: [], type: 'classic' })
  return perCoordinator(
    ctx,
    groupIds,
    async (coordinator, ids) => {
      const described = await describeConsumerProtocol(ctx, coordinator, ids)
      const classicIds = ids.filter((id) => !described.has(id))
      const classic = classicIds.length > 0 ? await describeClassic(ctx, coordinator, classicIds, empty) : []
      const byId = new Map(classic.map((g) => [g.groupId, g]))
      return ids.map((id) => described.get(id) ?? byId.get(id) ?? empty(id, missingItem(`group ${id}`)))
    },
    empty,
  )
}

/** ConsumerGroupDescribe: the groups on the consumer protocol (others are left out). */
async function describeConsumerProtocol(ctx: AdminContext, coordinator: Broker, ids: string[]): Promise<Map<string, GroupDescription>> {
  const out = new Map<string, GroupDescription>()
  let groups: ConsumerGroupDescribeResponseDescribedGroup[]
  try {
    groups = (await ctx.cluster.send(coordinator, ConsumerGroupDescribe, () => ({ groupIds: ids, includeAuthorizedOperations: false }))).groups
  } catch (err) {
    if (err instanceof UnsupportedVersionError) return out // a broker before KIP-848
    throw err
  }
  const assignment = (a: ConsumerGroupDescribeResponseAssignment): MemberAssignment => ({
    version: 0,
    partitions: a.topicPartitions.map((tp) => ({ topic: tp.topicName, partitions: [...tp.partitions].sort((x, y) => x - y) })),
    userData: null,
  })
  for (const g of groups) {
    // GROUP_ID_NOT_FOUND: not a consumer-protocol group (a classic one, or none): DescribeGroups says which.
    if (g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) continue
    out.set(g.groupId, {
      groupId: g.groupId,
      ...itemError(g.errorCode, g.errorMessage),
      state: g.groupState,
      protocolType: 'consumer',
      protocol: g.assignorName,
      type: 'consumer',
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: Buffer.alloc(0),
        memberAssignment: Buffer.alloc(0),
        subscription: { version: 0, topics: [...m.subscribedTopicNames], userData: null, ownedPartitions: [], generationId: m.memberEpoch, rackId: m.rackId },
        assignment: assignment(m.assignment),
        consumerProtocol: {
          memberEpoch: m.memberEpoch,
          subscribedTopicNames: [...m.subscribedTopicNames],
          subscribedTopicRegex: m.subscribedTopicRegex,
          rackId: m.rackId,
          targetAssignment: assignment(m.targetAssignment),
          memberType: m.memberType ?? -1,
        },
      })),
    })
  }
  return out
}

/** DescribeGroups: classic groups. */
async function describeClassic(ctx: AdminContext, coordinator: Broker, ids: string[], empty: (groupId: string, e: ItemError) => GroupDescription): Promise<GroupDescription[]> {
  const res = await ctx.cluster.send(coordinator, DescribeGroups, (v) => ({
    groups: ids,
    ...(v >= 3 ? { includeAuthorizedOperations: false } : {}),
  }))
  const byId = new Map(res.groups.map((g) => [g.groupId, g]))
  return ids.map((id): GroupDescription => {
    const g = byId.get(id)
    if (!g) return empty(id, missingItem(`group ${id}`))
    const consumer = g.protocolType === 'consumer'
    return {
      groupId: id,
      ...itemError(g.errorCode),
      state: g.groupState,
      protocolType: g.protocolType,
      protocol: g.protocolData,
      type: 'classic',
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: m.memberMetadata,
        memberAssignment: m.memberAssignment,
        subscription: consumer ? decodeMemberSubscription(m.memberMetadata) : null,
        assignment: consumer ? decodeMemberAssignment(m.memberAssignment) : null,
      })),
    }
  })
}

/** One group of a {@link deleteGroups} result. */
export interface DeleteGroupResult extends ItemError {
  groupId: string
}

/** Deletes groups (they must be empty: NON_EMPTY_GROUP otherwise); see {@link Admin.deleteGroups}. */
export async function deleteGroups(ctx: AdminContext, groupIds: readonly string[]): Promise<DeleteGroupResult[]> {
  return perCoordinator(
    ctx,
    groupIds,
    async (coordinator, ids) => {
      const res = await ctx.cluster.send(coordinator, DeleteGroups, () => ({ groupsNames: ids }))
      const byId = new Map(res.results.map((r) => [r.groupId, r]))
      return ids.map((id) => {
        const r = byId.get(id)
        return r ? { groupId: id, ...itemError(r.errorCode) } : { groupId: id, ...missingItem(`group ${id}`) }
      })
    },
    (groupId, e) => ({ groupId, ...e }),
  )
}
