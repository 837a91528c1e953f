// A fake peer (test/helpers/fake-peer.ts), because a real broker never sends garbage, a 2 GB
// length prefix or half a frame on demand, and cannot be made silent on demand either (short of
// SIGSTOP on a broker that other tests share). It answers the first request (ApiVersions) in a
// faulty way; the connection must fail with a KafkaError, no crash, no large allocation, no hang. The last tests answer
// ApiVersions properly and then go silent, as a dead NAT entry or a hung broker does.
import t, { type Test } from 'tap'
import { Connection } from '../../../src/pool/connection.js'
import { ConnectionPool } from '../../../src/pool/connection-pool.js'
import { ConnectionError, KafkaError, KafkaProtocolError, RequestTimeoutError } from '../../../src/errors.js'
import { ClientErrorCode } from '../../../src/client-error-codes.js'
import { Metadata } from '../../../src/protocol/messages/metadata.js'
import { apiVersionsAnswer, type Behaviour, correlationIdOf, fakePeer } from '../../helpers/fake-peer.js'

async function connectTo(t: Test, behaviour: Behaviour, requestTimeoutMs = 3000): Promise<unknown> {
  const peer = await fakePeer(behaviour)
  t.teardown(peer.close)
  const conn = new Connection({ host: '127.0.0.1', port: peer.port, requestTimeoutMs, maxResponseBytes: 1024 * 1024 })
  const heapBefore = process.memoryUsage().arrayBuffers
  const err = await conn.connect().then(() => null, (e: unknown) => e)
  t.ok(process.memoryUsage().arrayBuffers - heapBefore < 64 * 1024 * 1024, 'no large allocation')
  t.equal(conn.closed, true, 'the connection is closed')
  return err
}

t.test('garbage bytes', async (t) => {
  const err = await connectTo(t, (s) => s.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')))
  t.type(err, KafkaProtocolError)
})

t.test('a 2 GB length prefix', async (t) => {
  const err = await connectTo(t, (s) => s.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0])))
  t.type(err, KafkaProtocolError)
  t.match((err as Error).message, /frame size 2147483647/)
})

t.test('a negative length prefix', async (t) => {
  const err = await connectTo(t, (s) => s.write(Buffer.from([0x80, 0, 0, 0])))
  t.type(err, KafkaProtocolError)
})

t.test('closing mid-frame', async (t) => {
  const err = await connectTo(t, (s, req) => {
    const head = Buffer.alloc(8)
    head.writeInt32BE(100, 0)
    head.writeInt32BE(correlationIdOf(req), 4)
    s.end(head)
  })
  t.type(err, ConnectionError)
  t.equal((err as ConnectionError).retriable, true)
})

t.test('a well-framed response whose body is garbage', async (t) => {
  const err = await connectTo(t, (s, req) => {
    const frame = Buffer.alloc(4 + 4 + 3)
    frame.writeInt32BE(7, 0)
    frame.writeInt32BE(correlationIdOf(req), 4)
    frame.write('\x00\x00\xff', 8, 'latin1')
    s.write(frame)
  })
  t.type(err, KafkaProtocolError)
})

t.test('silence: the request times out', async (t) => {
  const err = await connectTo(t, () => {}, 300)
  t.type(err, RequestTimeoutError)
  t.equal((err as KafkaError).retriable, true)
})

t.test('a refused connection', async (t) => {
  const peer = await fakePeer(() => {})
  await peer.close()
  const conn = new Connection({ host: '127.0.0.1', port: peer.port })
  const err = await conn.connect().then(() => null, (e: unknown) => e)
  t.type(err, ConnectionError)
  t.equal((err as ConnectionError).retriable, true)
})

/** A peer that answers ApiVersions on each connection, then never answers again. Counts connections. */
async function silentAfterHandshake(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const peer = await fakePeer((socket, request, nth) => {
    if (nth === 0) socket.write(apiVersionsAnswer(request))
  })
  return { ...peer, connections: peer.accepted }
}

const metadataRequest = (): { topics: []; allowAutoTopicCreation: boolean; includeClusterAuthorizedOperations: boolean; includeTopicAuthorizedOperations: boolean } => ({
  topics: [],
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
})

t.test('silence after the handshake: a timed-out request drops the connection', async (t) => {
  const peer = await silentAfterHandshake()
  t.teardown(peer.close)
  const conn = new Connection({ host: '127.0.0.1', port: peer.port, requestTimeoutMs: 5000 })
  await conn.connect()
  const slow = conn.request(Metadata, metadataRequest).then(() => null, (e: unknown) => e)
  const timedOut = await conn.request(Metadata, metadataRequest, { timeoutMs: 200 }).then(() => null, (e: unknown) => e)
  t.type(timedOut, RequestTimeoutError, 'the request times out')
  t.equal(conn.closed, true, 'the connection is dropped at once, as the Java client does')
  const other = await slow
  t.type(other, ConnectionError, 'the other in-flight request fails at once, not after its own timeout')
  t.equal((other as ConnectionError).retriable, true, 'retriable')
  t.equal((other as ConnectionError).code, ClientErrorCode.CONNECTION_TIMED_OUT)
})

t.test('silence after the handshake: the pool opens a new connection on the next lease', async (t) => {
  const peer = await silentAfterHandshake()
  t.teardown(peer.close)
  const pool = new ConnectionPool({ host: '127.0.0.1', port: peer.port, requestTimeoutMs: 200 }, 1)
  t.teardown(() => pool.destroy())
  const first = pool.tryLease()
  t.ok(first)
  const err = await first!.request(Metadata, metadataRequest).then(() => null, (e: unknown) => e)
  t.type(err, RequestTimeoutError)
  const second = await pool.lease()
  t.not(second, first, 'a new connection, although the pool is at maxConnections')
  await second.connect()
  t.equal(peer.connections(), 2, 'the peer saw a second connection')
  const again = await second.request(Metadata, metadataRequest).then(() => null, (e: unknown) => e)
  t.type(again, RequestTimeoutError, 'and its requests time out too, while the peer stays silent')
})
