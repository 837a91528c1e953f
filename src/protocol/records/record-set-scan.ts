/**
 * A look at the batch headers of a Fetch response partition's record set, without decoding a
 * record: where the next fetch starts and how many records it holds. It lets the consumer queue
 * the bytes as they came and decode them only when the application takes them (the Java
 * client's CompletedFetch does the same), so what waits in the queue is the compact wire form,
 * not an object per record, and the records the application gets are young and die young.
 */
import { COMPRESSION_CODEC_IDS, hasSyncDecompression } from '../compression/index.js'
import { ATTRIBUTES_AT, CONTROL_BIT, LAST_OFFSET_DELTA_AT, MAGIC_AT, PARTITION_LEADER_EPOCH_AT, RECORD_BATCH_MAGIC, RECORDS_COUNT_AT } from './batch-layout.js'
import { entryEnd } from './record-batch-decoder.js'

/** What the headers of a record set say. */
export interface RecordSetScan {
  /** Offset to fetch next: one past the last complete batch at or after the fetch offset (else the fetch offset). */
  nextOffset: bigint
  /** Leader epoch of that last batch, -1 when none. */
  lastEpoch: number
  /** Records in the data batches at or after the fetch offset (before read_committed filtering). */
  records: number
}

/**
 * Scans the complete batches of `buf` from `fetchOffset` on. Returns null when the set can't be
 * decoded later without an await or holds legacy message sets (magic 0 and 1): the caller then
 * decodes it at once. Malformed sizes throw as the decoder does.
 * @throws KafkaProtocolError on an impossible batch length or an unknown magic
 */
export function scanRecordBatches(buf: Buffer, fetchOffset: bigint): RecordSetScan | null {
  let nextOffset = fetchOffset
  let lastEpoch = -1
  let records = 0
  for (let off = 0, end = entryEnd(buf, off); end >= 0; off = end, end = entryEnd(buf, off)) {
    if (buf[off + MAGIC_AT] !== RECORD_BATCH_MAGIC) return null
    const attributes = buf.readInt16BE(off + ATTRIBUTES_AT)
    if ((attributes & 0x07) === COMPRESSION_CODEC_IDS.zstd && !hasSyncDecompression('zstd')) return null
    const lastOffset = buf.readBigInt64BE(off) + BigInt(buf.readInt32BE(off + LAST_OFFSET_DELTA_AT))
    if (lastOffset < fetchOffset) continue
    nextOffset = lastOffset + 1n
    lastEpoch = buf.readInt32BE(off + PARTITION_LEADER_EPOCH_AT)
    if ((attributes & CONTROL_BIT) === 0) records += buf.readInt32BE(off + RECORDS_COUNT_AT)
  }
  return { nextOffset, lastEpoch, records }
}
