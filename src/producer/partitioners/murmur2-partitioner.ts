import { murmur2Partition } from '../murmur2.js'
import { checkPartitionCount } from './partition-count.js'
import type { Partitioner } from './partitioner.js'
import { randomPartition } from './random-partition.js'

/**
 * Keyed records by `toPositive(murmur2(key)) % partitionCount` (the Java client's and
 * librdkafka's `murmur2_random` placement); null keys to a random (available) partition.
 */
export class Murmur2Partitioner implements Partitioner {
  partition(
    topic: string,
    key: Buffer | null,
    _value: Buffer | null,
    partitionCount: number,
    availablePartitions?: readonly number[],
  ): number {
    checkPartitionCount(topic, partitionCount)
    if (key === null) return randomPartition(partitionCount, availablePartitions)
    return murmur2Partition(key, partitionCount)
  }
}
