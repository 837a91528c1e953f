/**
 * Byte layout of a record batch, magic 2 (protocol guide, "Record Batch"):
 * baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8, crc uint32,
 * attributes int16, lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64,
 * producerId int64, producerEpoch int16, baseSequence int32, records count int32, records.
 */
export const BASE_OFFSET_AT = 0
export const BATCH_LENGTH_AT = 8
export const PARTITION_LEADER_EPOCH_AT = 12
export const MAGIC_AT = 16
export const CRC_AT = 17
export const ATTRIBUTES_AT = 21
export const LAST_OFFSET_DELTA_AT = 23
export const BASE_TIMESTAMP_AT = 27
export const MAX_TIMESTAMP_AT = 35
export const PRODUCER_ID_AT = 43
export const PRODUCER_EPOCH_AT = 51
export const BASE_SEQUENCE_AT = 53
export const RECORDS_COUNT_AT = 57
/** Size of the batch header; the records start here. */
export const RECORD_BATCH_OVERHEAD = 61
/** Bytes before (and not counted in) batchLength: baseOffset and batchLength. */
export const LOG_OVERHEAD = 12
/** The smallest valid batchLength: a header with no records. */
export const MIN_BATCH_LENGTH = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD

/** Attributes bits. */
export const TIMESTAMP_TYPE_BIT = 0x08
export const TRANSACTIONAL_BIT = 0x10
export const CONTROL_BIT = 0x20
export const DELETE_HORIZON_BIT = 0x40

export const RECORD_BATCH_MAGIC = 2
