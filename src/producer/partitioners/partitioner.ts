/**
 * The partitioner contract: which partition of a topic a record goes to. The producer
 * calls {@link Partitioner.partition} once per record without an explicit partition.
 */

/** What a user-supplied {@link PartitionerFunction} sees for one record. */
export interface PartitionerContext {
  /** The record's topic. */
  topic: string
  /** The serialized key, or null. */
  key: Buffer | null
  /** The serialized value, or null (a tombstone). */
  value: Buffer | null
  /** The topic's partition count from the latest metadata (> 0). */
  partitionCount: number
  /** Partitions whose leader is currently known, ascending; absent when the producer does not track it. */
  availablePartitions?: readonly number[]
}

/**
 * A user partitioner: returns the partition, an integer in [0, partitionCount).
 * The context object may be reused between calls: read it during the call, do not keep it.
 */
export type PartitionerFunction = (ctx: PartitionerContext) => number

/**
 * Built-in partitioners:
 * - `default`: Java's default (KIP-480): keyed records by murmur2, unkeyed records sticky.
 * - `murmur2`: always murmur2 of the key; unkeyed records to a random partition.
 * - `consistent`: librdkafka's `consistent`: CRC-32 of the key; a null key hashes as empty (partition 0).
 * - `random`: a random (available) partition per record.
 * - `roundRobin`: Java's `RoundRobinPartitioner`: a per-topic counter over the (available) partitions.
 */
export type PartitionerName = 'default' | 'murmur2' | 'consistent' | 'random' | 'roundRobin'

/** A partitioner instance. Instances keep per-topic state (sticky partition, counter): use one per producer. */
export interface Partitioner {
  /**
   * The partition for one record, an integer in [0, partitionCount).
   * @param partitionCount the topic's partition count (> 0)
   * @param availablePartitions partitions with a known leader, ascending; optional
   * @throws ConfigError when the partition count is not a positive integer, or a user
   *   partitioner function returns something else than a valid partition or throws
   */
  partition(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    partitionCount: number,
    availablePartitions?: readonly number[],
  ): number
  /**
   * Called by the producer when the batch for `prevPartition` of `topic` is closed (full or
   * sent) and a new one is about to be started, so a sticky partitioner moves on (KIP-480).
   */
  onNewBatch?(topic: string, prevPartition: number, partitionCount: number, availablePartitions?: readonly number[]): void
}
