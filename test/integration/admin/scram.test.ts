import t from 'tap'
import { clusterFile, newSaslKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'

const { plain } = clusterFile().users
// The PLAIN super user, so the test does not depend on cluster ACLs other tests may create.
const kafka = newSaslKafka({ mechanism: 'PLAIN', username: plain.username, password: plain.password })
const admin = kafka.admin()
t.teardown(() => kafka.disconnectAll())

async function canAuthenticate(mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', username: string, password: string): Promise<boolean> {
  const k = newSaslKafka({ mechanism, username, password }, { defaultApiTimeoutMs: 1000 })
  try {
    await k.admin().describeCluster()
    return true
  } catch (err) {
    if ((err as { code?: string }).code === 'SASL_AUTHENTICATION_FAILED') return false
    throw err
  } finally {
    await k.disconnectAll()
  }
}

t.test('a SCRAM user created through the admin API authenticates over SASL', async (t) => {
  const name = uniqueTopic('scram-user')
  const password = 'pw-' + uniqueTopic('secret')
  const created = await admin.upsertScramUser({ name, mechanism: 'SCRAM-SHA-256', password, iterations: 8192 })
  t.same(created, { user: name, errorCode: 0, errorName: 'NONE', errorMessage: null })
  t.teardown(async () => {
    await admin.deleteScramUser({ name, mechanism: 'SCRAM-SHA-256' })
    await admin.deleteScramUser({ name, mechanism: 'SCRAM-SHA-512' })
  })
  await admin.upsertScramUser({ name, mechanism: 'SCRAM-SHA-512', password })

  await waitFor('credentials to propagate', async () => canAuthenticate('SCRAM-SHA-256', name, password))
  t.pass('SCRAM-SHA-256 authentication succeeded')
  t.equal(await canAuthenticate('SCRAM-SHA-256', name, password + 'x'), false, 'a wrong password is refused')
  await waitFor('SCRAM-SHA-512 credentials', async () => canAuthenticate('SCRAM-SHA-512', name, password))

  const [described] = await admin.describeUserScramCredentials([name])
  t.equal(described.user, name)
  t.equal(described.errorCode, 0)
  t.same(
    described.credentials.sort((a, b) => a.mechanism.localeCompare(b.mechanism)),
    [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }, { mechanism: 'SCRAM-SHA-512', iterations: 4096 }],
  )
  const all = await admin.describeUserScramCredentials()
  t.ok(all.some((u) => u.user === name), 'listed among all users')

  const removed = await admin.deleteScramUser({ name, mechanism: 'SCRAM-SHA-256' })
  t.equal(removed.errorCode, 0)
  const [after] = await admin.describeUserScramCredentials([name])
  t.same(after.credentials, [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }])
  await waitFor('SCRAM-SHA-256 credential removal', async () => !(await canAuthenticate('SCRAM-SHA-256', name, password)))

  const again = await admin.deleteScramUser({ name, mechanism: 'SCRAM-SHA-256' })
  t.equal(again.errorName, 'RESOURCE_NOT_FOUND')
  const [nobody] = await admin.describeUserScramCredentials(['nobody-' + name])
  t.equal(nobody.errorName, 'RESOURCE_NOT_FOUND')
})

t.test('iterations outside Kafka bounds are refused before sending', async (t) => {
  await t.rejects(admin.upsertScramUser({ name: 'x', mechanism: 'SCRAM-SHA-256', password: 'p', iterations: 100 }), { code: 'INVALID_CONFIG' })
  await t.rejects(admin.upsertScramUser({ name: 'x', mechanism: 'SCRAM-SHA-1' as never, password: 'p' }), { code: 'INVALID_CONFIG' })
})
