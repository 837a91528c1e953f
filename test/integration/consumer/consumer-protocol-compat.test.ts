// groupProtocol 'consumer' against whatever broker runs the suite (also in `npm run test:compat`,
// against Kafka 3.9 with its default configuration and 2.8): a broker with the consumer group
// protocol (4.0+) gives the member its partitions; one without it (2.8 has no
// ConsumerGroupHeartbeat at all; 3.9 has the API but answers UNSUPPORTED_VERSION unless
// group.coordinator.rebalance.protocols includes consumer) makes poll() throw
// UnsupportedVersionError naming groupProtocol, instead of hanging.
import t from 'tap'
import { UnsupportedVersionError } from '../../../src/errors.js'
import { brokerAtLeast, newKafka, uniqueTopic } from '../../helpers/cluster.js'
import { createTopic } from '../../helpers/consumer-fixtures.js'

const kafka = newKafka()
t.teardown(() => kafka.disconnectAll())

t.test(`groupProtocol 'consumer' on this broker`, async (t) => {
  const topic = uniqueTopic('proto-compat')
  await createTopic(kafka, topic, 2)
  const c = kafka.consumer({ groupId: uniqueTopic('g-proto-compat'), topics: [topic], groupProtocol: 'consumer', resetStrategy: 'earliest' })
  t.teardown(() => c.stop())
  let err: unknown
  let assigned = 0
  for (let i = 0; i < 120 && err === undefined && assigned === 0; i++) {
    try {
      const ev = await c.poll(500)
      if (ev.type === 'rebalance') assigned = Object.keys(ev.assignment[topic] ?? {}).length
    } catch (e) {
      err = e
    }
  }
  if (brokerAtLeast('4.0')) {
    t.equal(err, undefined, 'no error')
    t.equal(assigned, 2, 'the member got both partitions')
    return
  }
  t.ok(err instanceof UnsupportedVersionError, `UnsupportedVersionError (${String(err)})`)
  t.match((err as Error).message, /groupProtocol 'consumer'.*groupProtocol 'classic'/, 'the message names the option and the way out')
})
