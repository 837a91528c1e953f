// Metadata and ApiVersions over each of the broker's four listeners, every SASL mechanism,
// and the failures a user must see clearly: a wrong password, a wrong CA, a wrong host name.
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { AuthenticationError } from '../../../src/errors.js'
import { requestChannel } from '../../../src/pool/connection.js'
import { brokerAtLeast, caPem, clusterFile, newKafka } from '../../helpers/cluster.js'

const cf = clusterFile()

async function metadataWorks(t: Test, kafka: ReturnType<typeof newKafka>): Promise<void> {
  try {
    await kafka.cluster.refreshAllTopics()
    t.ok(kafka.cluster.brokerList().length >= 1, 'metadata lists the brokers')
    t.type(kafka.cluster.clusterId, 'string', 'metadata has the cluster id')
  } finally {
    await kafka.disconnectAll()
  }
}

t.test('PLAINTEXT', async (t) => {
  await metadataWorks(t, newKafka())
})

t.test('ApiVersions negotiation gives versions for the core APIs', async (t) => {
  const kafka = newKafka()
  try {
    const broker = kafka.cluster.anyBroker()
    const conn = await broker.connection()
    const { Metadata } = await import('../../../src/protocol/messages/metadata.js')
    const { Produce } = await import('../../../src/protocol/messages/produce.js')
    const { Fetch } = await import('../../../src/protocol/messages/fetch.js')
    // Kafka 2.8 offers Metadata v11; 3.x v12; 4.4 v13 and Fetch v18 (the newest both sides know).
    t.ok(conn.version(Metadata) >= (brokerAtLeast('3.0') ? 12 : 11), `Metadata v${conn.version(Metadata)}`)
    t.ok(conn.version(Produce) >= 9, `Produce v${conn.version(Produce)}`)
    if (brokerAtLeast('4.4')) {
      t.equal(conn.version(Metadata), Metadata.maxVersion, 'Metadata: the newest version')
      t.equal(conn.version(Fetch), Fetch.maxVersion, 'Fetch: the newest version')
      t.equal(conn.version(Produce), Produce.maxVersion, 'Produce: the newest version (topic ids)')
    }
  } finally {
    await kafka.disconnectAll()
  }
})

for (const [name, user, mechanism] of [
  ['PLAIN', cf.users.plain, 'PLAIN'],
  ['SCRAM-SHA-256', cf.users.scram256, 'SCRAM-SHA-256'],
  ['SCRAM-SHA-512', cf.users.scram512, 'SCRAM-SHA-512'],
] as const) {
  t.test(`SASL_PLAINTEXT with ${name}`, async (t) => {
    await metadataWorks(t, newKafka({ bootstrapServers: cf.saslPlaintext as string, sasl: { mechanism, username: user.username, password: user.password } }))
  })
  t.test(`SASL_SSL with ${name}`, async (t) => {
    await metadataWorks(
      t,
      newKafka({ bootstrapServers: cf.saslSsl as string, ssl: { ca: caPem() }, sasl: { mechanism, username: user.username, password: user.password } }),
    )
  })
}

t.test('SSL with the CA', async (t) => {
  await metadataWorks(t, newKafka({ bootstrapServers: cf.ssl as string, ssl: { ca: caPem() } }))
})

t.test('SSL with a client certificate (mTLS)', async (t) => {
  await metadataWorks(
    t,
    newKafka({
      bootstrapServers: cf.ssl as string,
      ssl: { ca: caPem(), cert: readFileSync(cf.clientCertFile as string), key: readFileSync(cf.clientKeyFile as string) },
    }),
  )
})

t.test('a wrong password fails with AuthenticationError, once, without a retry storm', async (t) => {
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256'] as const) {
    let handshakes = 0
    const onRequest = (msg: unknown): void => {
      if ((msg as { apiName: string }).apiName === 'SaslHandshake') handshakes++
    }
    requestChannel.subscribe(onRequest)
    const kafka = newKafka({ bootstrapServers: cf.saslPlaintext as string, sasl: { mechanism, username: cf.users.alice.username, password: 'wrong' } })
    const started = Date.now()
    try {
      const err = await kafka.cluster.refreshAllTopics().then(
        () => null,
        (e: unknown) => e,
      )
      t.type(err, AuthenticationError, `${mechanism}: AuthenticationError`)
      t.equal((err as AuthenticationError).retriable, false)
      t.match((err as Error).message, /authentication failed/i)
      t.equal(handshakes, 1, `${mechanism}: one handshake, no retries`)
      t.comment(`failed after ${Date.now() - started} ms`)
    } finally {
      requestChannel.unsubscribe(onRequest)
      await kafka.disconnectAll()
    }
  }
})

t.test('an unknown SASL mechanism on the listener is named in the error', async (t) => {
  const kafka = newKafka({ bootstrapServers: cf.plaintext, sasl: { mechanism: 'PLAIN', username: 'a', password: 'b' } })
  try {
    // The PLAINTEXT listener has no SASL: the broker closes or rejects the handshake.
    await t.rejects(kafka.cluster.refreshAllTopics())
  } finally {
    await kafka.disconnectAll()
  }
})

t.test('TLS without the right CA fails with a clear error', async (t) => {
  const kafka = newKafka({ bootstrapServers: cf.ssl as string, ssl: true })
  try {
    const err = await kafka.cluster.refreshAllTopics().then(() => null, (e: unknown) => e)
    t.type(err, AuthenticationError)
    t.match((err as Error).message, /TLS handshake .* failed: .*(self[- ]signed|unable to verify|certificate)/i)
  } finally {
    await kafka.disconnectAll()
  }
})

t.test('TLS with a wrong host name fails with a clear error', async (t) => {
  const kafka = newKafka({ bootstrapServers: cf.ssl as string, ssl: { ca: caPem(), servername: 'wrong.example' } })
  try {
    const err = await kafka.cluster.refreshAllTopics().then(() => null, (e: unknown) => e)
    t.type(err, AuthenticationError)
    t.match((err as Error).message, /wrong\.example|altnames|Hostname/i)
  } finally {
    await kafka.disconnectAll()
  }
})
