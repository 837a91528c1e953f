import t from 'tap'
import { AuthenticationError } from '../../../src/errors.js'
import { OAuthBearerMechanism } from '../../../src/pool/sasl/oauthbearer.js'
import { PlainMechanism } from '../../../src/pool/sasl/plain.js'
import { ScramMechanism } from '../../../src/pool/sasl/scram.js'

t.test('SCRAM-SHA-256 follows the RFC 7677 example exchange', async (t) => {
  // RFC 7677 section 3: user "user", password "pencil".
  const m = new ScramMechanism('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO')
  t.equal((await m.start()).toString(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO')
  const final = await m.next(Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))
  t.equal(final?.toString(), 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')
  t.equal(await m.next(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')), null)
})

t.test('SCRAM rejects a wrong server signature', async (t) => {
  const m = new ScramMechanism('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO')
  await m.start()
  await m.next(Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))
  await t.rejects(m.next(Buffer.from('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')), AuthenticationError)
})

t.test('SCRAM rejects a server nonce that does not extend ours', async (t) => {
  const m = new ScramMechanism('SCRAM-SHA-512', 'user', 'pencil', 'abc')
  await m.start()
  await t.rejects(m.next(Buffer.from('r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')), AuthenticationError)
})

t.test('SCRAM escapes = and , in user names', async (t) => {
  const m = new ScramMechanism('SCRAM-SHA-512', 'a=b,c', 'p', 'n0')
  t.equal((await m.start()).toString(), 'n,,n=a=3Db=2Cc,r=n0')
})

t.test('PLAIN sends authzid NUL user NUL password', async (t) => {
  const m = new PlainMechanism('alice', 'secret')
  t.same([...(await m.start())], [...Buffer.from('\0alice\0secret')])
  t.equal(await m.next(), null)
})

t.test('OAUTHBEARER sends the token with extensions, and fails on a provider error', async (t) => {
  const m = new OAuthBearerMechanism(() => ({ value: 'tok', extensions: { traceId: '42' } }))
  t.equal((await m.start()).toString(), 'n,,\x01auth=Bearer tok\x01traceId=42\x01\x01')
  t.equal(await m.next(Buffer.alloc(0)), null)
  await t.rejects(m.next(Buffer.from('{"status":"invalid_token"}')), AuthenticationError)
  const bad = new OAuthBearerMechanism(() => {
    throw new Error('no token today')
  })
  await t.rejects(bad.start(), AuthenticationError)
})
