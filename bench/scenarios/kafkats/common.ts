// kafkats setup shared by its scenario scripts: the public API only (src/index.ts).
import { Kafka, type ProducerOptions } from '../../../src/index.js'
import type { ChildConfig } from '../shared/child.mjs'

export function kafkaFor (cfg: ChildConfig): Kafka {
  return new Kafka({ clientId: 'bench-kafkats', bootstrapServers: cfg.bootstrap })
}

/** The producer settings every scenario uses: the harness' batching limits, no idempotence. */
export function producerOptions (cfg: ChildConfig): ProducerOptions {
  return {
    acks: cfg.acks === -1 ? 'all' : 1,
    idempotent: false,
    compression: cfg.compression,
    lingerMs: cfg.lingerMs,
    batchSize: cfg.batchBytes,
    // Buffered-records triggers sized so that a partition's batch can fill to batchSize.
    maxBatchBytes: cfg.batchBytes * cfg.partitions,
    maxBatchSize: 1_000_000,
    maxInFlightRequestsPerConnection: 5,
    allowAutoTopicCreation: false
  }
}

/** Assignments of every partition of the scenario's topic from the earliest offset. */
export function allPartitions (cfg: ChildConfig): Array<{ topic: string, partition: number, offset: 'earliest' }> {
  const out: Array<{ topic: string, partition: number, offset: 'earliest' }> = []
  for (let p = 0; p < cfg.partitions; p++) out.push({ topic: cfg.topic, partition: p, offset: 'earliest' })
  return out
}
