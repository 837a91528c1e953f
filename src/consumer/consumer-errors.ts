/**
 * Errors particular to the consumer.
 */
import { KafkaError } from '../errors.js'
import type { TopicPartition } from './consumer-record.js'

/**
 * A commit of offsets from before a rebalance (or of partitions this member no longer owns):
 * refused so it cannot overwrite the new owner's progress. Not retriable: the records are read
 * again by their new owner. `code` is `ILLEGAL_GENERATION`, `REBALANCE_IN_PROGRESS`,
 * `UNKNOWN_MEMBER_ID`, `FENCED_INSTANCE_ID` (from the coordinator) or `STALE_GENERATION`
 * (found locally).
 */
export class StaleCommitError extends KafkaError {
  /** The partitions whose offsets were not committed. */
  readonly partitions: TopicPartition[]

  constructor(message: string, code: string, partitions: TopicPartition[], cause?: unknown) {
    super(message, { code, retriable: false, cause })
    this.partitions = partitions
  }
}
