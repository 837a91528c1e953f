import { ConfigError } from '../../errors.js'

/**
 * Throws unless `partitionCount` is a positive integer: partitioning a topic without
 * partitions would otherwise yield NaN or a division by zero.
 * @throws ConfigError
 */
export function checkPartitionCount(topic: string, partitionCount: number): void {
  if (!(Number.isInteger(partitionCount) && partitionCount > 0)) {
    throw new ConfigError(`Cannot partition a record for topic ${topic}: partition count is ${partitionCount}`)
  }
}
