/**
 * A fake Kafka peer: a local TCP server whose answers the test chooses. Needed because a real
 * broker never sends garbage, half a frame or a 2 GB length prefix on demand, and cannot be made
 * silent on demand either (short of SIGSTOP on a broker other tests share). Requests are split
 * into frames (4-byte size prefix); `behaviour` gets each whole frame, size prefix included, and
 * its index on its socket (0 is the client's ApiVersions). Not a test itself.
 */
import net from 'node:net'
import { ApiVersions } from '../../src/protocol/messages/api-versions.js'
import { API_BY_KEY } from '../../src/protocol/messages/index.js'
import { Writer } from '../../src/protocol/writer.js'

/** What the peer does with one request frame (`nth` counts the frames of this socket from 0). */
export type Behaviour = (socket: net.Socket, request: Buffer, nth: number) => void

export interface FakePeer {
  port: number
  /** Connections accepted so far. */
  accepted(): number
  /** Destroys every socket and stops listening. */
  close(): Promise<void>
}

export async function fakePeer(behaviour: Behaviour): Promise<FakePeer> {
  const sockets = new Set<net.Socket>()
  let accepted = 0
  const server = net.createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    let buffered = Buffer.alloc(0)
    let nth = 0
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const size = 4 + buffered.readInt32BE(0)
        const frame = buffered.subarray(0, size)
        buffered = buffered.subarray(size)
        if (!socket.destroyed) behaviour(socket, frame, nth++)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** The request header fields of a request frame (size prefix included). */
export const apiKeyOf = (request: Buffer): number => request.readInt16BE(4)
export const apiVersionOf = (request: Buffer): number => request.readInt16BE(6)
export const correlationIdOf = (request: Buffer): number => request.readInt32BE(8)

/** A response frame: size prefix, correlation id, then `body` as given. */
export function responseFrame(correlationId: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeInt32BE(4 + body.length, 0)
  head.writeInt32BE(correlationId, 4)
  return Buffer.concat([head, body])
}

/** An ApiVersions response (header v0) to `request`, listing every API this client knows at its full range. */
export function apiVersionsAnswer(request: Buffer): Buffer {
  const w = new Writer(1024)
  const sizeAt = w.reserve(4)
  w.int32(correlationIdOf(request))
  const apiKeys = API_BY_KEY.flatMap((api) => (api === undefined ? [] : [{ apiKey: api.apiKey, minVersion: api.minVersion, maxVersion: api.maxVersion }]))
  ApiVersions.encodeResponse(w, apiVersionOf(request), { errorCode: 0, apiKeys, throttleTimeMs: 0 })
  w.int32At(sizeAt, w.offset - 4)
  return Buffer.from(w.view())
}
