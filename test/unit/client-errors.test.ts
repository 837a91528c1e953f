// ClientErrors (kafka.on('error')): when a connection failure becomes an error event; the
// librdkafka debug names; a child log's fields. No broker (the real-broker side is in
// test/integration/seeds/client-seeds.test.ts).
import t from 'tap'
import { ClientErrors, UNREACHABLE_AFTER_FAILURES } from '../../src/client-errors.js'
import { AuthenticationError, ConnectionError, type KafkaError } from '../../src/errors.js'
import { Log, parseDebugCategories } from '../../src/logger.js'
import { resolveKafkaOptions } from '../../src/options.js'
import { ConfigError } from '../../src/errors.js'

const quiet = new Log({ debug() {}, info() {}, warn() {}, error() {} })

t.test('a broker is reported unreachable once per run of failures; an auth failure at once', async (t) => {
  const e = new ClientErrors(quiet)
  const got: KafkaError[] = []
  e.on((x) => got.push(x))
  for (let i = 0; i < UNREACHABLE_AFTER_FAILURES - 1; i++) e.failed('h', 1, new ConnectionError('refused'))
  t.equal(got.length, 0)
  e.failed('h', 1, new ConnectionError('refused'))
  e.failed('h', 1, new ConnectionError('refused'))
  t.equal(got.length, 1)
  t.equal(got[0].code, 'BROKER_UNREACHABLE')
  e.connected('h', 1)
  for (let i = 0; i < UNREACHABLE_AFTER_FAILURES; i++) e.failed('h', 1, new ConnectionError('refused'))
  t.equal(got.length, 2, 'again after it connected once')
  e.failed('h', 2, new AuthenticationError('bad password'))
  t.equal(got.length, 3)
  t.type(got[2], AuthenticationError)
})

t.test('librdkafka debug names map onto ours; unknown names are a ConfigError', async (t) => {
  t.same(parseDebugCategories('cgrp,topic,msg'), { categories: ['consumer', 'metadata', 'producer'] })
  t.same(parseDebugCategories('broker, fetch ,protocol'), { categories: ['broker', 'consumer', 'protocol'] })
  t.same(parseDebugCategories('all'), { categories: ['all'] })
  t.same(parseDebugCategories('queue'), { categories: [] })
  t.same(parseDebugCategories('cgrp,bogus'), { unknown: 'bogus' })
  t.same(resolveKafkaOptions({ bootstrapServers: 'h:1', debug: 'cgrp' }).debug, ['consumer'])
  t.throws(() => resolveKafkaOptions({ bootstrapServers: 'h:1', debug: 'bogus' }), ConfigError)
})

t.test('a child log adds its fields to every entry', async (t) => {
  const entries: object[] = []
  const log = new Log({ debug: (o) => void entries.push(o), info: (o) => void entries.push(o), warn: (o) => void entries.push(o), error: (o) => void entries.push(o) }, ['consumer'])
  const child = log.child({ client: 'x#consumer-1' })
  child.debug('consumer', { a: 1 }, 'm')
  child.warn({ b: 2 }, 'm')
  log.warn({ c: 3 }, 'm')
  t.same(entries, [{ category: 'consumer', client: 'x#consumer-1', a: 1 }, { client: 'x#consumer-1', b: 2 }, { c: 3 }])
})
