// kafkats consume-1m: a partition consumer (no group) over all partitions from the
// earliest offset, counting until every pre-produced record was read.
import { benchConfig, fail, now, reportResult } from '../shared/child.mjs'
import { allPartitions, kafkaFor } from './common.js'

async function run (): Promise<void> {
  const cfg = benchConfig()
  const kafka = kafkaFor(cfg)
  const consumer = kafka.consumer({ assignments: allPartitions(cfg), exitAtEnd: true })
  let count = 0
  let bytes = 0
  let end = 0
  // The clock starts before the first ListOffsets and Fetch, as for every client.
  const start = now()
  for await (const batch of consumer) {
    for (const r of batch.records) bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0)
    count += batch.records.length
    if (count >= cfg.records) {
      end = now()
      break
    }
  }
  if (end === 0) end = now()
  await kafka.disconnectAll()
  reportResult({ records: count, bytes, elapsedMs: end - start })
}

run().catch(fail)
