/**
 * What the consumer hands out: records, per-partition batches, and the events of `poll()`.
 */
import type { RecordHeader } from '../protocol/records/index.js'

/** A record as the consumer hands it out. */
export interface ConsumerRecord {
  topic: string
  partition: number
  /** Offset in the partition. */
  offset: bigint
  /** Timestamp in ms since the epoch (create time or log append time, as the topic says). */
  timestamp: number
  /** Key, or null. A view on the fetched buffer: copy it to keep it beyond the batch. */
  key: Buffer | null
  /** Value, or null. A view on the fetched buffer. */
  value: Buffer | null
  /** Headers in order; keys may repeat. */
  headers: readonly RecordHeader[]
  /** Leader epoch of the batch the record came in (-1 when unknown), committed with the offset. */
  leaderEpoch: number
}

/**
 * Records of one partition from one Fetch response, in offset order; a large response
 * partition comes as several consecutive batches (decoded a few record batches, about 4,096
 * records, at a time). The async iterator of a consumer yields these. `records` may be empty
 * only for the last batch of an `exitAtEnd` run.
 */
export interface ConsumerBatch {
  topic: string
  partition: number
  records: ConsumerRecord[]
  /** High watermark of the partition when the batch was fetched. */
  highWatermark: bigint
  /** Last stable offset when the batch was fetched (KIP-98), -1n when the broker did not say. */
  lastStableOffset: bigint
}

/** topic → partition → offset (the next offset to be handed out). */
export type PartitionOffsets = Record<string, Record<number, bigint>>

/** A topic and partition. */
import type { TopicPartition } from '../offsets/topic-partition.js'

/** The one TopicPartition of kafkats (src/offsets/topic-partition.ts). */
export type { TopicPartition }

/** Topic partitions named by topic: every assigned partition of a topic when `partitions` is omitted. */
export interface TopicPartitions {
  topic: string
  partitions?: number[]
}

/** The assignment after a rebalance: every owned partition and where reading starts. */
export interface RebalanceEvent {
  type: 'rebalance'
  /** topic → partition → starting offset of every partition now owned. */
  assignment: PartitionOffsets
  /** Partitions this member gave up in this rebalance. */
  revoked: TopicPartition[]
  /** Generation of the group after the rebalance. */
  generationId: number
  /** This member's id in the group. */
  memberId: string
}

/** Records handed out by `poll()`: empty when the timeout passed first. */
export interface RecordsEvent {
  type: 'records'
  records: ConsumerRecord[]
}

/** What `poll()` resolves with. */
export type ConsumerEvent = RecordsEvent | RebalanceEvent

/** Offsets to commit explicitly. `offset` is the next offset to read (last processed + 1). */
export interface CommitOffset {
  topic: string
  partition: number
  offset: bigint | number
  /** Leader epoch of the last processed record; default the one known for the partition. */
  leaderEpoch?: number
  metadata?: string | null
}

/** Lag of one partition, from the latest Fetch response. */
export interface PartitionLag {
  topic: string
  partition: number
  /** Next offset to be handed out. */
  position: bigint
  /** High watermark from the latest Fetch, -1n before the first one. */
  highWatermark: bigint
  /** highWatermark − position (0n when unknown). */
  lag: bigint
}
