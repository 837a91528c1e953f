/**
 * A uniformly random partition: among `availablePartitions` when that list is non-empty
 * (records are not parked on leaderless partitions), else among all `partitionCount`.
 */
export function randomPartition(partitionCount: number, availablePartitions?: readonly number[]): number {
  if (availablePartitions !== undefined && availablePartitions.length > 0) {
    return availablePartitions[Math.floor(Math.random() * availablePartitions.length)]
  }
  return Math.floor(Math.random() * partitionCount)
}
