// The gateway's limits and bad input: malformed RESP, a request over maxRequestBytes, too many
// connections, and a client that does not read its replies. Real clients (node-redis,
// redis-cli) where they can send the input; a raw TCP socket only for what no Redis client
// sends (malformed RESP, a client that never reads), as the test says where it does.
import { execFile } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import { promisify } from 'node:util'
import t from 'tap'
import { waitFor } from '../../helpers/cluster.js'
import { errorOf, startGateway } from './gateway-fixture.js'

const run = promisify(execFile)

const f = await startGateway({ maxConnections: 4, maxRequestBytes: 4096, maxReplyBufferBytes: 64 * 1024 })
t.teardown(() => f.close())

function raw(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(f.port, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
}

/** Everything the gateway writes until it closes the socket. */
function readAll(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let out = ''
    s.on('data', (b: Buffer) => {
      out += b.toString('latin1')
    })
    s.on('close', () => resolve(out))
  })
}

t.test('malformed RESP: an error, that connection closed, the others unaffected', async (t) => {
  const c = await f.client()
  // Raw socket: no Redis client sends malformed RESP.
  for (const [bytes, message] of [
    ['*1\r\n:4\r\nPING\r\n', "-ERR Protocol error: expected '$', got ':'\r\n"],
    ['*x\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ['*1\r\n$-5\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['PING\r\nset a "b\r\n', '+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n'],
  ]) {
    const s = await raw()
    const all = readAll(s)
    s.write(bytes)
    t.equal(await all, message, JSON.stringify(bytes))
  }
  t.equal(await c.sendCommand(['PING']), 'PONG')
})

t.test('a request over maxRequestBytes: an error and the connection closed', async (t) => {
  const c = await f.client()
  t.equal(await errorOf(c.sendCommand(['RPUSHX', 'topics:x', 'v'.repeat(10_000)])), 'ERR Protocol error: request larger than maxRequestBytes (4096 bytes)')
  await waitFor('the connection closed', async () => !c.isOpen)
  const other = await f.client()
  t.equal(await other.sendCommand(['PING']), 'PONG')
})

t.test('maxConnections: one more is answered an error and closed (redis-cli)', async (t) => {
  f.closeClients()
  await waitFor('earlier connections gone', async () => f.gateway.connectionCount === 0)
  const held = await Promise.all([f.client(), f.client(), f.client(), f.client()])
  const { stdout } = await run('redis-cli', ['-p', String(f.port), 'ping'])
  t.match(stdout, /max number of clients reached/)
  for (const c of held) await c.quit()
  await waitFor('slots free again', async () => f.gateway.connectionCount === 0)
  t.equal((await run('redis-cli', ['-p', String(f.port), 'ping'])).stdout.trim(), 'PONG')
})

t.test('a client that does not read stalls no one else and loses nothing', async (t) => {
  f.closeClients()
  await waitFor('earlier connections gone', async () => f.gateway.connectionCount === 0)
  // Raw socket: a Redis client always reads its replies.
  const slow = await raw()
  slow.pause()
  // 7 MB of replies: more than the kernel's socket buffers hold, so the gateway's own buffer fills.
  const n = 1_000_000
  slow.write('PING\r\n'.repeat(n))
  const conn = await (async () => {
    let found
    await waitFor('the slow connection', async () => {
      found = [...f.gateway.clients.values()][0]
      return found !== undefined
    })
    return found as unknown as { socket: Socket }
  })()
  await waitFor('its replies back up', async () => conn.socket.writableLength > 64 * 1024)
  const c = await f.client()
  t.equal(await c.sendCommand(['PING']), 'PONG', 'another client is answered')
  t.ok(conn.socket.writableLength < 64 * 1024 + 1024 * 1024, `the slow client's unwritten replies stay bounded (${conn.socket.writableLength} bytes)`)
  let got = 0
  slow.on('data', (b: Buffer) => {
    got += b.length
  })
  slow.resume()
  await waitFor('every reply read', async () => got >= n * 7, 60_000)
  t.equal(got, n * 7, 'every PONG arrived')
  slow.destroy()
})
