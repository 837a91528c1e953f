// kafkats side of the produce scenarios (publish-1m, produce-1k): sendBatch in chunks, a
// bounded number of chunks outstanding, then flush. The bound is what the producer's buffer
// memory holds: the peers' send blocks when their buffer is full, while kafkats' sendBatch never
// blocks (records past bufferMemory wait inside the producer, one parked entry each), so the
// script waits instead, as an application sized to its buffer does.
import type { ProducerRecord, RecordMetadata } from '../../../src/index.js'
import { benchConfig, fail, now, recordBytes, recordValue, reportResult } from '../shared/child.mjs'
import { kafkaFor, producerOptions } from './common.js'

/** Records per sendBatch call, and how many calls may be unacknowledged at once at most. */
const chunk = 10_000
const maxOutstandingChunks = 32

async function run (): Promise<void> {
  const cfg = benchConfig()
  const kafka = kafkaFor(cfg)
  const producer = kafka.producer(producerOptions(cfg))
  // Loads the topic's metadata (and connects) before the clock starts, as the peers do.
  await producer.partitionFor(cfg.topic, cfg.key)
  const value = recordValue(cfg)
  // As many chunks as fit in the buffer (publish-1m: 32; produce-1k, 10 MiB chunks: 6), at least 2.
  const outstandingChunks = Math.max(2, Math.min(maxOutstandingChunks, Math.floor(cfg.bufferBytes / (chunk * recordBytes(cfg)))))
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
