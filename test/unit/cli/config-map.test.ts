import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { CONFIG_PROPERTIES, findProperty, mapProperties, propertyListing, resolveSecurity } from '../../../src/cli/config-map.js'
import { UsageError } from '../../../src/cli/usage-error.js'

t.test('client, producer, consumer and admin properties land in their scope', async (t) => {
  const c = mapProperties([
    'client.id=cli-1',
    'request.timeout.ms=5000',
    'socket.connection.setup.timeout.ms=3000',
    'default.api.timeout.ms=2000',
    'retry.backoff.ms=50',
    'linger.ms=20',
    'batch.size=65536',
    'compression.type=zstd',
    'acks=all',
    'enable.idempotence=false',
    'session.timeout.ms=30000',
    'auto.offset.reset=earliest',
    'partition.assignment.strategy=cooperative-sticky',
    'isolation.level=read_committed',
    'debug=broker,protocol',
    'admin.timeout.ms=1000',
  ])
  t.same(c.client, { clientId: 'cli-1', requestTimeoutMs: 5000, connectionTimeoutMs: 3000, defaultApiTimeoutMs: 2000, retryBackoffMs: 50, debug: 'broker,protocol' })
  t.same(c.producer, { retryBackoffMs: 50, lingerMs: 20, batchSize: 65536, compression: 'zstd', acks: 'all', idempotent: false })
  t.same(c.consumer, { sessionTimeoutMs: 30000, resetStrategy: 'earliest', assignors: ['cooperative-sticky'], isolationLevel: 'read_committed' })
  t.same(c.admin, { timeoutMs: 1000 })
})

t.test('librdkafka aliases and value spellings', async (t) => {
  const c = mapProperties(['queue.buffering.max.ms=7', 'compression.codec=LZ4', 'request.required.acks=-1', 'auto.offset.reset=smallest', 'sasl.mechanisms=scram-sha-512'])
  t.equal(c.producer.lingerMs, 7)
  t.equal(c.producer.compression, 'lz4')
  t.equal(c.producer.acks, 'all')
  t.equal(c.consumer.resetStrategy, 'earliest')
  t.equal(c.security.mechanism, 'SCRAM-SHA-512')
  t.equal(mapProperties(['acks=0']).producer.acks, 0)
  t.equal(mapProperties(['acks=1']).producer.acks, 1)
})

t.test('a later setting wins; values may contain =', async (t) => {
  const c = mapProperties(['linger.ms=1', 'linger.ms=2', 'sasl.password=a=b'])
  t.equal(c.producer.lingerMs, 2)
  t.equal(c.security.password, 'a=b')
})

t.test('unknown names are rejected with a suggestion', async (t) => {
  t.throws(() => mapProperties(['lingr.ms=5']), { message: /unknown property 'lingr.ms' in -X \(did you mean 'linger.ms'\?\)/ })
  t.throws(() => mapProperties(['no.such.thing.at.all=1']), { message: /unknown property 'no.such.thing.at.all'.*-X list/ })
  t.type(t.throws(() => findProperty('x')), UsageError)
})

t.test('malformed settings and bad values are UsageErrors', async (t) => {
  t.throws(() => mapProperties(['linger.ms']), { message: "-X expects key=value, got 'linger.ms'" })
  t.throws(() => mapProperties(['=5']), UsageError)
  t.throws(() => mapProperties(['linger.ms=soon']), { message: "-X linger.ms: expected a whole number, got 'soon'" })
  t.throws(() => mapProperties(['linger.ms=-1']), UsageError)
  t.throws(() => mapProperties(['acks=2']), { message: /-X acks: expected one of 0, 1, all, -1/ })
  t.throws(() => mapProperties(['enable.idempotence=maybe']), UsageError)
  t.throws(() => mapProperties(['compression.type=brotli']), UsageError)
  t.throws(() => mapProperties(['security.protocol=TLS']), UsageError)
})

t.test('security: SASL and TLS from the settings', async (t) => {
  t.same(resolveSecurity({}), {})
  t.same(resolveSecurity({ protocol: 'PLAINTEXT' }), {})
  t.same(resolveSecurity({ protocol: 'SASL_PLAINTEXT', mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' }), { sasl: { mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' } })
  t.same(resolveSecurity({ protocol: 'SASL_PLAINTEXT', username: 'u', password: 'p' }).sasl, { mechanism: 'PLAIN', username: 'u', password: 'p' }, 'PLAIN by default')
  t.same(resolveSecurity({ mechanism: 'PLAIN', username: 'u', password: 'p' }).ssl, undefined, 'SASL settings alone imply SASL_PLAINTEXT')
  t.same(resolveSecurity({ protocol: 'SSL' }), { ssl: {} })
  t.same(resolveSecurity({ protocol: 'SSL', verifyCertificate: false }), { ssl: { rejectUnauthorized: false } })

  const dir = mkdtempSync(join(tmpdir(), 'kafkats-cli-'))
  writeFileSync(join(dir, 'ca.pem'), 'CA')
  writeFileSync(join(dir, 'c.pem'), 'CERT')
  writeFileSync(join(dir, 'k.pem'), 'KEY')
  const both = resolveSecurity({ protocol: 'SASL_SSL', username: 'u', password: 'p', caFile: join(dir, 'ca.pem'), certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem'), keyPassword: 'pw' })
  t.same(both.sasl, { mechanism: 'PLAIN', username: 'u', password: 'p' })
  t.same(both.ssl, { ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY'), passphrase: 'pw' })
  t.ok(resolveSecurity({ caFile: join(dir, 'ca.pem') }).ssl, 'ssl settings alone imply SSL')

  t.throws(() => resolveSecurity({ protocol: 'PLAINTEXT', username: 'u', password: 'p' }), { message: /sasl.* is set but security.protocol is PLAINTEXT/ })
  t.throws(() => resolveSecurity({ protocol: 'SASL_PLAINTEXT', caFile: 'x' }), UsageError)
  t.throws(() => resolveSecurity({ protocol: 'SASL_SSL', username: 'u' }), { message: /needs sasl.username and sasl.password/ })
  t.throws(() => resolveSecurity({ protocol: 'SSL', caFile: join(dir, 'missing.pem') }), { message: /ssl.ca.location: cannot read .*missing.pem: ENOENT/ })
})

t.test('the listing names every property and no name is taken twice', async (t) => {
  const listing = propertyListing()
  const seen = new Set<string>()
  for (const p of CONFIG_PROPERTIES) {
    t.match(listing, p.name)
    for (const n of [p.name, ...(p.aliases ?? [])]) {
      t.notOk(seen.has(n), `${n} once`)
      seen.add(n)
      t.equal(findProperty(n), p)
    }
  }
})
