// The admin operations against a scripted cluster: per-version request fields, routing to
// leaders, coordinators and named brokers, and per-item retries.
import t from 'tap'
import type { AdminContext } from '../../../src/admin/admin-context.js'
import { describeConfigs } from '../../../src/admin/configs.js'
import { describeGroups } from '../../../src/admin/groups.js'
import { listOffsets } from '../../../src/admin/offsets.js'
import { createTopics } from '../../../src/admin/topics.js'
import { describeTransactions, listTransactions } from '../../../src/admin/transactions.js'
import { UnsupportedVersionError } from '../../../src/errors.js'
import type { Cluster, TopicMetadata } from '../../../src/pool/cluster.js'
import { newConnectionOwner } from '../../../src/pool/connection-routing.js'

interface Sent {
  target: unknown
  api: string
  request: Record<string, unknown>
}

function fakeCluster(version: number, answer: (s: Sent) => unknown, extra: Record<string, unknown> = {}): { ctx: AdminContext; sent: Sent[]; calls: string[] } {
  const sent: Sent[] = []
  const calls: string[] = []
  const cluster = {
    retryPolicy: { retryBackoffMs: 1, retryBackoffMaxMs: 2 },
    defaultApiTimeoutMs: 1000,
    isClosed: false,
    withRetry: <T>(fn: (attempt: number) => Promise<T>) => fn(0),
    invalidate: (topic?: string) => calls.push(`invalidate ${topic ?? '*'}`),
    invalidateCoordinator: (_type: string, key: string) => calls.push(`invalidateCoordinator ${key}`),
    broker: (id: number) => ({ nodeId: id }),
    brokerList: () => [{ nodeId: 1 }, { nodeId: 2 }],
    refreshAllTopics: async () => {
      calls.push('refreshAllTopics')
    },
    send: async (target: unknown, api: { name: string }, build: (v: number) => Record<string, unknown>) => {
      const s = { target, api: api.name, request: build(version) }
      sent.push(s)
      return answer(s)
    },
    ...extra,
  }
  return { ctx: { cluster: cluster as unknown as Cluster, owner: newConnectionOwner('admin'), timeoutMs: 1000, requestTimeoutMs: 500 }, sent, calls }
}

t.test('createTopics resends only the topics answered NOT_CONTROLLER', async (t) => {
  let round = 0
  const { ctx, sent, calls } = fakeCluster(7, (s) => {
    round++
    const topics = s.request.topics as Array<{ name: string }>
    return {
      topics: topics.map((x) => ({
        name: x.name,
        topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
        errorCode: round === 1 && x.name === 'b' ? 41 : 0,
        errorMessage: null,
        numPartitions: 3,
        replicationFactor: 1,
        configs: [],
      })),
    }
  })
  const rs = await createTopics(ctx, [{ name: 'a', partitions: 3 }, { name: 'b' }], { validateOnly: false })
  t.same(sent.map((s) => (s.request.topics as Array<{ name: string }>).map((x) => x.name)), [['a', 'b'], ['b']])
  t.same(rs.map((r) => [r.name, r.errorCode]), [['a', 0], ['b', 0]])
  t.equal(sent[0].request.validateOnly, false)
  t.equal(sent[0].request.timeoutMs, 1000)
  t.match(sent[0].request.topics, [{ numPartitions: 3, replicationFactor: -1, assignments: [], configs: [] }, { numPartitions: -1 }])
  t.ok(calls.includes('invalidate *'), 'metadata refreshed before the retry')
})

t.test('CreateTopics at its lowest version (v2; v0-1 went with KIP-896) reports no partitions', async (t) => {
  const { ctx, sent } = fakeCluster(2, () => ({ topics: [{ name: 'a', errorCode: 0 }] }))
  const [r] = await createTopics(ctx, [{ name: 'a', partitions: 1, replicationFactor: 1 }])
  t.equal(sent[0].request.validateOnly, false)
  t.equal(r.numPartitions, -1, 'v2-4 do not report partitions')
})

t.test('listOffsets splits per leader and retries a partition whose leader moved', async (t) => {
  let leaderOfP1 = 2
  const meta = (): Map<string, TopicMetadata> =>
    new Map([
      [
        't',
        {
          name: 't',
          topicId: 'x',
          isInternal: false,
          errorCode: 0,
          partitions: [
            { partition: 0, leader: 1, leaderEpoch: 0, replicas: [1], isr: [1], offlineReplicas: [], errorCode: 0 },
            { partition: 1, leader: leaderOfP1, leaderEpoch: 0, replicas: [2], isr: [2], offlineReplicas: [], errorCode: 0 },
          ],
        },
      ],
    ])
  const { ctx, sent, calls } = fakeCluster(
    9,
    (s) => {
      const node = (s.target as { nodeId: number }).nodeId
      // Broker 2 is no longer the leader: the next metadata names broker 1.
      if (node === 2) leaderOfP1 = 1
      const topics = s.request.topics as Array<{ name: string; partitions: Array<{ partitionIndex: number; timestamp: bigint }> }>
      return {
        topics: topics.map((x) => ({
          name: x.name,
          partitions: x.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: node === 2 ? 6 : 0,
            timestamp: -1n,
            offset: BigInt(10 * (p.partitionIndex + 1)),
            leaderEpoch: 0,
          })),
        })),
      }
    },
    {
      metadata: async () => meta(),
    },
  )
  const rs = await listOffsets(ctx, [
    { topic: 't', partition: 0, at: 'latest' },
    { topic: 't', partition: 1, at: 'maxTimestamp' },
    { topic: 't', partition: 7, at: 'earliest' },
  ], { isolationLevel: 'read_committed' })
  t.same(sent.map((s) => (s.target as { nodeId: number }).nodeId).slice(0, 2).sort(), [1, 2], 'one request per leader')
  t.equal((sent[0].request as { isolationLevel: number }).isolationLevel, 1)
  t.equal((sent[0].request as { replicaId: number }).replicaId, -1)
  t.same(rs.map((r) => [r.partition, r.offset, r.errorName]), [[0, 10n, 'NONE'], [1, 20n, 'NONE'], [7, -1n, 'UNKNOWN_TOPIC_OR_PARTITION']])
  t.ok(calls.includes('invalidate t'))
  const last = sent[sent.length - 1]
  t.same(last.target, { nodeId: 1 })
  t.match(last.request.topics, [{ name: 't', partitions: [{ partitionIndex: 1, timestamp: -3n }] }])
})

t.test('describeGroups goes to each coordinator and retries NOT_COORDINATOR', async (t) => {
  const coordinatorOf: Record<string, number> = { g1: 1, g2: 2 }
  let firstG2 = true
  const { ctx, sent, calls } = fakeCluster(
    5,
    (s) => {
      // Neither group is on the consumer protocol: ConsumerGroupDescribe says GROUP_ID_NOT_FOUND.
      if (s.api === 'ConsumerGroupDescribe') return { groups: (s.request.groupIds as string[]).map((g) => ({ groupId: g, errorCode: 69, errorMessage: null, members: [] })) }
      const groups = s.request.groups as string[]
      return {
        groups: groups.map((g) => {
          const moved = g === 'g2' && firstG2
          if (g === 'g2') firstG2 = false
          return { groupId: g, errorCode: moved ? 16 : 0, groupState: 'Empty', protocolType: '', protocolData: '', members: [] }
        }),
      }
    },
    { coordinator: async (_type: string, key: string) => ({ nodeId: coordinatorOf[key] }) },
  )
  const rs = await describeGroups(ctx, ['g1', 'g2'])
  t.same(rs.map((r) => [r.groupId, r.errorCode, r.state, r.type]), [['g1', 0, 'Empty', 'classic'], ['g2', 0, 'Empty', 'classic']])
  const describes = sent.filter((s) => s.api === 'DescribeGroups')
  t.equal(describes.length, 3)
  t.same(calls, ['invalidateCoordinator g2'])
  t.equal(describes[0].request.includeAuthorizedOperations, false)
})

t.test('broker config resources go to that broker, topic ones to any broker', async (t) => {
  const { ctx, sent } = fakeCluster(4, (s) => {
    const resources = s.request.resources as Array<{ resourceType: number; resourceName: string }>
    return {
      results: resources.map((r) => ({
        errorCode: 0,
        errorMessage: null,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: [{ name: 'k', value: 'v', readOnly: false, configSource: 4, isSensitive: false, synonyms: [], configType: 2, documentation: null }],
      })),
    }
  })
  const rs = await describeConfigs(ctx, [
    { type: 'topic', name: 'a' },
    { type: 'broker', name: '2' },
    { type: 'topic', name: 'b', keys: ['k'] },
    { type: 'brokerLogger', name: '9' },
  ])
  t.same(sent.map((s) => (s.target === 'any' ? 'any' : (s.target as { nodeId: number }).nodeId)).sort(), [2, 'any'])
  const toAny = sent.find((s) => s.target === 'any')
  t.match(toAny?.request.resources, [{ resourceType: 2, resourceName: 'a', configurationKeys: null }, { resourceType: 2, resourceName: 'b', configurationKeys: ['k'] }])
  t.same(rs.map((r) => [r.type, r.name]), [['topic', 'a'], ['broker', '2'], ['topic', 'b'], ['brokerLogger', '9']])
  t.equal(rs[3].errorName, 'BROKER_NOT_AVAILABLE', 'an unknown broker fails its resource only')
  t.match(rs[1].configs[0], { source: 'staticBrokerConfig', isDefault: false, type: 'string' })
})

t.test('describeTransactions goes to each transaction coordinator (key type transaction) and retries NOT_COORDINATOR', async (t) => {
  const coordinatorOf: Record<string, number> = { a: 1, b: 2, c: 1 }
  const asked: string[] = []
  const invalidated: string[] = []
  let firstB = true
  const brokers = new Map([1, 2].map((id) => [id, { nodeId: id }]))
  const { ctx, sent } = fakeCluster(
    0,
    (s) => ({
      throttleTimeMs: 0,
      transactionStates: (s.request.transactionalIds as string[]).map((id) => {
        const moved = id === 'b' && firstB
        if (id === 'b') firstB = false
        const unknown = id === 'c'
        return {
          errorCode: moved ? 16 : unknown ? 105 : 0,
          transactionalId: id,
          transactionState: 'Ongoing',
          transactionTimeoutMs: 60000,
          transactionStartTimeMs: 1700000000000n,
          producerId: 7n,
          producerEpoch: 2,
          topics: [{ topic: 'orders', partitions: [0, 3] }],
        }
      }),
    }),
    {
      coordinator: async (type: string, key: string) => {
        asked.push(`${type} ${key}`)
        return brokers.get(coordinatorOf[key])
      },
      invalidateCoordinator: (type: string, key: string) => invalidated.push(`${type} ${key}`),
    },
  )
  const rs = await describeTransactions(ctx, ['a', 'b', 'c'])
  t.same(rs.map((r) => [r.transactionalId, r.errorName, r.coordinator]), [['a', 'NONE', 1], ['b', 'NONE', 2], ['c', 'TRANSACTIONAL_ID_NOT_FOUND', 1]])
  t.same(rs[0].partitions, [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 3 }])
  t.equal(rs[0].transactionStartTimeMs, 1700000000000)
  t.same(rs[2].partitions, [], 'an error item carries no partitions')
  t.ok(asked.every((a) => a.startsWith('transaction ')), 'FindCoordinator key type transaction')
  t.same(invalidated, ['transaction b'])
  t.same(sent.map((s) => s.request.transactionalIds), [['a', 'c'], ['b'], ['b']], 'ids sharing a coordinator go in one request')
})

t.test('listTransactions asks every broker, filters per version, sorts', async (t) => {
  const answer = (s: Sent) => ({
    throttleTimeMs: 0,
    errorCode: 0,
    unknownStateFilters: [],
    transactionStates: s.target === 1 ? [{ transactionalId: 'z', producerId: 1n, transactionState: 'Ongoing' }] : [{ transactionalId: 'a', producerId: 2n, transactionState: 'Empty' }],
  })
  const v2 = fakeCluster(2, answer)
  const rs = await listTransactions(v2.ctx, { states: ['Ongoing'], producerIds: [5, 6n], durationMs: 1000, transactionalIdPattern: '^a' })
  t.same(rs.map((r) => [r.transactionalId, r.coordinator, r.producerId]), [['a', 2, 2n], ['z', 1, 1n]])
  t.same(v2.sent[0].request, { stateFilters: ['Ongoing'], producerIdFilters: [5n, 6n], durationFilter: 1000n, transactionalIdPattern: '^a' })
  const v0 = fakeCluster(0, answer)
  await t.rejects(listTransactions(v0.ctx, { durationMs: 1000 }), UnsupportedVersionError, 'no duration filter before v1')
  const none = fakeCluster(0, answer)
  await listTransactions(none.ctx)
  t.same(none.sent[0].request, { stateFilters: [], producerIdFilters: [] })
})
