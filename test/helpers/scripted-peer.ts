/**
 * A scripted Kafka peer for unit tests of the cluster view: it answers ApiVersions with every API
 * the client knows and Metadata from a script, and drops the connection on anything else. For
 * what a real broker cannot be made to do on demand (move address, answer REBOOTSTRAP_REQUIRED,
 * name a broker that is down). Not a test itself.
 */
import net from 'node:net'
import { ApiVersions } from '../../src/protocol/messages/api-versions.js'
import { API_BY_KEY } from '../../src/protocol/messages/index.js'
import { Metadata, type MetadataResponse } from '../../src/protocol/messages/metadata.js'
import { Writer } from '../../src/protocol/writer.js'

export interface ScriptedPeer {
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

export async function scriptedPeer(answer: (port: number) => MetadataResponse): Promise<ScriptedPeer> {
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

