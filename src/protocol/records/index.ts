/**
 * Record batches (magic 2) encoding and decoding, and legacy message set (magic 0, 1) decoding.
 */
export type { ControlRecord, DecodedBatch, DecodedRecord, ProduceRecord, RecordHeader, TimestampType } from './record.js'
export { ControlRecordType } from './record.js'
export {
  RecordBatchBuilder,
  type RecordBatchOptions,
  encodeRecordBatch,
  encodeRecordBatchSync,
  recordPayloadSize,
  setBatchProducerState,
  writeBatchCrc,
} from './record-batch-builder.js'
export {
  type DecodeRecordBatchesOptions,
  decodeRecordBatches,
  decodeRecordBatchesSync,
  decodeRecordBatchesSyncOrAsync,
} from './record-batch-decoder.js'
export { RECORD_BATCH_OVERHEAD } from './batch-layout.js'
