// node-rdkafka consumer: consume-1m (assigned partitions from offset 0, no group rebalance).
import { benchConfig, fail, now, reportResult } from '../../scenarios/shared/child.mjs'
import { Kafka, connect, disconnect } from './common.mjs'

async function main () {
  const cfg = benchConfig()
  const consumer = new Kafka.KafkaConsumer({
    'metadata.broker.list': cfg.bootstrap,
    'client.id': 'bench-node-rdkafka',
    'group.id': cfg.groupId,
    'enable.auto.commit': false,
    'fetch.max.bytes': cfg.fetchMaxBytes,
    'max.partition.fetch.bytes': cfg.maxPartitionFetchBytes,
    'fetch.min.bytes': cfg.fetchMinBytes,
    'fetch.wait.max.ms': cfg.fetchMaxWaitMs,
    'socket.nagle.disable': true
  }, { 'auto.offset.reset': 'earliest' })
  await connect(consumer)
  const assignments = []
  for (let p = 0; p < cfg.partitions; p++) assignments.push({ topic: cfg.topic, partition: p, offset: 0 })
  consumer.setDefaultConsumeTimeout(100)
  // The clock starts before the first fetch, as for every client.
  const start = now()
  consumer.assign(assignments)
  let count = 0
  let bytes = 0
  while (count < cfg.records) {
    const messages = await new Promise((resolve, reject) => {
      consumer.consume(10000, (err, m) => err ? reject(err) : resolve(m))
    })
    for (const m of messages) bytes += m.size + (m.key?.length ?? 0)
    count += messages.length
  }
  const elapsedMs = now() - start
  await disconnect(consumer)
  reportResult({ records: count, bytes, elapsedMs })
}

main().catch(fail)
