// KIP-1102 re-bootstrap and the topic-id cache, with scripted peers: a real broker can't be made
// to answer REBOOTSTRAP_REQUIRED, nor to move to another address, nor to re-create a topic id on
// demand between two of our requests. Each peer answers ApiVersions and Metadata from a script.
import t from 'tap'
import net from 'node:net'
import { Cluster } from '../../../src/pool/cluster.js'
import { ApiVersions } from '../../../src/protocol/messages/api-versions.js'
import { API_BY_KEY } from '../../../src/protocol/messages/index.js'
import { Metadata, type MetadataResponse } from '../../../src/protocol/messages/metadata.js'
import { Writer } from '../../../src/protocol/writer.js'

interface ScriptedPeer {
  port: number
  /** Metadata requests answered. */
  metadataRequests: number
  /** What the next Metadata request gets. */
  answer: (port: number) => MetadataResponse
  close: () => Promise<void>
}

function frame(correlationId: number, headerVersion: number, body: (w: Writer) => void): Buffer {
  const w = new Writer(1024)
  const sizeAt = w.reserve(4)
  w.int32(correlationId)
  if (headerVersion >= 1) w.uvarint(0)
  body(w)
  w.int32At(sizeAt, w.offset - 4)
  return Buffer.from(w.view())
}

async function scriptedPeer(answer: (port: number) => MetadataResponse): Promise<ScriptedPeer> {
  const sockets = new Set<net.Socket>()
  const peer: ScriptedPeer = { port: 0, metadataRequests: 0, answer, close: async () => {} }
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    let buf = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const req = buf.subarray(4, 4 + buf.readInt32BE(0))
        buf = buf.subarray(4 + req.length)
        const apiKey = req.readInt16BE(0)
        const version = req.readInt16BE(2)
        const correlationId = req.readInt32BE(4)
        if (apiKey === ApiVersions.apiKey) {
          const apiKeys = API_BY_KEY.flatMap((api) => (api === undefined ? [] : [{ apiKey: api.apiKey, minVersion: api.minVersion, maxVersion: api.maxVersion }]))
          socket.write(frame(correlationId, 0, (w) => ApiVersions.encodeResponse(w, version, { errorCode: 0, apiKeys, throttleTimeMs: 0 })))
        } else if (apiKey === Metadata.apiKey) {
          peer.metadataRequests++
          const res = peer.answer(peer.port)
          socket.write(frame(correlationId, Metadata.responseHeaderVersion(version), (w) => Metadata.encodeResponse(w, version, res)))
        } else {
          socket.destroy()
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  peer.port = (server.address() as net.AddressInfo).port
  peer.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return peer
}

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
