// GroupMembership with no broker: the cluster and the coordinator are scripted at the
// GroupMembership boundary (cluster.coordinator(), broker.send()), so each answer of JoinGroup,
// SyncGroup, Heartbeat and LeaveGroup is chosen by the test.
import t from 'tap'
import { ClosedError } from '../../../src/errors.js'
import { Log } from '../../../src/logger.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { Cluster } from '../../../src/pool/cluster.js'
import { newConnectionOwner } from '../../../src/pool/connection-routing.js'
import { resolveAssignor } from '../../../src/consumer/group/assignors/index.js'
import { decodeAssignment, encodeAssignment, encodeSubscription } from '../../../src/consumer/group/consumer-protocol.js'
import { GroupMembership, type GroupEvents } from '../../../src/consumer/group/coordinator.js'

type Answer = Record<string, unknown> | Error
interface Sent {
  api: string
  request: Record<string, unknown>
}

/** A scripted coordinator: answers per API are taken in order; the last one repeats. */
function script(answers: Record<string, Answer[]>) {
  const sent: Sent[] = []
  const invalidations: string[] = []
  let closed = false
  const broker = {
    send: async (api: { name: string }, build: (v: number) => Record<string, unknown>) => {
      const request = build(9)
      sent.push({ api: api.name, request })
      const list = answers[api.name]
      if (list === undefined || list.length === 0) throw new Error(`no answer scripted for ${api.name}`)
      const a = list.length > 1 ? list.shift() : list[0]
      if (a instanceof Error) throw a
      return a
    },
  }
  const cluster = {
    retryPolicy: { retryBackoffMs: 1, retryBackoffMaxMs: 5 },
    defaultApiTimeoutMs: 60_000,
    get isClosed() {
      return closed
    },
    coordinator: async () => {
      if (closed) throw new ClosedError('the client is closed')
      return broker
    },
    invalidateCoordinator: (_kind: string, id: string) => invalidations.push(id),
    metadata: async (topics: string[]) => new Map(topics.map((name) => [name, { errorCode: 0, partitions: [{ partition: 0 }, { partition: 1 }] }])),
  }
  return { cluster: cluster as unknown as Cluster, sent, invalidations, close: () => (closed = true) }
}

function recorder() {
  const seen: string[] = []
  const events: GroupEvents = {
    rejoinNeeded: (reason) => seen.push(`rejoin: ${reason}`),
    lost: (reason) => seen.push(`lost: ${reason}`),
    fatal: (err) => seen.push(`fatal: ${err.code}`),
  }
  return { seen, events }
}

function member(cluster: Cluster, events: GroupEvents, extra: { groupInstanceId?: string; metadataMaxAgeMs?: number } = {}): GroupMembership {
  return new GroupMembership(
    cluster,
    {
      groupId: 'g',
      groupInstanceId: extra.groupInstanceId ?? null,
      topics: ['t'],
      assignors: [resolveAssignor('range')],
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 5_000,
      heartbeatIntervalMs: 5,
      requestTimeoutMs: 1_000,
      metadataMaxAgeMs: extra.metadataMaxAgeMs ?? 300_000,
      owner: newConnectionOwner('consumer'),
    },
    events,
    new Log({ debug() {}, info() {}, warn() {}, error() {} }),
  )
}

const joined = (memberId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  errorCode: 0,
  generationId: 3,
  protocolName: 'range',
  leader: 'someone-else',
  memberId,
  members: [],
  ...extra,
})
const synced = (partitions: number[]): Record<string, unknown> => ({ errorCode: 0, assignment: encodeAssignment(new Map([['t', partitions]])) })
const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5))
}

t.test('join: MEMBER_ID_REQUIRED, then JoinGroup and SyncGroup give the assignment', async (t) => {
  const s = script({
    JoinGroup: [{ errorCode: ErrorCode.MEMBER_ID_REQUIRED, memberId: 'm-1', generationId: -1, members: [] }, joined('m-1')],
    SyncGroup: [synced([1])],
    Heartbeat: [{ errorCode: 0 }],
    LeaveGroup: [{ errorCode: 0, members: [{ errorCode: 0 }] }],
  })
  const r = recorder()
  const g = member(s.cluster, r.events)
  t.equal(g.rejoinNeeded, true, 'a new member needs to join')
  const result = await g.join(new Map())
  t.same([...result.assigned], [['t', [1]]])
  t.equal(result.generationId, 3)
  t.equal(g.memberId, 'm-1')
  t.equal(g.generationId, 3)
  t.equal(g.rejoinNeeded, false)
  t.same(s.sent.filter((x) => x.api === 'JoinGroup').map((x) => x.request.memberId), ['', 'm-1'], 'rejoined with the id the coordinator gave')
  t.equal(s.sent.find((x) => x.api === 'JoinGroup')?.request.rebalanceTimeoutMs, 5_000, 'rebalance timeout = maxPollIntervalMs')
  await until(() => s.sent.some((x) => x.api === 'Heartbeat'))
  t.ok(s.sent.some((x) => x.api === 'Heartbeat'), 'heartbeats start once joined')
  await g.stop()
  t.equal(s.sent.filter((x) => x.api === 'LeaveGroup').length, 1, 'stop sends LeaveGroup')
  t.same(r.seen, [])
})

t.test('join as leader: the assignor runs over the members', async (t) => {
  const sub = (topics: string[]): Buffer => encodeSubscription({ topics, userData: null, owned: new Map(), generationId: -1 })
  const s = script({
    JoinGroup: [joined('a', { leader: 'a', members: [{ memberId: 'a', metadata: sub(['t']) }, { memberId: 'b', metadata: sub(['t']) }] })],
    SyncGroup: [synced([0])],
    Heartbeat: [{ errorCode: 0 }],
    LeaveGroup: [{ errorCode: 0 }],
  })
  const g = member(s.cluster, recorder().events)
  await g.join(new Map())
  const sync = s.sent.find((x) => x.api === 'SyncGroup')?.request as { assignments: { memberId: string; assignment: Buffer }[] }
  t.same(
    sync.assignments.map((a) => [a.memberId, [...decodeAssignment(a.assignment)]]),
    [
      ['a', [['t', [0]]]],
      ['b', [['t', [1]]]],
    ],
    'range split the two partitions',
  )
  await g.stop()
})

t.test('join retries REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID (forgetting the id), NOT_COORDINATOR and connection errors', async (t) => {
  const connErr = Object.assign(new ClosedError('x'), { retriable: true })
  const s = script({
    JoinGroup: [
      { ...joined('m-1'), errorCode: ErrorCode.REBALANCE_IN_PROGRESS },
      { ...joined('m-1'), errorCode: ErrorCode.NOT_COORDINATOR },
      connErr,
      joined('m-1'),
    ],
    SyncGroup: [{ errorCode: ErrorCode.UNKNOWN_MEMBER_ID }, synced([0])],
    Heartbeat: [{ errorCode: 0 }],
    LeaveGroup: [{ errorCode: 0 }],
  })
  const g = member(s.cluster, recorder().events)
  const result = await g.join(new Map())
  t.same([...result.assigned], [['t', [0]]])
  t.ok(s.invalidations.length >= 2, 'the coordinator was looked up again after NOT_COORDINATOR and the connection error')
  const ids = s.sent.filter((x) => x.api === 'JoinGroup').map((x) => x.request.memberId)
  t.equal(ids[ids.length - 1], '', 'after UNKNOWN_MEMBER_ID the member joins with no id')
  await g.stop()
})

t.test('join ends at once on a fatal group error, a stopped member, or a closed client', async (t) => {
  const s = script({ JoinGroup: [{ ...joined('m'), errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED }] })
  await t.rejects(member(s.cluster, recorder().events).join(new Map()), { code: 'GROUP_AUTHORIZATION_FAILED' })

  const s2 = script({ JoinGroup: [joined('m')] })
  const stopped = member(s2.cluster, recorder().events)
  await stopped.stop()
  await t.rejects(stopped.join(new Map()), ClosedError)

  const s3 = script({ JoinGroup: [{ ...joined('m'), errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS }] })
  const g3 = member(s3.cluster, recorder().events)
  const pending = g3.join(new Map())
  await until(() => s3.sent.length >= 2)
  s3.close()
  await t.rejects(pending, { code: 'CLIENT_CLOSED' }, 'a closed client ends the retries')
})

/** A joined member whose heartbeats get `answers`. */
async function joinedMember(heartbeats: Answer[], extra: { groupInstanceId?: string } = {}) {
  const s = script({ JoinGroup: [joined('m-1')], SyncGroup: [synced([0, 1])], Heartbeat: heartbeats, LeaveGroup: [{ errorCode: 0 }] })
  const r = recorder()
  const g = member(s.cluster, r.events, extra)
  await g.join(new Map())
  return { s, r, g }
}

t.test('heartbeat REBALANCE_IN_PROGRESS: rejoin needed, partitions kept, heartbeats go on', async (t) => {
  const { s, r, g } = await joinedMember([{ errorCode: ErrorCode.REBALANCE_IN_PROGRESS }])
  await until(() => s.sent.filter((x) => x.api === 'Heartbeat').length >= 3)
  t.equal(g.rejoinNeeded, true)
  t.equal(g.generationId, 3, 'the generation stays valid until the rejoin')
  t.equal(r.seen.filter((x) => x.startsWith('lost')).length, 0, 'nothing lost')
  t.match(r.seen[0], /^rejoin/)
  await g.stop()
})

for (const [name, code, keepsId] of [
  ['UNKNOWN_MEMBER_ID', ErrorCode.UNKNOWN_MEMBER_ID, false],
  ['ILLEGAL_GENERATION', ErrorCode.ILLEGAL_GENERATION, true],
] as const) {
  t.test(`heartbeat ${name}: partitions lost, then a rejoin`, async (t) => {
    const { r, g } = await joinedMember([{ errorCode: code }])
    await until(() => r.seen.length >= 2)
    t.match(r.seen, [/^lost/, /^rejoin/])
    t.equal(g.generationId, -1)
    t.equal(g.memberId, keepsId ? 'm-1' : '', keepsId ? 'the member id is kept' : 'the member id is forgotten')
    t.equal(g.rejoinNeeded, true)
    await g.stop()
  })
}

t.test('heartbeat FENCED_INSTANCE_ID: fatal', async (t) => {
  const { r, g } = await joinedMember([{ errorCode: ErrorCode.FENCED_INSTANCE_ID }], { groupInstanceId: 'i-1' })
  await until(() => r.seen.length >= 1)
  t.same(r.seen, ['fatal: FENCED_INSTANCE_ID'])
  await g.stop()
})

t.test('heartbeat NOT_COORDINATOR: the coordinator is looked up again, no rejoin', async (t) => {
  const { s, r, g } = await joinedMember([{ errorCode: ErrorCode.NOT_COORDINATOR }, { errorCode: 0 }])
  await until(() => s.sent.filter((x) => x.api === 'Heartbeat').length >= 3)
  t.ok(s.invalidations.length >= 1)
  t.same(r.seen, [])
  t.equal(g.rejoinNeeded, false)
  await g.stop()
})

t.test('leave (max.poll.interval.ms): LeaveGroup, member id and generation forgotten, rejoin needed', async (t) => {
  const { s, r, g } = await joinedMember([{ errorCode: 0 }])
  await g.leave('poll timeout')
  const leave = s.sent.find((x) => x.api === 'LeaveGroup')?.request as { members: { memberId: string; reason?: string }[] }
  t.equal(leave.members[0].memberId, 'm-1')
  t.equal(leave.members[0].reason, 'poll timeout')
  t.equal(g.memberId, '')
  t.equal(g.generationId, -1)
  t.equal(g.rejoinNeeded, true)
  t.match(r.seen, [/^rejoin: poll timeout/])
  const beats = s.sent.filter((x) => x.api === 'Heartbeat').length
  await new Promise((res) => setTimeout(res, 50))
  t.equal(s.sent.filter((x) => x.api === 'Heartbeat').length, beats, 'no heartbeats after leaving')
  await g.stop()
  t.equal(s.sent.filter((x) => x.api === 'LeaveGroup').length, 1, 'stop after leave sends no second LeaveGroup')
})

t.test('join as leader: a subscribed topic not yet in the metadata is asked for again before assigning', async (t) => {
  // KRaft: a topic created just before the group formed may reach the broker's metadata late;
  // assigning without it would give every member nothing of it (seen in the usage suite).
  const sub = (topics: string[]): Buffer => encodeSubscription({ topics, userData: null, owned: new Map(), generationId: -1 })
  const s = script({
    JoinGroup: [joined('a', { leader: 'a', members: [{ memberId: 'a', metadata: sub(['t']) }, { memberId: 'b', metadata: sub(['t']) }] })],
    SyncGroup: [synced([0])],
    Heartbeat: [{ errorCode: 0 }],
    LeaveGroup: [{ errorCode: 0 }],
  })
  let asked = 0
  ;(s.cluster as unknown as { metadata: unknown }).metadata = async (topics: string[]) => {
    asked++
    return new Map(topics.map((name) => [name, asked < 3 ? { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: [] } : { errorCode: 0, partitions: [{ partition: 0 }, { partition: 1 }] }]))
  }
  const g = member(s.cluster, recorder().events)
  await g.join(new Map())
  const sync = s.sent.find((x) => x.api === 'SyncGroup')?.request as { assignments: { memberId: string; assignment: Buffer }[] }
  t.equal(asked, 3, 'metadata asked again until the topic showed')
  t.same(
    sync.assignments.map((a) => [a.memberId, [...decodeAssignment(a.assignment)]]),
    [
      ['a', [['t', [0]]]],
      ['b', [['t', [1]]]],
    ],
    'the topic was assigned',
  )
  await g.stop()
})

t.test('leader: a subscribed topic that gains partitions after the assignment calls for a rejoin', async (t) => {
  // The Java leader compares its assignment snapshot with each metadata update.
  const sub = (topics: string[]): Buffer => encodeSubscription({ topics, userData: null, owned: new Map(), generationId: -1 })
  const s = script({
    JoinGroup: [joined('a', { leader: 'a', members: [{ memberId: 'a', metadata: sub(['t']) }] })],
    SyncGroup: [synced([0, 1])],
    Heartbeat: [{ errorCode: 0 }],
    LeaveGroup: [{ errorCode: 0 }],
  })
  let partitions = 2
  let asked = 0
  ;(s.cluster as unknown as { metadata: unknown }).metadata = async (topics: string[]) => {
    asked++
    return new Map(topics.map((name) => [name, { errorCode: 0, partitions: Array.from({ length: partitions }, (_, partition) => ({ partition })) }]))
  }
  const r = recorder()
  const g = member(s.cluster, r.events, { metadataMaxAgeMs: 10 })
  await g.join(new Map())
  await until(() => asked >= 4)
  t.same(r.seen, [], 'no rejoin while the partition count stays')
  partitions = 3
  await until(() => r.seen.length > 0)
  t.match(r.seen, [/^rejoin: topic t has 3 partitions, 2 when the group was assigned/])
  t.equal(g.rejoinNeeded, true)
  const after = asked
  await new Promise((res) => setTimeout(res, 50))
  t.equal(asked, after, 'the watch stops once a rejoin is asked for')
  await g.stop()
})

t.test('leader: a subscribed topic missing at assignment is looked for with backoff; its arrival calls for a rejoin', async (t) => {
  const sub = (topics: string[]): Buffer => encodeSubscription({ topics, userData: null, owned: new Map(), generationId: -1 })
  const s = script({
    JoinGroup: [joined('a', { leader: 'a', members: [{ memberId: 'a', metadata: sub(['t']) }] })],
    SyncGroup: [synced([])],
    Heartbeat: [{ errorCode: 0 }],
    LeaveGroup: [{ errorCode: 0 }],
  })
  let exists = false
  ;(s.cluster as unknown as { metadata: unknown }).metadata = async (topics: string[]) =>
    new Map(topics.map((name) => [name, exists ? { errorCode: 0, partitions: [{ partition: 0 }] } : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: [] }]))
  const r = recorder()
  // sessionTimeoutMs 10 s / 3 would hold the join; a short session lets it assign without the topic.
  const g = new GroupMembership(
    s.cluster,
    { groupId: 'g', groupInstanceId: null, topics: ['t'], assignors: [resolveAssignor('range')], sessionTimeoutMs: 30, rebalanceTimeoutMs: 5_000, heartbeatIntervalMs: 5, requestTimeoutMs: 1_000, metadataMaxAgeMs: 300_000, owner: newConnectionOwner('consumer') },
    r.events,
    new Log({ debug() {}, info() {}, warn() {}, error() {} }),
  )
  await g.join(new Map())
  t.same(r.seen, [])
  exists = true
  await until(() => r.seen.length > 0)
  t.match(r.seen, [/^rejoin: topic t has 1 partitions, 0 when the group was assigned/], 'noticed long before metadataMaxAgeMs')
  await g.stop()
})

t.test('a follower does not watch the metadata', async (t) => {
  const s = script({ JoinGroup: [joined('b')], SyncGroup: [synced([0])], Heartbeat: [{ errorCode: 0 }], LeaveGroup: [{ errorCode: 0 }] })
  let asked = 0
  ;(s.cluster as unknown as { metadata: unknown }).metadata = async () => {
    asked++
    return new Map()
  }
  const g = member(s.cluster, recorder().events, { metadataMaxAgeMs: 5 })
  await g.join(new Map())
  await new Promise((res) => setTimeout(res, 50))
  t.equal(asked, 0)
  await g.stop()
})
