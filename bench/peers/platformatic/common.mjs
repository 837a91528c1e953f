// @platformatic/kafka setup shared by its scenario scripts.
import { Consumer, Producer } from '@platformatic/kafka'

export function producerFor (cfg, extra = {}) {
  return new Producer({
    clientId: 'bench-platformatic',
    bootstrapBrokers: cfg.bootstrap.split(','),
    acks: cfg.acks,
    compression: cfg.compression,
    idempotent: cfg.idempotent,
    autocreateTopics: false,
    ...extra
  })
}

export function consumerFor (cfg, extra = {}) {
  return new Consumer({
    clientId: 'bench-platformatic',
    groupId: cfg.groupId,
    bootstrapBrokers: cfg.bootstrap.split(','),
    autocommit: false,
    maxBytes: cfg.fetchMaxBytes,
    maxBytesPerPartition: cfg.maxPartitionFetchBytes,
    minBytes: cfg.fetchMinBytes,
    maxWaitTime: cfg.fetchMaxWaitMs,
    ...extra
  })
}

/**
 * Records per send() call. The client has no linger or batch.size: the application
 * batches, and up to 5 calls are in flight (as max.in.flight 5 elsewhere). a sweep of 250–58,000 records per call on this machine peaked around
 * 2,000–4,000.
 * BENCH_CHUNK overrides it.
 */
export function recordsPerSend () {
  return Number(process.env.BENCH_CHUNK ?? 2000)
}
