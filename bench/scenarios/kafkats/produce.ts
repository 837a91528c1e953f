// kafkats side of the produce scenarios (publish-1m, produce-1k): sendBatch in chunks, a
// bounded number of chunks outstanding (like the peers' in-flight window), then flush.
import type { ProducerRecord, RecordMetadata } from '../../../src/index.js'
import { benchConfig, fail, now, recordBytes, recordValue, reportResult } from '../shared/child.mjs'
import { kafkaFor, producerOptions } from './common.js'

/** Records per sendBatch call and how many calls may be unacknowledged at once. */
const chunk = 10_000
const outstandingChunks = 32

async function run (): Promise<void> {
  const cfg = benchConfig()
  const kafka = kafkaFor(cfg)
  const producer = kafka.producer(producerOptions(cfg))
  // Loads the topic's metadata (and connects) before the clock starts, as the peers do.
  await producer.partitionFor(cfg.topic, cfg.key)
  const value = recordValue(cfg)
  const pending: Array<Promise<RecordMetadata[]>> = []
  const start = now()
  for (let sent = 0; sent < cfg.records;) {
    const n = Math.min(chunk, cfg.records - sent)
    const records = new Array<ProducerRecord>(n)
    for (let i = 0; i < n; i++) records[i] = { topic: cfg.topic, key: cfg.key, value }
    pending.push(producer.sendBatch(records))
    sent += n
    if (pending.length >= outstandingChunks) await pending.shift()
  }
  await producer.flush()
  await Promise.all(pending)
  const elapsedMs = now() - start
  await kafka.disconnectAll()
  reportResult({ records: cfg.records, bytes: cfg.records * recordBytes(cfg), elapsedMs, note: cfg.idempotent ? 'idempotent, acks all' : undefined })
}

run().catch(fail)
