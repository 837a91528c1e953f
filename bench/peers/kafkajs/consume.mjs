// KafkaJS consumer: consume-1m (a group of one, from the earliest offset, no commits;
// KafkaJS has no consumer without a group).
import { benchConfig, fail, now, reportResult } from '../../scenarios/shared/child.mjs'
import { kafkaFor } from './common.mjs'

async function main () {
  const cfg = benchConfig()
  const consumer = kafkaFor(cfg).consumer({
    groupId: cfg.groupId,
    maxBytesPerPartition: cfg.maxPartitionFetchBytes,
    maxBytes: cfg.fetchMaxBytes,
    minBytes: cfg.fetchMinBytes,
    maxWaitTimeInMs: cfg.fetchMaxWaitMs
  })
  await consumer.connect()
  // The clock starts before the group join and the first fetch, as for every client.
  const start = now()
  await consumer.subscribe({ topic: cfg.topic, fromBeginning: true })
  let count = 0
  let bytes = 0
  let end = 0
  await new Promise((resolve, reject) => {
    consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0)
        count += batch.messages.length
        if (count >= cfg.records && end === 0) {
          end = now()
          resolve()
        }
      }
    }).catch(reject)
  })
  await consumer.disconnect()
  reportResult({ records: count, bytes, elapsedMs: end - start })
}

main().catch(fail)
