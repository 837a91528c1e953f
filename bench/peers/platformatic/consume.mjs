// @platformatic/kafka consumer: consume-1m (a group of one, from the earliest offset, no commits).
import { benchConfig, fail, now, reportResult } from '../../scenarios/shared/child.mjs'
import { consumerFor } from './common.mjs'

async function main () {
  const cfg = benchConfig()
  const consumer = consumerFor(cfg)
  await consumer.metadata({ topics: [cfg.topic] })
  // The clock starts before the group join and the first fetch, as for every client.
  const start = now()
  const stream = await consumer.consume({ topics: [cfg.topic], mode: 'earliest' })
  let count = 0
  let bytes = 0
  let end = 0
  await new Promise((resolve, reject) => {
    stream.on('error', reject)
    stream.on('data', m => {
      bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0)
      if (++count === cfg.records) {
        end = now()
        resolve()
      }
    })
  })
  await stream.close()
  await consumer.close(true)
  reportResult({ records: count, bytes, elapsedMs: end - start })
}

main().catch(fail)
