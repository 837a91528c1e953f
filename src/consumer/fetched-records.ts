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
  const pending = readCommitted && aborted && aborted.length > 0 ? [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0)) : null
  let pendingAt = 0
  const abortedProducers = new Set<bigint>()
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b]
    if (batch.lastOffset < fetchOffset) continue
    nextOffset = batch.lastOffset + 1n
    lastEpoch = batch.partitionLeaderEpoch
    if (readCommitted && batch.producerId >= 0n) {
      // Transactions that started at or before this batch's last offset are now "open aborted".
      while (pending !== null && pendingAt < pending.length && pending[pendingAt].firstOffset <= batch.lastOffset) {
        abortedProducers.add(pending[pendingAt].producerId)
        pendingAt++
      }
      if (batch.isControl) {
        const marker = batch.controlRecords[0]
        if (marker !== undefined && marker.type === ControlRecordType.ABORT) abortedProducers.delete(batch.producerId)
        continue
      }
      if (batch.isTransactional && abortedProducers.has(batch.producerId)) continue
    }
    if (batch.isControl) continue
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
