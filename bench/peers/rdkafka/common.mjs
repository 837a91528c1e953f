// node-rdkafka (librdkafka) setup shared by its scenario scripts.
import Kafka from 'node-rdkafka'

export { Kafka }

/** librdkafka's throughput settings, with the harness' batching limits. */
export function producerConfig (cfg) {
  return {
    'metadata.broker.list': cfg.bootstrap,
    'client.id': 'bench-node-rdkafka',
    acks: cfg.acks,
    'enable.idempotence': cfg.idempotent,
    'compression.codec': cfg.compression,
    'linger.ms': cfg.lingerMs,
    'batch.size': cfg.batchBytes,
    'batch.num.messages': 1000000,
    'queue.buffering.max.messages': 2000000,
    'queue.buffering.max.kbytes': cfg.bufferBytes / 1024,
    'max.in.flight.requests.per.connection': cfg.maxInFlight,
    'socket.nagle.disable': true
  }
}

/** Resolves once the client is connected. */
export function connect (client) {
  return new Promise((resolve, reject) => {
    client.connect({}, err => err ? reject(err) : resolve())
  })
}

export function disconnect (client) {
  return new Promise(resolve => client.disconnect(() => resolve()))
}

/**
 * Produces one record, waiting while librdkafka's local queue is full (the documented way
 * to apply back-pressure with node-rdkafka).
 */
export async function produceOne (producer, topic, value, key) {
  for (;;) {
    try {
      producer.produce(topic, null, value, key)
      return
    } catch (err) {
      if (err.code !== Kafka.CODES.ERRORS.ERR__QUEUE_FULL) throw err
      await new Promise(resolve => setTimeout(resolve, 1))
    }
  }
}
