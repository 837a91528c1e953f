// Raw Kafka requests to tell whether a broker really serves, independent of the client
// under development: ApiVersions v0 and Metadata v1, request header v1, response header v0.
import { Socket, connect } from 'node:net'

const API_VERSIONS = 18
const METADATA = 3

/** Request header v1 (apiKey, version, correlation id, client id) followed by `body`, size-prefixed. */
export function encodeRequest (apiKey: number, version: number, correlationId: number, body: Buffer): Buffer {
  const clientId = Buffer.from('kafkats-probe')
  const header = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length)
  header.writeInt16BE(apiKey, 0)
  header.writeInt16BE(version, 2)
  header.writeInt32BE(correlationId, 4)
  header.writeInt16BE(clientId.length, 8)
  clientId.copy(header, 10)
  const size = Buffer.alloc(4)
  size.writeInt32BE(header.length + body.length, 0)
  return Buffer.concat([size, header, body])
}

/** Sends one request and resolves with the response body after the correlation id. */
export function roundTrip (hostName: string, port: number, request: Buffer, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: hostName, port })
    let received = Buffer.alloc(0)
    const fail = (err: Error): void => { socket.destroy(); reject(err) }
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer from ${hostName}:${port} in ${timeoutMs} ms`)))
    socket.on('error', fail)
    socket.on('connect', () => socket.write(request))
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (received.length < 4) return
      const size = received.readInt32BE(0)
      if (received.length < 4 + size) return
      socket.destroy()
      const correlationId = received.readInt32BE(4)
      const expected = request.readInt32BE(8)
      if (correlationId !== expected) return reject(new Error(`correlation id ${correlationId}, expected ${expected}`))
      resolve(received.subarray(8, 4 + size))
    })
    socket.on('close', () => reject(new Error(`${hostName}:${port} closed the connection before answering`)))
  })
}

export interface ApiVersionsAnswer {
  errorCode: number
  /** apiKey → [min, max] version */
  apis: Map<number, [number, number]>
}

/** ApiVersions v0 against `hostName:port`. Rejects on connection errors or a short answer. */
export async function apiVersions (hostName: string, port: number, timeoutMs?: number): Promise<ApiVersionsAnswer> {
  const body = await roundTrip(hostName, port, encodeRequest(API_VERSIONS, 0, 1, Buffer.alloc(0)), timeoutMs)
  const errorCode = body.readInt16BE(0)
  const count = body.readInt32BE(2)
  const apis = new Map<number, [number, number]>()
  for (let i = 0, at = 6; i < count; i++, at += 6) {
    apis.set(body.readInt16BE(at), [body.readInt16BE(at + 2), body.readInt16BE(at + 4)])
  }
  return { errorCode, apis }
}

export interface BrokerInfo {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

/** Metadata v1 with topics null (all topics); resolves with the brokers array. */
export async function metadataBrokers (hostName: string, port: number, timeoutMs?: number): Promise<BrokerInfo[]> {
  const topicsNull = Buffer.alloc(4)
  topicsNull.writeInt32BE(-1, 0)
  const body = await roundTrip(hostName, port, encodeRequest(METADATA, 1, 2, topicsNull), timeoutMs)
  let at = 0
  const count = body.readInt32BE(at); at += 4
  const brokers: BrokerInfo[] = []
  for (let i = 0; i < count; i++) {
    const nodeId = body.readInt32BE(at); at += 4
    const hostLength = body.readInt16BE(at); at += 2
    const brokerHost = body.toString('utf8', at, at + hostLength); at += hostLength
    const brokerPort = body.readInt32BE(at); at += 4
    const rackLength = body.readInt16BE(at); at += 2
    let rack: string | null = null
    if (rackLength >= 0) { rack = body.toString('utf8', at, at + rackLength); at += rackLength }
    brokers.push({ nodeId, host: brokerHost, port: brokerPort, rack })
  }
  return brokers
}

/**
 * True when `hostName:port` answers ApiVersions without error and its Metadata lists
 * at least `expectedBrokers` brokers. Never rejects.
 */
export async function nodeAnswers (hostName: string, port: number, expectedBrokers: number, timeoutMs = 3000): Promise<boolean> {
  try {
    const versions = await apiVersions(hostName, port, timeoutMs)
    if (versions.errorCode !== 0) return false
    const brokers = await metadataBrokers(hostName, port, timeoutMs)
    return brokers.length >= expectedBrokers
  } catch {
    return false
  }
}
