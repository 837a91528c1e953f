// Every broker connection tunnels through a real HTTP CONNECT proxy (tinyproxy, from Debian's
// packages, started by this test) to a 3-node cluster of its own (free ports chosen at start).
import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCluster, stopCluster } from '../../../scripts/kafka/control.js'
import { freeBasePort } from '../../../scripts/kafka/free-ports.js'
import { Kafka } from '../../../src/client.js'
import { ConnectionError } from '../../../src/errors.js'
import { ApiVersions } from '../../../src/protocol/messages/api-versions.js'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`nothing listens on ${port}`)
}

const hasTinyproxy = spawnSync('sh', ['-c', 'command -v tinyproxy']).status === 0

t.test('metadata and a request to every broker of a 3-node cluster through tinyproxy', { skip: hasTinyproxy ? false : 'tinyproxy is not installed (.ci/run installs it from Debian)' }, async (t) => {
  const cluster = await startCluster({ nodes: 3, basePort: await freeBasePort(3), log: () => {} })
  t.teardown(() => stopCluster(cluster, { clean: true, quiet: true, log: () => {} }))

  const dir = mkdtempSync(join(tmpdir(), 'kafkats-proxy-'))
  const port = await freePort()
  const logFile = join(dir, 'tinyproxy.log')
  // No ConnectPort line: CONNECT is allowed to every port.
  writeFileSync(join(dir, 'tinyproxy.conf'), [`Port ${port}`, 'Listen 127.0.0.1', 'Allow 127.0.0.1', 'Timeout 600', 'MaxClients 100', `LogFile "${logFile}"`, 'LogLevel Connect', ''].join('\n'))
  const proxy = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' })
  t.teardown(() => {
    proxy.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  })
  await waitForPort(port, 10_000)

  const kafka = new Kafka({
    bootstrapServers: cluster.plaintext,
    proxy: { host: '127.0.0.1', port },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  })
  t.teardown(() => kafka.disconnectAll())
  await kafka.cluster.refreshAllTopics()
  const brokers = kafka.cluster.brokerList()
  t.equal(brokers.length, 3, 'metadata through the proxy lists 3 brokers')
  for (const b of brokers) {
    const res = await kafka.cluster.send(b.nodeId, ApiVersions, () => ({ clientSoftwareName: 'kafkats-test', clientSoftwareVersion: '0' }))
    t.equal(res.errorCode, 0, `node ${b.nodeId} answers through the proxy`)
  }
  const log = (await import('node:fs')).readFileSync(logFile, 'utf8')
  for (const b of brokers) t.match(log, new RegExp(`${b.host}:${b.port}`), `the proxy tunnelled to node ${b.nodeId}`)

  // Without the proxy running, connecting fails with a clear ConnectionError.
  proxy.kill('SIGTERM')
  await new Promise((r) => proxy.once('exit', r))
  const other = new Kafka({ bootstrapServers: cluster.plaintext, proxy: { host: '127.0.0.1', port }, defaultApiTimeoutMs: 1000, logger: { debug() {}, info() {}, warn() {}, error() {} } })
  t.teardown(() => other.disconnectAll())
  const err = await other.cluster.refreshAllTopics().then(() => null, (e: unknown) => e)
  t.type(err, ConnectionError)
  t.match((err as Error).message, /proxy/)
})
