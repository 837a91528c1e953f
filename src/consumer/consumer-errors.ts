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

/**
 * The partition's log was truncated below the consumer's fetch position (an unclean leader
 * election, KIP-320; Java's LogTruncationException), found through the Fetch response's
 * diverging epoch or OffsetForLeaderEpoch after a leader change, under `resetStrategy: 'none'`.
 * Records from `divergentOffset` up to `position` were handed to the application and are no
 * longer in the log (other records may take their offsets). A truncation of records fetched but
 * not yet handed out raises nothing: they are fetched again. The partition stops until `seek()`; seeking to
 * `divergentOffset` reads on from the first offset that diverged. Code `LOG_TRUNCATION`, not
 * retriable. Under 'earliest' or 'latest' the consumer instead seeks to `divergentOffset` itself
 * (or resets by the strategy when the divergence is unknown), as the Java consumer does.
 */
export class LogTruncationError extends KafkaError {
  readonly topic: string
  readonly partition: number
  /** The consumer's position (next offset to hand out), past the truncation. */
  readonly position: bigint
  /** The first offset known to diverge (end offset of the last common epoch), -1n when unknown. */
  readonly divergentOffset: bigint
  /** The epoch that offset ends, -1 when unknown. */
  readonly divergentEpoch: number

  constructor(topic: string, partition: number, position: bigint, divergentOffset: bigint, divergentEpoch: number) {
    super(
      `log truncation detected on ${topic}-${partition}: records up to position ${position} were handed out but the current leader's log diverges from ${divergentOffset < 0n ? 'an unknown offset' : `offset ${divergentOffset} (end of epoch ${divergentEpoch})`}, and resetStrategy is 'none'`,
      { code: 'LOG_TRUNCATION', retriable: false },
    )
    this.topic = topic
    this.partition = partition
    this.position = position
    this.divergentOffset = divergentOffset
    this.divergentEpoch = divergentEpoch
  }
}
