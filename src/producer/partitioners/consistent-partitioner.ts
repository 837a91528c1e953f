import CRC32 from 'crc-32'
import { checkPartitionCount } from './partition-count.js'
import type { Partitioner } from './partitioner.js'

const EMPTY = Buffer.alloc(0)

/**
 * librdkafka's `consistent` placement: the unsigned CRC-32 (IEEE) of the key modulo the
 * partition count. A null key hashes like an empty one (CRC-32 0, so partition 0), as
 * librdkafka's `rd_kafka_msg_partitioner_consistent` does with a zero-length key.
 */
export function crc32Partition(key: Uint8Array | null, partitionCount: number): number {
  return (CRC32.buf(key ?? EMPTY) >>> 0) % partitionCount
}

/**
 * librdkafka's `consistent` partitioner: {@link crc32Partition} for every record, null
 * keys included (all to partition 0). Use it to co-partition with librdkafka producers
 * configured with `partitioner=consistent`; their `consistent_random` differs only in
 * sending null and empty keys to random partitions.
 */
export class ConsistentPartitioner implements Partitioner {
  partition(topic: string, key: Buffer | null, _value: Buffer | null, partitionCount: number): number {
    checkPartitionCount(topic, partitionCount)
    return crc32Partition(key, partitionCount)
  }
}
