// Consumer entry points with no broker: unknown option keys and use after stop().
import t from 'tap'
import { Kafka } from '../../../src/client.js'
import { ClosedError, ConfigError } from '../../../src/errors.js'

const kafka = new Kafka({ clientId: 'unit', bootstrapServers: '127.0.0.1:1', logger: { debug() {}, info() {}, warn() {}, error() {} } })
t.teardown(() => kafka.disconnectAll())

t.test('kafka.consumer() rejects unknown option keys (issue 13 item 6)', async (t) => {
  t.throws(() => kafka.consumer({ groupId: 'g', topics: ['t'], sesionTimeoutMs: 10_000 } as never), ConfigError)
})

t.test('seek() after stop() throws ClosedError (issue 13 item 7)', async (t) => {
  const c = kafka.consumer({ assignments: [{ topic: 't', partition: 0, offset: 5 }] })
  c.seek('t', 0, 7)
  t.equal(c.position('t', 0), 7n, 'seek works before stop')
  await c.stop()
  t.throws(() => c.seek('t', 0, 3), ClosedError)
  await t.rejects(c.poll(10), ClosedError)
})
