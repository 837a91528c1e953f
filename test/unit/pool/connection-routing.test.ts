// Connection selection by API key and owner (src/pool/connection-routing.ts), and Broker.release
// closing only its owner's connections. No broker: pools are created lazily and never connect here.
import t from 'tap'
import { ClientErrorCode } from '../../../src/client-error-codes.js'
import { ConnectionError } from '../../../src/errors.js'
import { Broker } from '../../../src/pool/broker.js'
import { ApiKey, laneFor, laneMaxConnections, laneOwnedBy, newConnectionOwner } from '../../../src/pool/connection-routing.js'
import { API_BY_KEY } from '../../../src/protocol/messages/index.js'

const consumer = newConnectionOwner('consumer')
const other = newConnectionOwner('consumer')
const producer = newConnectionOwner('producer')
const admin = newConnectionOwner('admin')

t.test('owners are unique', async (t) => {
  t.not(consumer.id, other.id)
  t.equal(consumer.kind, 'consumer')
  t.ok(Object.isFrozen(consumer))
})

t.test('API keys match the generated protocol', async (t) => {
  for (const [name, key] of Object.entries(ApiKey)) t.equal(API_BY_KEY[key]?.name, name, `${name} is ${key}`)
})

t.test('Produce shares the produce lane, whoever sends it', async (t) => {
  for (const o of [undefined, producer, consumer, admin]) t.equal(laneFor(ApiKey.Produce, o), 'produce')
})

t.test("a consumer's own lanes", async (t) => {
  t.equal(laneFor(ApiKey.Fetch, consumer), `fetch:${consumer.id}`)
  t.not(laneFor(ApiKey.Fetch, consumer), laneFor(ApiKey.Fetch, other), "one consumer's long poll never delays another's")
  t.equal(laneFor(ApiKey.JoinGroup, consumer), `join:${consumer.id}`)
  t.equal(laneFor(ApiKey.SyncGroup, consumer), `join:${consumer.id}`)
  for (const k of [ApiKey.Heartbeat, ApiKey.LeaveGroup, ApiKey.OffsetCommit, ApiKey.OffsetFetch, ApiKey.TxnOffsetCommit]) {
    t.equal(laneFor(k, consumer), `coordinator:${consumer.id}`, `${API_BY_KEY[k]?.name}: not behind its own JoinGroup`)
    t.not(laneFor(k, consumer), laneFor(k, other), `${API_BY_KEY[k]?.name}: not behind another member's`)
  }
  for (const k of [ApiKey.Metadata, ApiKey.FindCoordinator, ApiKey.ListOffsets]) t.equal(laneFor(k, consumer), 'default', `${API_BY_KEY[k]?.name}: default lane`)
})

t.test('slow admin requests: off the default lane, per admin', async (t) => {
  for (const k of [ApiKey.CreateTopics, ApiKey.DeleteTopics, ApiKey.CreatePartitions, ApiKey.DeleteRecords, ApiKey.ElectLeaders, ApiKey.AlterPartitionReassignments]) {
    t.equal(laneFor(k, admin), `admin-slow:${admin.id}`, `${API_BY_KEY[k]?.name} from an admin`)
    t.equal(laneFor(k), 'admin-slow', `${API_BY_KEY[k]?.name} without an owner`)
  }
  for (const k of [ApiKey.Metadata, ApiKey.ListOffsets, ApiKey.OffsetFetch, ApiKey.OffsetCommit, ApiKey.FindCoordinator]) {
    t.equal(laneFor(k, admin), 'default', `${API_BY_KEY[k]?.name} from an admin: default lane`)
  }
})

t.test('without an owner (or a producer): shared lanes', async (t) => {
  for (const o of [undefined, producer]) {
    t.equal(laneFor(ApiKey.Fetch, o), 'fetch')
    t.equal(laneFor(ApiKey.JoinGroup, o), 'default')
    t.equal(laneFor(ApiKey.Heartbeat, o), 'default')
    t.equal(laneFor(ApiKey.Metadata, o), 'default')
  }
})

t.test('laneMaxConnections', async (t) => {
  t.equal(laneMaxConnections('default', 3), 3)
  t.equal(laneMaxConnections('produce', 2), 2)
  t.equal(laneMaxConnections('admin-slow', 1), 4)
  t.equal(laneMaxConnections(`admin-slow:${admin.id}`, 1), 4)
  t.equal(laneMaxConnections('admin-slow', 8), 8)
  t.equal(laneMaxConnections(`fetch:${consumer.id}`, 5), 1, 'one fetch connection per consumer and broker')
  t.equal(laneMaxConnections(`join:${consumer.id}`, 5), 1)
  t.equal(laneMaxConnections(`coordinator:${consumer.id}`, 5), 1)
  t.equal(laneMaxConnections('fetch', 5), 1)
})

t.test('laneOwnedBy', async (t) => {
  t.ok(laneOwnedBy(`fetch:${consumer.id}`, consumer))
  t.notOk(laneOwnedBy(`fetch:${consumer.id}`, other))
  t.ok(laneOwnedBy(`admin-slow:${admin.id}`, admin))
  for (const lane of ['default', 'produce', 'fetch', 'admin-slow'] as const) t.notOk(laneOwnedBy(lane, consumer), `${lane} is shared`)
  // Owner ids 1 and 11: the lane's owner id is matched whole.
  t.notOk(laneOwnedBy('fetch:11', { kind: 'consumer', id: 1 }), 'fetch:11 is not owner 1\'s')
  t.ok(laneOwnedBy('fetch:11', { kind: 'consumer', id: 11 }))
})

t.test('Broker.release closes only the owner’s pools', async (t) => {
  const broker = new Broker({ nodeId: 1, host: '127.0.0.1', port: 1 }, {})
  const mine = [broker.pool(laneFor(ApiKey.Fetch, consumer)), broker.pool(laneFor(ApiKey.JoinGroup, consumer)), broker.pool(laneFor(ApiKey.Heartbeat, consumer))]
  const theirs = broker.pool(laneFor(ApiKey.Fetch, other))
  const shared = [broker.pool('default'), broker.pool('produce'), broker.pool('admin-slow')]
  const adminPool = broker.pool(laneFor(ApiKey.CreateTopics, admin))
  await broker.release(consumer)
  for (const p of mine) {
    const err = (() => {
      try {
        p.tryLease()
        return null
      } catch (e) {
        return e
      }
    })()
    t.ok(err instanceof ConnectionError && err.code === ClientErrorCode.CONNECTION_CLOSED, 'owned pool closed')
  }
  for (const p of mine) t.not(broker.pool(laneFor(ApiKey.Fetch, consumer)), p, 'a later request gets a new pool')
  t.equal(broker.pool(laneFor(ApiKey.Fetch, other)), theirs, "another consumer's pool is kept")
  t.same(shared.map((p, i) => broker.pool((['default', 'produce', 'admin-slow'] as const)[i]) === p), [true, true, true], 'shared pools are kept')
  t.equal(broker.pool(laneFor(ApiKey.CreateTopics, admin)), adminPool, "the admin's pool is kept")
  await broker.release(admin)
  t.not(broker.pool(laneFor(ApiKey.CreateTopics, admin)), adminPool, "the admin's pool closed with it")
  await broker.close()
})
