import { ConfigError, KafkaError } from '../../errors.js'
import { checkPartitionCount } from './partition-count.js'
import type { Partitioner, PartitionerContext, PartitionerFunction } from './partitioner.js'

/**
 * Wraps a user {@link PartitionerFunction}, checking every answer: a partition that is
 * not an integer in [0, partitionCount) is a typed error, never a record on a wrong or
 * nonexistent partition.
 */
export class FunctionPartitioner implements Partitioner {
  private readonly fn: PartitionerFunction
  // One context reused for every call: the hot path allocates nothing per record.
  private readonly ctx: PartitionerContext = {
    topic: '',
    key: null,
    value: null,
    partitionCount: 0,
    availablePartitions: undefined,
  }

  constructor(fn: PartitionerFunction) {
    this.fn = fn
  }

  /**
   * @throws ConfigError when the function throws (the original error as `cause`, unless it
   *   is already a KafkaError, which is rethrown as is) or returns an invalid partition
   */
  partition(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    partitionCount: number,
    availablePartitions?: readonly number[],
  ): number {
    checkPartitionCount(topic, partitionCount)
    const ctx = this.ctx
    ctx.topic = topic
    ctx.key = key
    ctx.value = value
    ctx.partitionCount = partitionCount
    ctx.availablePartitions = availablePartitions
    let partition: unknown
    try {
      partition = this.fn(ctx)
    } catch (err) {
      if (err instanceof KafkaError) throw err
      throw new ConfigError(`Partitioner function threw for topic ${topic}: ${String(err)}`, err)
    } finally {
      ctx.key = null
      ctx.value = null
      ctx.availablePartitions = undefined
    }
    if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0 || partition >= partitionCount) {
      throw new ConfigError(
        `Partitioner function returned ${describe(partition)} for topic ${topic}, expected an integer in [0, ${partitionCount})`,
      )
    }
    return partition
  }
}

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`
  return v === null ? 'null' : typeof v
}
