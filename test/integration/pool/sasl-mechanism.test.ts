// Pluggable SASL: mechanisms written here, the way a user writes one, against the real broker's
// SASL_PLAINTEXT and SASL_SSL listeners. A user-written PLAIN authenticates on both; a mechanism
// that throws, and a wrong password through the user's mechanism, give AuthenticationError; a
// user-written OAUTHBEARER re-authenticates (KIP-368) through its own createExchange (the shared
// broker gives OAUTHBEARER sessions of 10 s: listener.name.*.oauthbearer.connections.max.reauth.ms).
import t, { type Test } from 'tap'
import type { SaslContext, SaslMechanism } from '../../../src/index.js'
import { AuthenticationError } from '../../../src/errors.js'
import { requestChannel } from '../../../src/pool/connection.js'
import { Metadata } from '../../../src/protocol/messages/metadata.js'
import { caPem, clusterFile, newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'

const cf = clusterFile()

/** RFC 4616 PLAIN, as a user would write it: one message, nothing expected back. */
function userPlain(username: string, password: string, contexts: SaslContext[] = []): SaslMechanism {
  return {
    name: 'PLAIN',
    createExchange(context) {
      contexts.push(context)
      return {
        // A plain Uint8Array (not a Buffer): the interface takes either.
        start: () => new TextEncoder().encode(`\0${username}\0${password}`),
        next: () => null,
      }
    },
  }
}

async function authError(t: Test, kafka: ReturnType<typeof newKafka>): Promise<AuthenticationError> {
  try {
    const err = await kafka.cluster.refreshAllTopics().then(() => null, (e: unknown) => e)
    t.type(err, AuthenticationError)
    t.equal((err as AuthenticationError).retriable, false, 'not retriable')
    t.equal((err as AuthenticationError).code, 'SASL_AUTHENTICATION_FAILED')
    return err as AuthenticationError
  } finally {
    await kafka.disconnectAll()
  }
}

t.test('a user-written PLAIN authenticates on SASL_PLAINTEXT: metadata, produce, admin', async (t) => {
  const contexts: SaslContext[] = []
  const kafka = newKafka({ bootstrapServers: cf.saslPlaintext as string, sasl: { mechanism: userPlain(cf.users.plain.username, cf.users.plain.password, contexts) } })
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('sasl-user-plain')
  const admin = kafka.admin()
  await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }])
  const producer = kafka.producer()
  const m = await producer.send({ topic, value: 'over a user mechanism' })
  t.equal(m.offset, 0n, 'the record was written')
  await producer.close()
  await admin.close()
  t.ok(contexts.length >= 1, `createExchange called ${contexts.length} time(s)`)
  t.ok(contexts.every((c) => c.reauthentication === false && typeof c.host === 'string' && c.port > 0), 'each with the broker address, not a re-authentication')
  t.equal(kafka.config()['sasl.mechanism'], 'PLAIN')
})

t.test('a user-written PLAIN authenticates on SASL_SSL', async (t) => {
  const kafka = newKafka({ bootstrapServers: cf.saslSsl as string, ssl: { ca: caPem() }, sasl: { mechanism: userPlain(cf.users.plain.username, cf.users.plain.password) } })
  t.teardown(() => kafka.disconnectAll())
  await kafka.cluster.refreshAllTopics()
  t.ok(kafka.cluster.brokerList().length >= 1, 'metadata over SASL_SSL')
})

t.test('a wrong password through the user mechanism gives AuthenticationError, one handshake', async (t) => {
  let handshakes = 0
  const onRequest = (msg: unknown): void => {
    if ((msg as { apiName: string }).apiName === 'SaslHandshake') handshakes++
  }
  requestChannel.subscribe(onRequest)
  t.teardown(() => requestChannel.unsubscribe(onRequest))
  const err = await authError(t, newKafka({ bootstrapServers: cf.saslPlaintext as string, sasl: { mechanism: userPlain(cf.users.alice.username, 'wrong') } }))
  t.match(err.message, /SASL PLAIN authentication failed/)
  t.equal(handshakes, 1, 'not retried')
})

t.test('a mechanism that throws gives AuthenticationError with the thrown error as cause', async (t) => {
  const boom = new Error('no Kerberos ticket')
  for (const [where, mechanism] of [
    ['createExchange', { name: 'PLAIN', createExchange: () => { throw boom } }],
    ['start', { name: 'PLAIN', createExchange: () => ({ start: () => Promise.reject(boom), next: () => null }) }],
    ['next', { name: 'SCRAM-SHA-256', createExchange: () => ({ start: () => Buffer.from(`n,,n=${cf.users.scram256.username},r=abcdefgh`), next: () => { throw boom } }) }],
  ] as Array<[string, SaslMechanism]>) {
    const err = await authError(t, newKafka({ bootstrapServers: cf.saslPlaintext as string, sasl: { mechanism } }))
    t.match(err.message, new RegExp(`mechanism failed in ${where}: no Kerberos ticket`), where)
    t.equal(err.cause, boom, `${where}: the cause is the thrown error`)
  }
  // An exchange that returns something that is not bytes.
  const notBytes = { name: 'PLAIN', createExchange: () => ({ start: () => 'text' as unknown as Uint8Array, next: () => null }) }
  const err = await authError(t, newKafka({ bootstrapServers: cf.saslPlaintext as string, sasl: { mechanism: notBytes } }))
  t.match(err.message, /not a Uint8Array/)
})

t.test('a mechanism the listener does not enable is named in the error', async (t) => {
  const gssapi = { name: 'GSSAPI', createExchange: () => ({ start: () => new Uint8Array(0), next: () => null }) }
  const err = await authError(t, newKafka({ bootstrapServers: cf.saslPlaintext as string, sasl: { mechanism: gssapi } }))
  t.match(err.message, /GSSAPI is not enabled on this listener \(enabled: .*PLAIN/)
})

function unsecuredJwt(sub: string, lifetimeS: number): string {
  const now = Math.floor(Date.now() / 1000)
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${enc({ alg: 'none' })}.${enc({ sub, iat: now, exp: now + lifetimeS })}.`
}

t.test('re-authentication (KIP-368) runs through the user mechanism on the same connection', async (t) => {
  const contexts: SaslContext[] = []
  // OAUTHBEARER written by hand (RFC 7628 client response), so the broker's 10 s session applies.
  const userOAuth: SaslMechanism = {
    name: 'OAUTHBEARER',
    async createExchange(context) {
      contexts.push(context)
      const token = unsecuredJwt('alice', 3600)
      return {
        start: () => Buffer.from(`n,,\x01auth=Bearer ${token}\x01\x01`),
        next: (challenge) => {
          if (challenge.length > 0) throw new Error(`token rejected: ${challenge.toString()}`)
          return null
        },
      }
    },
  }
  const kafka = newKafka({ bootstrapServers: cf.saslPlaintext as string, sasl: { mechanism: userOAuth } })
  t.teardown(() => kafka.disconnectAll())
  await kafka.cluster.refreshAllTopics()
  const broker = kafka.cluster.broker(kafka.cluster.brokerList()[0].nodeId)
  const conn = await broker.connection()
  t.notOk(contexts.some((c) => c.reauthentication), 'no re-authentication yet')
  // Traffic on the connection until it has re-authenticated (8.5–9.5 s into its session), and
  // after. Waited for on this connection: the bootstrap connection re-authenticates too, at its
  // own random point of the same window, up to a second earlier or later.
  const onConn = (c: SaslContext): boolean => c.reauthentication && c.nodeId === conn.nodeId && c.host === conn.host && c.port === conn.port
  let requests = 0
  let reauthenticatedAt = -1
  await waitFor('a re-authentication of the connection through createExchange', async () => {
    const res = await broker.send(Metadata, () => ({ topics: null, allowAutoTopicCreation: false }))
    t.equal(res.brokers.length >= 1, true)
    requests++
    if (reauthenticatedAt < 0 && contexts.some(onConn)) reauthenticatedAt = requests
    return reauthenticatedAt >= 0 && requests >= reauthenticatedAt + 5
  }, 25_000, 100)
  const reauth = contexts.filter((c) => c.reauthentication)
  t.ok(reauth.length >= 1, `re-authenticated ${reauth.length} time(s) over ${requests} requests`)
  t.ok(reauth.some(onConn), 'the broker connection among them')
  t.equal(await broker.connection(), conn, 'the same connection carried on')
  t.equal(conn.closed, false)
})
