// A fake peer, because a real broker never sends garbage, a 2 GB length prefix or half a frame
// on demand. It answers the first request (ApiVersions) in a faulty way; the connection must
// fail with a KafkaError, no crash, no large allocation, no hang.
import t, { type Test } from 'tap'
import net from 'node:net'
import { Connection } from '../../../src/pool/connection.js'
import { ConnectionError, KafkaError, KafkaProtocolError, RequestTimeoutError } from '../../../src/errors.js'

type Behaviour = (socket: net.Socket, request: Buffer) => void

async function fakePeer(behaviour: Behaviour): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.once('data', (request) => behaviour(socket, request))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

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

function correlationIdOf(request: Buffer): number {
  return request.readInt32BE(8)
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
