/** Counters behind `producer.stats()` and the `stats` event. */

/** Produce requests to one broker. */
export interface BrokerProduceStats {
  /** Produce requests answered or failed. */
  requests: number
  /** Mean request latency in ms (send to answer). */
  latencyAvgMs: number
  /** Largest request latency in ms. */
  latencyMaxMs: number
}

/** A snapshot of a producer's counters since it was made. */
export interface ProducerStats {
  /** The producer's name, `<clientId>#producer-<n>` (librdkafka's handle name). */
  name: string
  /** The `clientId` of the Kafka instance that made the producer. */
  clientId: string
  /** Records acknowledged. */
  recordsSent: number
  /** Bytes of acknowledged record batches (compressed, as sent). */
  bytesSent: number
  /** Record batches acknowledged. */
  batchesSent: number
  /** Batch sends retried. */
  retries: number
  /** Batches split in two after the broker rejected them as too large (MESSAGE_TOO_LARGE; Java's batch-split-total). */
  batchSplits: number
  /** Records that failed. */
  errors: number
  /** Records given to send and not yet acknowledged or failed (buffered, waiting, or in flight). */
  queueLength: number
  /** Bytes charged against bufferMemory now. */
  bufferedBytes: number
  /** Produce requests per broker node id. */
  brokers: Record<string, BrokerProduceStats>
}

export class StatsCollector {
  recordsSent = 0
  bytesSent = 0
  batchesSent = 0
  retries = 0
  batchSplits = 0
  errors = 0
  private readonly brokers = new Map<number, { requests: number; totalMs: number; maxMs: number }>()

  constructor(
    private readonly name = '',
    private readonly clientId = '',
  ) {}

  /** One Produce request to `nodeId` took `latencyMs`. */
  request(nodeId: number, latencyMs: number): void {
    let b = this.brokers.get(nodeId)
    if (b === undefined) {
      b = { requests: 0, totalMs: 0, maxMs: 0 }
      this.brokers.set(nodeId, b)
    }
    b.requests++
    b.totalMs += latencyMs
    if (latencyMs > b.maxMs) b.maxMs = latencyMs
  }

  snapshot(queueLength: number, bufferedBytes: number): ProducerStats {
    const brokers: Record<string, BrokerProduceStats> = {}
    for (const [id, b] of this.brokers) {
      brokers[String(id)] = { requests: b.requests, latencyAvgMs: b.requests === 0 ? 0 : b.totalMs / b.requests, latencyMaxMs: b.maxMs }
    }
    return {
      name: this.name,
      clientId: this.clientId,
      recordsSent: this.recordsSent,
      bytesSent: this.bytesSent,
      batchesSent: this.batchesSent,
      retries: this.retries,
      batchSplits: this.batchSplits,
      errors: this.errors,
      queueLength,
      bufferedBytes,
      brokers,
    }
  }
}
