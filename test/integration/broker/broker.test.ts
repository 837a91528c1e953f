// Smoke test of the local broker harness (scripts/kafka): every listener of every node
// accepts connections, TLS verifies against the harness CA, and PLAINTEXT and SSL (with
// the client certificate) answer raw ApiVersions and Metadata requests.
import { readFileSync } from 'node:fs'
import { connect as connectTcp } from 'node:net'
import { connect as connectTls, type TLSSocket } from 'node:tls'
import t from 'tap'
import { readClusterFile } from '../../../scripts/kafka/cluster-file.js'
import { apiVersions, encodeRequest, metadataBrokers } from '../../../scripts/kafka/probe.js'

const cluster = readClusterFile()

function split (address: string): { host: string, port: number } {
  const at = address.lastIndexOf(':')
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) }
}

function tcpAccepts (address: string): Promise<void> {
  const { host, port } = split(address)
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port })
    socket.setTimeout(5000, () => { socket.destroy(); reject(new Error(`timeout connecting to ${address}`)) })
    socket.once('error', reject)
    socket.once('connect', () => { socket.destroy(); resolve() })
  })
}

function tlsConnect (address: string, withClientCert: boolean): Promise<TLSSocket> {
  const { host, port } = split(address)
  if (cluster.caFile === null) throw new Error('cluster file names no CA')
  const ca = readFileSync(cluster.caFile)
  const clientAuth = withClientCert && cluster.clientCertFile !== null && cluster.clientKeyFile !== null
    ? { cert: readFileSync(cluster.clientCertFile!), key: readFileSync(cluster.clientKeyFile!) }
    : {}
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host, port, ca, rejectUnauthorized: true, ...clientAuth })
    socket.setTimeout(5000, () => { socket.destroy(); reject(new Error(`timeout on TLS to ${address}`)) })
    socket.once('error', reject)
    socket.once('secureConnect', () => resolve(socket))
  })
}

/** One ApiVersions v0 over an open TLS socket; resolves with its error code. */
function tlsApiVersionsErrorCode (socket: TLSSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0)
    socket.once('error', reject)
    socket.once('close', () => reject(new Error('connection closed before the ApiVersions answer')))
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        // size, correlation id, then the body's error code
        resolve(received.readInt16BE(8))
        socket.destroy()
      }
    })
    socket.write(encodeRequest(18, 0, 7, Buffer.alloc(0)))
  })
}

t.test('the cluster file describes every node', async t => {
  t.equal(cluster.plaintext.split(',').length, cluster.external ? cluster.plaintext.split(',').length : cluster.nodes)
  t.equal(cluster.users.plain.username, 'admin')
  t.equal(cluster.users.alice.password, 'alice-secret')
  if (!cluster.external) {
    t.equal(cluster.pids.length, cluster.nodes)
    t.equal(cluster.startCommand.length, cluster.nodes)
    t.equal(cluster.brokers.map(b => b.nodeId).join(), Array.from({ length: cluster.nodes }, (_, i) => i + 1).join())
  }
})

for (const address of cluster.plaintext.split(',')) {
  t.test(`PLAINTEXT ${address} answers ApiVersions and Metadata`, async t => {
    const { host, port } = split(address)
    const versions = await apiVersions(host, port)
    t.equal(versions.errorCode, 0, 'ApiVersions error code')
    for (const apiKey of [0, 1, 3, 18]) t.ok(versions.apis.has(apiKey), `advertises API key ${apiKey}`)
    const brokers = await metadataBrokers(host, port)
    if (!cluster.external) t.equal(brokers.length, cluster.nodes, 'Metadata lists every node')
    t.ok(brokers.some(b => `${b.host}:${b.port}` === address), 'Metadata lists this node at its advertised address')
  })
}

for (const address of (cluster.saslPlaintext ?? '').split(',').filter(Boolean)) {
  t.test(`SASL_PLAINTEXT ${address} accepts TCP`, async t => {
    await tcpAccepts(address)
    t.pass('connected')
  })
}

for (const address of (cluster.ssl ?? '').split(',').filter(Boolean)) {
  t.test(`SSL ${address}: TLS handshake verified by the CA, ApiVersions answered`, async t => {
    const socket = await tlsConnect(address, false)
    t.ok(socket.authorized, 'broker certificate chains to the CA')
    t.equal(await tlsApiVersionsErrorCode(socket), 0)
  })
  t.test(`SSL ${address} with the client certificate (mTLS)`, { skip: cluster.clientCertFile === null ? 'an external cluster (KAFKA_BOOTSTRAP) names no client certificate' : false }, async t => {
    const socket = await tlsConnect(address, true)
    t.ok(socket.authorized)
    t.equal(await tlsApiVersionsErrorCode(socket), 0)
  })
}

for (const address of (cluster.saslSsl ?? '').split(',').filter(Boolean)) {
  t.test(`SASL_SSL ${address}: TLS handshake verified by the CA`, async t => {
    const socket = await tlsConnect(address, false)
    t.ok(socket.authorized, 'broker certificate chains to the CA')
    socket.destroy()
  })
}
