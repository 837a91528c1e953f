/**
 * The shapes of Kafka records as the producer hands them in and as the decoder hands them out
 * (protocol guide, "Record Batch" and "Record"; control records from KIP-98).
 */
import type { CompressionCodec } from '../compression/codec.js'

/** A record header: a UTF-8 key and an optional value. */
export interface RecordHeader {
  key: string
  value: Buffer | null
}

/** A record to produce. */
export interface ProduceRecord {
  /** Record key; `null` for none. */
  key: Uint8Array | null
  /** Record value; `null` is a tombstone on compacted topics. */
  value: Uint8Array | null
  /** Headers, in order; keys may repeat. */
  headers?: readonly RecordHeader[] | null
  /** Create time in ms since the epoch (a safe integer); default the batch's timestamp. */
  timestamp?: number
}

/** How record timestamps of a batch were assigned (attributes bit 3). */
export type TimestampType = 'create-time' | 'log-append-time'

/**
 * A record as decoded from a Fetch response. It has the consumer's record shape (topic,
 * partition and leader epoch included), so the consumer hands out the decoder's objects
 * without a second object per record.
 */
export interface DecodedRecord {
  /** Topic it was fetched from (the decode options' topic). */
  topic: string
  /** Partition it was fetched from (the decode options' partition). */
  partition: number
  /** Absolute offset: the batch's base offset plus the record's offset delta. */
  offset: bigint
  /**
   * Timestamp in ms since the epoch: base timestamp plus the record's delta, or the batch's
   * max timestamp for every record under log append time; -1 for legacy magic 0 messages.
   */
  timestamp: number
  /** Key, or `null`. A view on the fetched (or decompressed) buffer, not a copy. */
  key: Buffer | null
  /** Value, or `null`. A view on the fetched (or decompressed) buffer, not a copy. */
  value: Buffer | null
  /** Headers in wire order (values are views); a shared frozen empty array when there are none. */
  headers: readonly RecordHeader[]
  /** Leader epoch stamped on the record's batch, -1 when unknown or legacy. */
  leaderEpoch: number
}

/** Control record types (the int16 `type` in a control record key; KIP-98, KIP-595). */
export const ControlRecordType = Object.freeze({
  /** Transaction aborted (end transaction marker). */
  ABORT: 0,
  /** Transaction committed (end transaction marker). */
  COMMIT: 1,
})

/** A control record (a record in a batch with the control attribute: transaction markers and others). */
export interface ControlRecord {
  offset: bigint
  timestamp: number
  /** Version of the control record key. */
  version: number
  /** {@link ControlRecordType}: 0 abort, 1 commit; other values are broker-internal. */
  type: number
  /** Coordinator epoch from an abort/commit marker's value, or -1 when absent. */
  coordinatorEpoch: number
}

/** A decoded record batch (magic 2) or legacy message / wrapper message (magic 0 and 1). */
export interface DecodedBatch {
  /** 0 or 1 for legacy message sets, 2 for record batches. */
  magic: number
  /** Offset of the first record the batch held when it was written. */
  baseOffset: bigint
  /**
   * Offset of the last record the batch held when it was written (base offset + last offset
   * delta); compaction may have removed records, so the next fetch offset is `lastOffset + 1n`.
   */
  lastOffset: bigint
  /** Leader epoch stamped by the broker, -1 when unknown or legacy. */
  partitionLeaderEpoch: number
  compression: CompressionCodec
  timestampType: TimestampType
  /** Base timestamp in ms (legacy: the message's timestamp, or -1 for magic 0). */
  baseTimestamp: number
  /** Max timestamp in ms (legacy: as baseTimestamp). */
  maxTimestamp: number
  /** Producer id (KIP-98), -1n when none. */
  producerId: bigint
  /** Producer epoch, -1 when none. */
  producerEpoch: number
  /** Sequence of the first record, -1 when none. */
  baseSequence: number
  isTransactional: boolean
  isControl: boolean
  /** Bytes the batch occupies on the wire, header included. */
  sizeInBytes: number
  /** User records; always empty for a control batch. */
  records: DecodedRecord[]
  /** Control records; always empty unless `isControl`. */
  controlRecords: ControlRecord[]
}
