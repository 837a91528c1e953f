// KIP-1102 re-bootstrap and the topic-id cache, with scripted peers: a real broker can't be made
// to answer REBOOTSTRAP_REQUIRED, nor to move to another address, nor to re-create a topic id on
// demand between two of our requests. Each peer answers ApiVersions and Metadata from a script.
import t from 'tap'
import { Cluster } from '../../../src/pool/cluster.js'
import type { MetadataResponse } from '../../../src/protocol/messages/metadata.js'
import { scriptedPeer } from '../../helpers/scripted-peer.js'

const TOPIC_ID_1 = 'AAAAAAAAAAAAAAAAAAAAAQ'
const TOPIC_ID_2 = 'AAAAAAAAAAAAAAAAAAAAAg'

/** A one-broker cluster whose broker (node 1) is at `brokerPort`, with topic `t` under `topicId`. */
function metadata(brokerPort: number, topicId = TOPIC_ID_1, errorCode = 0): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: '127.0.0.1', port: brokerPort, rack: null }],
    clusterId: 'scripted',
    controllerId: 1,
    topics: [{ errorCode: 0, name: 't', topicId, isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }], topicAuthorizedOperations: -2147483648 }],
    errorCode,
  }
}

function newCluster(bootstrapPort: number): Cluster {
  return new Cluster({
    bootstrapServers: [`127.0.0.1:${bootstrapPort}`],
    connection: { requestTimeoutMs: 2000, connectTimeoutMs: 1000 },
    retry: { retryBackoffMs: 10, retryBackoffMaxMs: 50 },
    defaultApiTimeoutMs: 10_000,
  })
}

t.test('every known broker gone: the refresh finds the cluster again through the bootstrap list', async (t) => {
  const first = await scriptedPeer((port) => metadata(port))
  const moved = await scriptedPeer((port) => metadata(port))
  // The bootstrap address names the broker at `first` at first, and at `moved` after it moved.
  let brokerPort = first.port
  const bootstrap = await scriptedPeer(() => metadata(brokerPort))
  t.teardown(() => Promise.all([first.close(), moved.close(), bootstrap.close()]))
  const cluster = newCluster(bootstrap.port)
  t.teardown(() => cluster.close())

  await cluster.metadata(['t'])
  t.same(cluster.brokerList().map((b) => b.port), [first.port], 'the known broker')
  await cluster.metadata(['t'], { force: true })
  t.ok(first.metadataRequests >= 1, 'a refresh asks the known broker')

  await first.close()
  brokerPort = moved.port
  const before = bootstrap.metadataRequests
  await cluster.metadata(['t'], { force: true })
  t.ok(bootstrap.metadataRequests > before, 'the bootstrap address was asked again')
  t.same(cluster.brokerList().map((b) => b.port), [moved.port], 'the broker at its new address')
  const leader = await cluster.leaderFor('t', 0)
  t.equal(leader.address.port, moved.port)
})

t.test('Metadata v13 REBOOTSTRAP_REQUIRED sends the refresh to the bootstrap list', async (t) => {
  let rebootstrapRequired = false
  const known = await scriptedPeer((port) => metadata(port, TOPIC_ID_1, rebootstrapRequired ? 129 : 0))
  const bootstrap = await scriptedPeer(() => metadata(known.port))
  t.teardown(() => Promise.all([known.close(), bootstrap.close()]))
  const cluster = newCluster(bootstrap.port)
  t.teardown(() => cluster.close())

  await cluster.metadata(['t'])
  rebootstrapRequired = true
  const before = bootstrap.metadataRequests
  const knownBefore = known.metadataRequests
  await cluster.metadata(['t'], { force: true })
  t.equal(known.metadataRequests, knownBefore + 1, 'the known broker answered REBOOTSTRAP_REQUIRED once')
  t.equal(bootstrap.metadataRequests, before + 1, 'then the bootstrap address answered')
  t.equal(cluster.topicId('t'), TOPIC_ID_1)
})

t.test('the topic-id cache: a re-created topic replaces its old id', async (t) => {
  let topicId = TOPIC_ID_1
  const broker = await scriptedPeer((port) => metadata(port, topicId))
  t.teardown(() => broker.close())
  const cluster = newCluster(broker.port)
  t.teardown(() => cluster.close())

  t.same([...(await cluster.topicIds(['t']))], [['t', TOPIC_ID_1]], 'topicIds refreshes metadata for an unknown id')
  t.equal(cluster.topicId('t'), TOPIC_ID_1)
  t.equal(cluster.topicName(TOPIC_ID_1), 't')
  const requests = broker.metadataRequests
  await cluster.topicIds(['t'])
  t.equal(broker.metadataRequests, requests, 'a cached id costs no request')

  topicId = TOPIC_ID_2
  await cluster.metadata(['t'], { force: true })
  t.equal(cluster.topicId('t'), TOPIC_ID_2, 'the new id')
  t.equal(cluster.topicName(TOPIC_ID_2), 't')
  t.equal(cluster.topicName(TOPIC_ID_1), undefined, 'the old id names nothing any more')
})
