// kafkats setup shared by its scenario scripts: the public API only (src/index.ts).
import { Kafka, type ConsumerOptions, type KafkaOptions, type ProducerOptions } from '../../../src/index.js'
import type { ChildConfig } from '../shared/child.mjs'

export function kafkaFor (cfg: ChildConfig, extra: Partial<KafkaOptions> = {}): Kafka {
  return new Kafka({ clientId: 'bench-kafkats', bootstrapServers: cfg.bootstrap, ...extra })
}

/** The producer settings of the scenario (bench/harness/scenarios.ts): the same as every peer's. */
export function producerOptions (cfg: ChildConfig): ProducerOptions {
  return {
    acks: cfg.acks === -1 ? 'all' : 1,
    idempotent: cfg.idempotent,
    compression: cfg.compression,
    lingerMs: cfg.lingerMs,
    batchSize: cfg.batchBytes,
    // Buffered-records triggers sized so that a partition's batch can fill to batchSize.
    maxBatchBytes: cfg.batchBytes * cfg.partitions,
    maxBatchSize: 1_000_000,
    bufferMemory: cfg.bufferBytes,
    maxInFlightRequestsPerConnection: cfg.maxInFlight,
    allowAutoTopicCreation: false
  }
}

/**
 * The fetch settings of the scenario; in the throughput scenarios they equal kafkats'
 * defaults (maxWaitMs 500, minBytes 1, maxBytes 50 MiB, maxPartitionBytes 1 MiB).
 */
export function fetchOptions (cfg: ChildConfig): Pick<ConsumerOptions, 'maxWaitMs' | 'minBytes' | 'maxBytes' | 'maxPartitionBytes' | 'fetchSessions'> {
  return {
    maxWaitMs: cfg.fetchMaxWaitMs,
    minBytes: cfg.fetchMinBytes,
    maxBytes: cfg.fetchMaxBytes,
    maxPartitionBytes: cfg.maxPartitionFetchBytes,
    fetchSessions: cfg.fetchSessions ?? true
  }
}

/** Assignments of every partition of the scenario's topic from the earliest offset. */
export function allPartitions (cfg: ChildConfig): Array<{ topic: string, partition: number, offset: 'earliest' }> {
  const out: Array<{ topic: string, partition: number, offset: 'earliest' }> = []
  for (let p = 0; p < cfg.partitions; p++) out.push({ topic: cfg.topic, partition: p, offset: 'earliest' })
  return out
}
