/**
 * A fetched record set decoded a few batches at a time, as the application takes records: the
 * records alive at once are the ones being handed out, not the whole response partition (a
 * megabyte of small records is some 100,000 objects). Skips records before the fetch offset and
 * applies the read_committed filter across calls (TransactionFilter), as the Java client's
 * CompletedFetch does batch by batch.
 */
import { decodeEntry, entryEnd } from '../protocol/records/record-batch-decoder.js'
import type { ConsumerRecord } from './consumer-record.js'
import { TransactionFilter } from './fetched-records.js'
import type { EncodedRecordSet } from './fetcher.js'

export class RecordSetReader {
  private pos = 0
  private done = false
  private readonly filter: TransactionFilter

  constructor(private readonly encoded: EncodedRecordSet) {
    this.filter = new TransactionFilter(encoded.readCommitted, encoded.abortedTransactions)
  }

  /** True once every complete batch was decoded. */
  get finished(): boolean {
    return this.done
  }

  /**
   * Decodes whole batches until at least `min` records for the application were found or the
   * record set ends (then {@link finished}). May return fewer, or none.
   * @throws CorruptRecordError, KafkaProtocolError as the decoder does
   */
  next(min: number): ConsumerRecord[] {
    const out: ConsumerRecord[] = []
    const { recordSet: buf, fetchOffset, options } = this.encoded
    while (out.length < min) {
      const end = entryEnd(buf, this.pos)
      if (end < 0) {
        this.done = true
        break
      }
      const batch = decodeEntry(buf, this.pos, end, options)
      this.pos = end
      if (batch.lastOffset < fetchOffset || !this.filter.admits(batch)) continue
      const list = batch.records
      if (out.length === 0 && list.length > 0 && list[0].offset >= fetchOffset && list.length >= min) return list
      for (let i = 0; i < list.length; i++) if (list[i].offset >= fetchOffset) out.push(list[i])
    }
    return out
  }
}
