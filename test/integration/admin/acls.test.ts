import t from 'tap'
import type { Kafka } from '../../../src/client.js'
import { errorInfo, ErrorCode, responseError } from '../../../src/protocol/error-codes.js'
import { Produce } from '../../../src/protocol/messages/produce.js'
import { encodeRecordBatchSync } from '../../../src/protocol/records/index.js'
import { clusterFile, newSaslKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'

const { plain, alice } = clusterFile().users
// ACL APIs need ALTER on the cluster: use the PLAIN super user.
const kafka = newSaslKafka({ mechanism: 'PLAIN', username: plain.username, password: plain.password })
const admin = kafka.admin()
const aliceKafka = newSaslKafka({ mechanism: 'PLAIN', username: alice.username, password: alice.password })
t.teardown(async () => {
  await aliceKafka.disconnectAll()
  await kafka.disconnectAll()
})

/**
 * Alice's raw Produce to partition 0: returns its error code. The leader comes from the
 * admin's metadata, since a DENY ACL on the topic also hides it from alice's Metadata.
 */
async function aliceProduces(k: Kafka, topic: string): Promise<number> {
  const records = encodeRecordBatchSync([{ key: null, value: Buffer.from('hello') }])
  return k.cluster.withRetry(async () => {
    const described = (await admin.metadata([topic])).topics[0]
    const leader = described.partitions[0]?.leader ?? -1
    if (leader < 0) throw responseError(ErrorCode.LEADER_NOT_AVAILABLE, null, topic)
    await k.cluster.refreshAllTopics()
    const res = await k.cluster.send(
      leader,
      Produce,
      // Produce v13 names the topic by id; the admin's metadata has it (alice's may hide the topic).
      (v) => ({ transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ ...(v >= 13 ? { topicId: described.topicId } : { name: topic }), partitionData: [{ index: 0, records }] }] }),
    )
    const code = res.responses[0].partitionResponses[0].errorCode
    if (code !== 0 && errorInfo(code).retriable) throw responseError(code, null, `produce to ${topic}`)
    return code
  })
}

t.test('a DENY WRITE ACL stops alice producing until it is deleted', async (t) => {
  const topic = uniqueTopic('admin-acl')
  const [created] = await admin.createTopics([{ name: topic, partitions: 1 }])
  t.equal(created.errorCode, 0)
  t.teardown(() => admin.deleteTopics([topic]))
  t.equal(await aliceProduces(aliceKafka, topic), 0, 'no ACL: allowed (allow.everyone.if.no.acl.found)')

  const principal = `User:${alice.username}`
  const binding = { resourceType: 'topic', resourceName: topic, patternType: 'literal', principal, host: '*', operation: 'write', permissionType: 'deny' } as const
  const [res] = await admin.createAcls([binding])
  t.equal(res.errorCode, 0, res.errorMessage ?? '')
  t.same(res.acl, binding)

  await waitFor('the ACL to act', async () => (await aliceProduces(aliceKafka, topic)) === 29)
  t.pass('produce refused with TOPIC_AUTHORIZATION_FAILED (29)')

  const described = await admin.describeAcls({ resourceType: 'topic', resourceName: topic })
  t.same(described, [{ resourceType: 'topic', resourceName: topic, patternType: 'literal', principal, host: '*', operation: 'write', permissionType: 'deny' }])
  const byPrincipal = await admin.describeAcls({ principal, resourceType: 'topic', patternType: 'match', resourceName: topic })
  t.equal(byPrincipal.length, 1, 'match filter finds the literal ACL')
  t.same(await admin.describeAcls({ resourceType: 'topic', resourceName: topic, operation: 'read' }), [], 'operation filter')

  const [deleted, none] = await admin.deleteAcls([
    { resourceType: 'topic', resourceName: topic, patternType: 'literal', principal },
    { resourceType: 'topic', resourceName: 'nothing-' + topic },
  ])
  t.equal(deleted.errorCode, 0)
  t.equal(deleted.matchingAcls.length, 1)
  t.match(deleted.matchingAcls[0], { resourceName: topic, operation: 'write', permissionType: 'deny', errorCode: 0 })
  t.same(none.matchingAcls, [])

  await waitFor('the ACL to be lifted', async () => (await aliceProduces(aliceKafka, topic)) === 0)
  t.pass('produce allowed again')
  t.same(await admin.describeAcls({ resourceType: 'topic', resourceName: topic }), [])
})

t.test('prefixed ACLs and per-ACL errors', async (t) => {
  const prefix = uniqueTopic('admin-acl-prefix')
  const principal = `User:${alice.username}`
  const acl = { resourceType: 'topic', resourceName: prefix, patternType: 'prefixed', principal, operation: 'read', permissionType: 'allow' } as const
  const [ok, bad] = await admin.createAcls([acl, { ...acl, resourceType: 'cluster', resourceName: 'not-kafka-cluster', patternType: 'literal' }])
  t.equal(ok.errorCode, 0)
  t.not(bad.errorCode, 0, 'a cluster ACL must name kafka-cluster')
  // Brokers learn ACLs from the metadata log: asynchronously.
  const filter = { resourceType: 'topic', resourceName: prefix + '-orders', patternType: 'match' } as const
  await waitFor('the ACL to reach the broker', async () => (await admin.describeAcls(filter)).length > 0)
  const matching = await admin.describeAcls(filter)
  t.match(matching, [{ resourceName: prefix, patternType: 'prefixed', host: '*' }])
  const [d] = await admin.deleteAcls([{ resourceType: 'topic', resourceName: prefix, patternType: 'prefixed' }])
  t.equal(d.matchingAcls.length, 1)
})
