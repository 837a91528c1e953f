import t from 'tap'
import { AuthenticationError } from '../../../src/errors.js'
import { OAuthBearerExchange } from '../../../src/pool/sasl/oauthbearer.js'
import { PlainExchange } from '../../../src/pool/sasl/plain.js'
import { ScramExchange } from '../../../src/pool/sasl/scram.js'

t.test('SCRAM-SHA-256 follows the RFC 7677 example exchange', async (t) => {
  // RFC 7677 section 3: user "user", password "pencil".
  const m = new ScramExchange('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO')
  t.equal((await m.start()).toString(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO')
  const final = await m.next(Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))
  t.equal(final?.toString(), 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')
  t.equal(await m.next(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')), null)
})

t.test('SCRAM rejects a wrong server signature', async (t) => {
  const m = new ScramExchange('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO')
  await m.start()
  await m.next(Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))
  await t.rejects(m.next(Buffer.from('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')), AuthenticationError)
})

t.test('SCRAM rejects a server nonce that does not extend ours', async (t) => {
  const m = new ScramExchange('SCRAM-SHA-512', 'user', 'pencil', 'abc')
  await m.start()
  await t.rejects(m.next(Buffer.from('r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')), AuthenticationError)
})

t.test('SCRAM escapes = and , in user names', async (t) => {
  const m = new ScramExchange('SCRAM-SHA-512', 'a=b,c', 'p', 'n0')
  t.equal((await m.start()).toString(), 'n,,n=a=3Db=2Cc,r=n0')
})

t.test('PLAIN sends authzid NUL user NUL password', async (t) => {
  const m = new PlainExchange('alice', 'secret')
  t.same([...(await m.start())], [...Buffer.from('\0alice\0secret')])
  t.equal(await m.next(), null)
})

t.test('OAUTHBEARER sends the token with extensions, and fails on a provider error', async (t) => {
  const m = new OAuthBearerExchange(() => ({ value: 'tok', extensions: { traceId: '42' } }))
  t.equal((await m.start()).toString(), 'n,,\x01auth=Bearer tok\x01traceId=42\x01\x01')
  t.equal(await m.next(Buffer.alloc(0)), null)
  await t.rejects(m.next(Buffer.from('{"status":"invalid_token"}')), AuthenticationError)
  const bad = new OAuthBearerExchange(() => {
    throw new Error('no token today')
  })
  await t.rejects(bad.start(), AuthenticationError)
})

t.test('the built-in mechanisms are SaslMechanism objects like a user\'s', async (t) => {
  const { saslMechanism, isSaslMechanism } = await import('../../../src/pool/sasl/index.js')
  const ctx = { host: 'h', port: 1, nodeId: -1, reauthentication: false }
  const plain = saslMechanism({ mechanism: 'PLAIN', username: 'alice', password: 'secret' })
  t.equal(plain.name, 'PLAIN')
  t.ok(isSaslMechanism(plain))
  const ex = await plain.createExchange(ctx)
  t.same([...(await ex.start())], [...Buffer.from('\0alice\0secret')])
  t.equal(saslMechanism({ mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' }).name, 'SCRAM-SHA-512')
  t.equal(saslMechanism({ mechanism: 'OAUTHBEARER', oauthBearerProvider: () => ({ value: 't' }) }).name, 'OAUTHBEARER')
  // Each authentication gets a fresh exchange (SCRAM nonces differ).
  const scram = saslMechanism({ mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' })
  const a = (await (await scram.createExchange(ctx)).start()).toString()
  const b = (await (await scram.createExchange(ctx)).start()).toString()
  t.not(a, b)
  const mine = { name: 'X-MINE', createExchange: () => ({ start: () => new Uint8Array(0), next: () => null }) }
  t.equal(saslMechanism({ mechanism: mine }), mine, 'a user mechanism is used as given')
})

t.test('the sasl option takes a mechanism object and names a bad one', async (t) => {
  const { Kafka } = await import('../../../src/client.js')
  const { ConfigError } = await import('../../../src/errors.js')
  const mine = { name: 'X-MINE', createExchange: () => ({ start: () => new Uint8Array(0), next: () => null }) }
  const kafka = new Kafka({ bootstrapServers: 'localhost:1', sasl: { mechanism: mine } })
  t.equal(kafka.config()['sasl.mechanism'], 'X-MINE')
  t.equal(kafka.config()['sasl.username'], null)
  const bad = (sasl: unknown): unknown => {
    try {
      new Kafka({ bootstrapServers: 'localhost:1', sasl: sasl as { mechanism: typeof mine } })
      return null
    } catch (e) {
      return e
    }
  }
  t.type(bad({ mechanism: { name: '', createExchange: () => null } }), ConfigError)
  t.match((bad({ mechanism: { name: 'X' } }) as Error).message, /sasl\.mechanism: must be a SaslMechanism/)
  t.match((bad({ mechanism: 'PLAIN', username: 1, password: 'p' }) as Error).message, /sasl\.username/)
  t.match((bad({ mechanism: 'GSSAPI' }) as Error).message, /sasl\.mechanism/)
  t.match((bad({ mechanism: mine, username: 'x' }) as Error).message, /sasl/)
})
