/**
 * Turns the decoded record batches of one Fetch response partition into the records handed to
 * the application: records before the fetch offset (inside a batch that starts earlier) are
 * skipped, control batches never surface, and under read_committed the batches of aborted
 * transactions are dropped using the response's aborted transaction list and the abort markers
 * (KIP-98; the Java client's CompletedFetch does the same).
 */
import { ControlRecordType, type DecodedBatch } from '../protocol/records/index.js'
import type { ConsumerRecord } from './consumer-record.js'

/** An entry of a Fetch response's AbortedTransactions. */
export interface AbortedTransaction {
  producerId: bigint
  firstOffset: bigint
}

export interface FetchedRecords {
  records: ConsumerRecord[]
  /** Offset to fetch next: one past the last batch seen (control and aborted batches included). */
  nextOffset: bigint
  /** Leader epoch of the last batch seen, -1 when none. */
  lastEpoch: number
}

/**
 * Which batches of one fetched record set reach the application: control batches never do, and
 * under read_committed the batches of aborted transactions are dropped (the response's aborted
 * transactions list where each starts, its ABORT marker where it ends). Fed every batch at or
 * after the fetch offset, in log order; keeps the open-aborted state between calls, so a record
 * set can be decoded a few batches at a time.
 */
export class TransactionFilter {
  private readonly pending: AbortedTransaction[] | null
  private pendingAt = 0
  private readonly abortedProducers = new Set<bigint>()

  /** @param aborted the response's aborted transactions, or null; only used when `readCommitted`. */
  constructor(
    private readonly readCommitted: boolean,
    aborted: readonly AbortedTransaction[] | null | undefined,
  ) {
    this.pending = readCommitted && aborted && aborted.length > 0 ? [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0)) : null
  }

  /** True when the batch's records go to the application. */
  admits(batch: DecodedBatch): boolean {
    if (this.readCommitted && batch.producerId >= 0n) {
      // Transactions that started at or before this batch's last offset are now "open aborted".
      const pending = this.pending
      while (pending !== null && this.pendingAt < pending.length && pending[this.pendingAt].firstOffset <= batch.lastOffset) {
        this.abortedProducers.add(pending[this.pendingAt].producerId)
        this.pendingAt++
      }
      if (batch.isControl) {
        const marker = batch.controlRecords[0]
        if (marker !== undefined && marker.type === ControlRecordType.ABORT) this.abortedProducers.delete(batch.producerId)
        return false
      }
      if (batch.isTransactional && this.abortedProducers.has(batch.producerId)) return false
    }
    return !batch.isControl
  }
}

/**
 * Records of `batches` at or after `fetchOffset`.
 * @param aborted the response's aborted transactions, or null; only used when `readCommitted`.
 */
export function fetchedRecords(
  batches: readonly DecodedBatch[],
  fetchOffset: bigint,
  readCommitted: boolean,
  aborted: readonly AbortedTransaction[] | null | undefined,
): FetchedRecords {
  let records: ConsumerRecord[] | null = null
  let borrowed = false
  let nextOffset = fetchOffset
  let lastEpoch = -1
  const filter = new TransactionFilter(readCommitted, aborted)
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b]
    if (batch.lastOffset < fetchOffset) continue
    nextOffset = batch.lastOffset + 1n
    lastEpoch = batch.partitionLeaderEpoch
    if (!filter.admits(batch)) continue
    // The decoder's records already have the consumer's shape: handed out as they are.
    const list = batch.records
    if (list.length === 0) continue
    if (records === null && list[0].offset >= fetchOffset) {
      // The common case, one batch per response partition: its array as it is, not copied.
      records = list
      borrowed = true
      continue
    }
    if (records === null) records = []
    else if (borrowed) {
      records = records.slice()
      borrowed = false
    }
    for (let i = 0; i < list.length; i++) {
      const r = list[i]
      if (r.offset >= fetchOffset) records.push(r)
    }
  }
  return { records: records ?? [], nextOffset, lastEpoch }
}
