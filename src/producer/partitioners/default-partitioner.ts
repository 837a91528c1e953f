import { murmur2Partition } from '../murmur2.js'
import { checkPartitionCount } from './partition-count.js'
import type { Partitioner } from './partitioner.js'
import { randomPartition } from './random-partition.js'

/**
 * The Java client's default partitioner with the sticky partitioner of KIP-480:
 * - a record with a key (an empty key included) goes to `toPositive(murmur2(key)) % partitionCount`;
 * - records without a key all go to the topic's current sticky partition, so they fill one
 *   batch instead of spreading thin; when that partition's batch is closed the producer
 *   calls {@link DefaultPartitioner.onNewBatch} and the topic sticks to another random
 *   available partition.
 *
 * Java 3.3+ (KIP-794) also switches after `batch.size` bytes and weighs partitions by
 * broker queue depth; that adaptive part lives in the producer, not here.
 */
export class DefaultPartitioner implements Partitioner {
  /** Current sticky partition per topic. */
  private readonly sticky = new Map<string, number>()

  partition(
    topic: string,
    key: Buffer | null,
    _value: Buffer | null,
    partitionCount: number,
    availablePartitions?: readonly number[],
  ): number {
    checkPartitionCount(topic, partitionCount)
    if (key !== null) return murmur2Partition(key, partitionCount)
    const current = this.sticky.get(topic)
    // A stale choice (metadata shrank) is dropped rather than returned out of range.
    if (current !== undefined && current < partitionCount) return current
    return this.choose(topic, -1, partitionCount, availablePartitions)
  }

  /**
   * Moves the topic's sticky partition off `prevPartition` (KIP-480). Ignored when the
   * topic already sticks elsewhere, so a late call for an old batch does not cause a switch.
   */
  onNewBatch(topic: string, prevPartition: number, partitionCount: number, availablePartitions?: readonly number[]): void {
    checkPartitionCount(topic, partitionCount)
    const current = this.sticky.get(topic)
    if (current !== undefined && current !== prevPartition) return
    this.choose(topic, prevPartition, partitionCount, availablePartitions)
  }

  /** The topic's current sticky partition, if one was chosen. */
  stickyPartition(topic: string): number | undefined {
    return this.sticky.get(topic)
  }

  private choose(topic: string, previous: number, partitionCount: number, available?: readonly number[]): number {
    let next: number
    if (available !== undefined && available.length === 1) {
      next = available[0]
    } else {
      const choices = available !== undefined && available.length > 1 ? available.length : partitionCount
      next = randomPartition(partitionCount, available)
      // Any other partition will do; with a single choice the previous one stays.
      if (next === previous && choices > 1) {
        next = nextDifferent(previous, partitionCount, available)
      }
    }
    this.sticky.set(topic, next)
    return next
  }
}

/** A uniformly random partition other than `previous` (which must be one of the choices, and not the only one). */
function nextDifferent(previous: number, partitionCount: number, available?: readonly number[]): number {
  if (available !== undefined && available.length > 1) {
    const at = available.indexOf(previous)
    if (at < 0) return randomPartition(partitionCount, available)
    // Skip over `previous` by drawing from the other n - 1 slots.
    const pick = Math.floor(Math.random() * (available.length - 1))
    return available[pick >= at ? pick + 1 : pick]
  }
  const pick = Math.floor(Math.random() * (partitionCount - 1))
  return pick >= previous ? pick + 1 : pick
}
