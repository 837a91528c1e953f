/**
 * Producer partitioners: the built-ins by name and user functions, behind one
 * {@link Partitioner} interface. See `partitioner.ts` for the contract.
 */
import { ConfigError } from '../../errors.js'
import { ConsistentPartitioner } from './consistent-partitioner.js'
import { DefaultPartitioner } from './default-partitioner.js'
import { FunctionPartitioner } from './function-partitioner.js'
import { Murmur2Partitioner } from './murmur2-partitioner.js'
import type { Partitioner, PartitionerFunction, PartitionerName } from './partitioner.js'
import { RandomPartitioner } from './random-partitioner.js'
import { RoundRobinPartitioner } from './round-robin-partitioner.js'

export type { Partitioner, PartitionerContext, PartitionerFunction, PartitionerName } from './partitioner.js'
export { ConsistentPartitioner, crc32Partition } from './consistent-partitioner.js'
export { DefaultPartitioner } from './default-partitioner.js'
export { FunctionPartitioner } from './function-partitioner.js'
export { Murmur2Partitioner } from './murmur2-partitioner.js'
export { RandomPartitioner } from './random-partitioner.js'
export { RoundRobinPartitioner } from './round-robin-partitioner.js'
export { murmur2, murmur2Partition, toPositive } from '../murmur2.js'

/** Names accepted by {@link createPartitioner}. */
export const PARTITIONER_NAMES: readonly PartitionerName[] = ['default', 'murmur2', 'consistent', 'random', 'roundRobin']

/**
 * A fresh partitioner (with its own per-topic state) for a built-in name or a user function.
 * Defaults to `default` (Java's: murmur2 for keys, sticky for null keys).
 * @throws ConfigError for an unknown name or a value that is neither a name nor a function
 */
export function createPartitioner(spec: PartitionerName | PartitionerFunction = 'default'): Partitioner {
  if (typeof spec === 'function') return new FunctionPartitioner(spec)
  switch (spec) {
    case 'default':
      return new DefaultPartitioner()
    case 'murmur2':
      return new Murmur2Partitioner()
    case 'consistent':
      return new ConsistentPartitioner()
    case 'random':
      return new RandomPartitioner()
    case 'roundRobin':
      return new RoundRobinPartitioner()
    default:
      throw new ConfigError(
        `Unknown partitioner ${JSON.stringify(spec)}: expected a function or one of ${PARTITIONER_NAMES.join(', ')}`,
      )
  }
}
