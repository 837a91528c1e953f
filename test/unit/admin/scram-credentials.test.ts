import { createHash, createHmac } from 'node:crypto'
import t from 'tap'
import { saltedPassword, scramMechanismName } from '../../../src/admin/scram-credentials.js'

// RFC 7677 section 3: user "user", password "pencil"; the client proof follows from the salted password.
t.test('salted password matches the RFC 7677 SCRAM-SHA-256 example', async (t) => {
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64')
  const salted = await saltedPassword('SCRAM-SHA-256', 'pencil', salt, 4096)
  t.equal(salted.length, 32)
  const clientKey = createHmac('sha256', salted).update('Client Key').digest()
  const storedKey = createHash('sha256').update(clientKey).digest()
  const authMessage =
    'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0'
  const signature = createHmac('sha256', storedKey).update(authMessage).digest()
  const proof = Buffer.alloc(32)
  for (let i = 0; i < 32; i++) proof[i] = clientKey[i] ^ signature[i]
  t.equal(proof.toString('base64'), 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')
})

t.test('SCRAM-SHA-512 salted passwords are 64 bytes; mechanism codes', async (t) => {
  const salted = await saltedPassword('SCRAM-SHA-512', 'pw', Buffer.from('salt'), 4096)
  t.equal(salted.length, 64)
  t.equal(scramMechanismName(1), 'SCRAM-SHA-256')
  t.equal(scramMechanismName(2), 'SCRAM-SHA-512')
  t.equal(scramMechanismName(0), 'UNKNOWN')
})
