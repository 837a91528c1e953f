import t from 'tap'
import { resolveConsumerOptions } from '../../../src/consumer/consumer-options.js'
import { ConfigError } from '../../../src/errors.js'

t.test('defaults follow the Java client', async (t) => {
  const o = resolveConsumerOptions({ groupId: 'g', topics: ['a', 'a'] })
  t.same(o.subscription?.names, ['a'])
  t.equal(o.groupProtocol, 'classic')
  t.equal(o.groupRemoteAssignor, null)
  t.equal(o.sessionTimeoutMs, 45_000)
  t.equal(o.maxPollIntervalMs, 300_000)
  t.equal(o.heartbeatIntervalMs, 3_000)
  t.equal(o.maxWaitMs, 500)
  t.equal(o.minBytes, 1)
  t.equal(o.maxBytes, 52_428_800)
  t.equal(o.maxPartitionBytes, 1_048_576)
  t.equal(o.autoCommit, false)
  t.equal(o.resetStrategy, 'latest')
  t.same(o.assignors.map((a) => a.name), ['range'])
})

t.test('assignors resolve by option or protocol name', async (t) => {
  const o = resolveConsumerOptions({ groupId: 'g', topics: ['a'], assignors: ['cooperativeSticky', 'roundrobin'] })
  t.same(o.assignors.map((a) => a.name), ['cooperative-sticky', 'roundrobin'])
  t.throws(() => resolveConsumerOptions({ groupId: 'g', topics: ['a'], assignors: ['sticky' as never] }), ConfigError)
})

t.test('invalid combinations are ConfigErrors naming the field', async (t) => {
  t.throws(() => resolveConsumerOptions({ topics: ['a'] }), { code: 'INVALID_CONFIG', message: /groupId/ })
  t.throws(() => resolveConsumerOptions({ groupId: 'g', topics: ['a'], assignments: [{ topic: 'a', partition: 0 }] }), { code: 'INVALID_CONFIG' })
  t.throws(() => resolveConsumerOptions({ assignments: [{ topic: 'a', partition: 0, offset: 'committed' }] }), { message: /groupId/ })
  t.throws(() => resolveConsumerOptions({ assignments: [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 0 }] }), { message: /twice/ })
  t.throws(() => resolveConsumerOptions({ groupId: 'g', topics: ['a'], sessionTimeoutMs: 1000, heartbeatIntervalMs: 3000 }), { message: /heartbeatIntervalMs/ })
  t.throws(() => resolveConsumerOptions({ groupId: 'g', topics: ['a'], maxBytes: -1 }), { message: /maxBytes/ })
})

t.test('partition consumer offsets: numbers, bigints, negatives and names', async (t) => {
  const o = resolveConsumerOptions({
    assignments: [
      { topic: 'a', partition: 0, offset: 5 },
      { topic: 'a', partition: 1, offset: 7n },
      { topic: 'a', partition: 2, offset: -10 },
      { topic: 'a', partition: 3, offset: 'earliest' },
    ],
  })
  t.equal(o.assignments?.length, 4)
  t.equal(o.groupId, null)
})

t.test('unknown option keys are ConfigErrors (issue 13 item 6)', async (t) => {
  t.throws(() => resolveConsumerOptions({ groupId: 'g', topics: ['a'], sesionTimeoutMs: 10_000 } as never), { code: 'INVALID_CONFIG', message: /sesionTimeoutMs/ })
})

t.test('maxPollIntervalMs, with rebalanceTimeoutMs as its deprecated alias', async (t) => {
  t.equal(resolveConsumerOptions({ groupId: 'g', topics: ['a'], maxPollIntervalMs: 5_000 }).maxPollIntervalMs, 5_000)
  t.equal(resolveConsumerOptions({ groupId: 'g', topics: ['a'], rebalanceTimeoutMs: 7_000 }).maxPollIntervalMs, 7_000)
  t.equal(resolveConsumerOptions({ groupId: 'g', topics: ['a'], maxPollIntervalMs: 5_000, rebalanceTimeoutMs: 7_000 }).maxPollIntervalMs, 5_000)
  t.throws(() => resolveConsumerOptions({ groupId: 'g', topics: ['a'], maxPollIntervalMs: 0 }), { message: /maxPollIntervalMs/ })
})

t.test('group protocol options', async (t) => {
  const o = resolveConsumerOptions({ groupId: 'g', topics: ['a', /b-.*/], groupProtocol: 'consumer', groupRemoteAssignor: 'range' })
  t.equal(o.groupProtocol, 'consumer')
  t.equal(o.groupRemoteAssignor, 'range')
  t.same(o.subscription?.names, ['a'])
  t.equal(o.subscription?.patterns.length, 1)
  t.throws(() => resolveConsumerOptions({ groupId: 'g', topics: ['a'], groupProtocol: 'consumer', assignors: ['range'] }), ConfigError)
  t.throws(() => resolveConsumerOptions({ groupId: 'g', topics: ['a'], groupRemoteAssignor: 'uniform' }), ConfigError)
  t.throws(() => resolveConsumerOptions({ groupId: 'g', topics: ['a'], groupProtocol: 'kip848' as 'consumer' }), ConfigError)
  t.throws(() => resolveConsumerOptions({ groupId: 'g', topics: ['a'], groupProtocol: 'consumer', groupRemoteAssignor: 'sticky' as 'range' }), ConfigError)
  t.equal(resolveConsumerOptions({ groupId: 'g' }).subscription, null, 'a groupId alone: subscribe() later')
  t.throws(() => resolveConsumerOptions({}), ConfigError)
})
