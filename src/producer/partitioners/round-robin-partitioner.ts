import { toPositive } from '../murmur2.js'
import { checkPartitionCount } from './partition-count.js'
import type { Partitioner } from './partitioner.js'

/**
 * The Java client's `RoundRobinPartitioner`: a per-topic counter starting at 0; each record,
 * key ignored, takes the next partition among the available ones when that list is
 * non-empty, else among all partitions.
 */
export class RoundRobinPartitioner implements Partitioner {
  private readonly counters = new Map<string, number>()

  partition(
    topic: string,
    _key: Buffer | null,
    _value: Buffer | null,
    partitionCount: number,
    availablePartitions?: readonly number[],
  ): number {
    checkPartitionCount(topic, partitionCount)
    const next = this.counters.get(topic) ?? 0
    // Wraps like Java's int counter so the counter never loses integer precision.
    this.counters.set(topic, (next + 1) | 0)
    const n = toPositive(next)
    if (availablePartitions !== undefined && availablePartitions.length > 0) {
      return availablePartitions[n % availablePartitions.length]
    }
    return n % partitionCount
  }
}
