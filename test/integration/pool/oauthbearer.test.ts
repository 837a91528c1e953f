// OAUTHBEARER with unsecured JWTs (the broker's default validator) and KIP-368
// re-authentication: the broker's listeners set a 10 s session for OAUTHBEARER. Runs on a
// cluster of its own (free ports) so the shared broker keeps its configuration.
import t from 'tap'
import { startCluster, stopCluster } from '../../../scripts/kafka/control.js'
import { freeBasePort } from '../../../scripts/kafka/free-ports.js'
import { Kafka } from '../../../src/client.js'
import { AuthenticationError } from '../../../src/errors.js'
import { requestChannel } from '../../../src/pool/connection.js'
import { Metadata } from '../../../src/protocol/messages/metadata.js'

function unsecuredJwt(sub: string, lifetimeS: number): string {
  const now = Math.floor(Date.now() / 1000)
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${enc({ alg: 'none' })}.${enc({ sub, iat: now, exp: now + lifetimeS })}.`
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} }

const cluster = await startCluster({ nodes: 1, basePort: await freeBasePort(1), log: () => {} })
t.teardown(() => stopCluster(cluster, { clean: true, quiet: true, log: () => {} }))

t.test('OAUTHBEARER authenticates and re-authenticates before the session ends', async (t) => {

  let tokens = 0
  const kafka = new Kafka({
    bootstrapServers: cluster.saslPlaintext as string,
    sasl: {
      mechanism: 'OAUTHBEARER',
      oauthBearerProvider: () => {
        tokens++
        return { value: unsecuredJwt('alice', 3600) }
      },
    },
    logger: quiet,
  })
  t.teardown(() => kafka.disconnectAll())
  await kafka.cluster.refreshAllTopics()
  t.ok(kafka.cluster.brokerList().length === 1, 'metadata over OAUTHBEARER')

  const broker = kafka.cluster.broker(kafka.cluster.brokerList()[0].nodeId)
  const conn = await broker.connection()
  const tokensAfterConnect = tokens
  let handshakes = 0
  const onRequest = (m: unknown): void => {
    if ((m as { apiName: string }).apiName === 'SaslHandshake') handshakes++
  }
  requestChannel.subscribe(onRequest)
  t.teardown(() => requestChannel.unsubscribe(onRequest))

  // Keep traffic going past the 10 s session, back to back from three loops, so that requests
  // are queued while the re-authentication's SASL exchange runs (they must wait for its end: the
  // broker closes a connection that sends anything else in between). Every request must succeed
  // on the same connection.
  const deadline = Date.now() + 13_000
  let requests = 0
  let wrong = 0
  await Promise.all(
    [0, 1, 2].map(async () => {
      while (Date.now() < deadline) {
        const res = await broker.send(Metadata, () => ({ topics: null, allowAutoTopicCreation: false }))
        if (res.brokers.length !== 1) wrong++
        requests++
      }
    }),
  )
  t.equal(wrong, 0, `every one of ${requests} Metadata answers names the broker`)
  t.ok(handshakes >= 1, `re-authenticated ${handshakes} time(s) during ${requests} requests`)
  t.ok(tokens > tokensAfterConnect, 'the provider was asked for a fresh token')
  t.equal(await broker.connection(), conn, 'the same connection carried on')
  t.equal(conn.closed, false)
})

t.test('a token the broker rejects gives AuthenticationError', async (t) => {
  const kafka = new Kafka({
    bootstrapServers: cluster.saslPlaintext as string,
    sasl: { mechanism: 'OAUTHBEARER', oauthBearerProvider: () => ({ value: 'not-a-jwt' }) },
    defaultApiTimeoutMs: 1000,
    logger: quiet,
  })
  t.teardown(() => kafka.disconnectAll())
  const err = await kafka.cluster.refreshAllTopics().then(() => null, (e: unknown) => e)
  t.type(err, AuthenticationError)
})
