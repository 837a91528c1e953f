// kafkats side of the consume scenarios (consume-1m, consume-1gb, consume-1000p): a
// partition consumer (no group) over all partitions from the earliest offset, counting until
// every pre-produced record was read. The Fetch requests it sends and their size on the wire
// are counted from kafkats' `protocol` debug log (one line per request, with its frame bytes).
import type { Logger } from '../../../src/index.js'
import { benchConfig, fail, now, reportResult } from '../shared/child.mjs'
import { allPartitions, fetchOptions, kafkaFor } from './common.js'

let fetchRequests = 0
let fetchRequestBytes = 0

/** Counts Fetch requests from the protocol log; drops everything else (kafkats' default is warnings only). */
const counting: Logger = {
  debug (obj, msg) {
    const o = obj as { api?: string, bytes?: number }
    if (msg === 'request' && o.api === 'Fetch') {
      fetchRequests++
      fetchRequestBytes += o.bytes ?? 0
    }
  },
  info () {},
  warn () {},
  error () {}
}

async function run (): Promise<void> {
  const cfg = benchConfig()
  const kafka = kafkaFor(cfg, { logger: counting, debug: 'protocol' })
  const consumer = kafka.consumer({ assignments: allPartitions(cfg), exitAtEnd: true, ...fetchOptions(cfg) })
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
  reportResult({ records: count, bytes, elapsedMs: end - start, fetchRequests, fetchRequestBytes, note: cfg.fetchSessions === false ? 'fetchSessions: false' : undefined })
}

run().catch(fail)
