import { checkPartitionCount } from './partition-count.js'
import type { Partitioner } from './partitioner.js'
import { randomPartition } from './random-partition.js'

/** Every record to a random (available) partition, key ignored (librdkafka's `random`). */
export class RandomPartitioner implements Partitioner {
  partition(
    topic: string,
    _key: Buffer | null,
    _value: Buffer | null,
    partitionCount: number,
    availablePartitions?: readonly number[],
  ): number {
    checkPartitionCount(topic, partitionCount)
    return randomPartition(partitionCount, availablePartitions)
  }
}
