/** Counters behind `consumer.stats()` and the consumer's `stats` event (the producer's `ProducerStats` twin). */
import type { PartitionState } from './partition-state.js'

/** One assigned partition in a {@link ConsumerStats} snapshot. */
export interface PartitionConsumeStats {
  topic: string
  partition: number
  /** Next offset to hand out; -1 while not positioned. */
  position: bigint
  /** High watermark from the latest Fetch response; -1 before the first. */
  highWatermark: bigint
  /** highWatermark − position (0 when unknown). */
  lag: bigint
  /** The position at the last commit, or where reading started when nothing was committed since; -1 before positioning. */
  committed: bigint
  paused: boolean
}

/** A snapshot of a consumer's counters since it was made (docs/consumer.md, "Statistics"). */
export interface ConsumerStats {
  /** The client's name, `<clientId>#consumer-<n>` (librdkafka's handle name). */
  name: string
  /** The `clientId` of the Kafka instance that made the consumer. */
  clientId: string
  /** Records handed to the application (poll, iterator, run). */
  recordsConsumed: number
  /** Partition batches that arrived from Fetch responses. */
  fetchedBatches: number
  /** Records that arrived from Fetch responses (handed out or still buffered). */
  recordsFetched: number
  /** Records buffered and not yet handed out. */
  bufferedRecords: number
  /** Rebalances completed (group consumers). */
  rebalances: number
  /** Errors surfaced to the application. */
  errors: number
  /** Every assigned partition. */
  partitions: PartitionConsumeStats[]
}

export class ConsumerStatsCollector {
  recordsConsumed = 0
  fetchedBatches = 0
  recordsFetched = 0
  rebalances = 0
  errors = 0

  constructor(
    private readonly name: string,
    private readonly clientId: string,
  ) {}

  snapshot(partitions: Iterable<PartitionState>, bufferedRecords: number): ConsumerStats {
    const list: PartitionConsumeStats[] = []
    for (const c of partitions) {
      const ready = c.state === 'ready'
      const position = ready ? c.position : -1n
      list.push({
        topic: c.topic,
        partition: c.partition,
        position,
        highWatermark: c.highWatermark,
        lag: ready && c.highWatermark > position ? c.highWatermark - position : 0n,
        committed: c.committed,
        paused: c.paused,
      })
    }
    return {
      name: this.name,
      clientId: this.clientId,
      recordsConsumed: this.recordsConsumed,
      fetchedBatches: this.fetchedBatches,
      recordsFetched: this.recordsFetched,
      bufferedRecords,
      rebalances: this.rebalances,
      errors: this.errors,
      partitions: list,
    }
  }
}
