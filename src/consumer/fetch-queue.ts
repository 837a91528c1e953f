/**
 * Fetched data waiting for the application, in arrival order, and the hand-out rules: data of
 * a cursor that was seeked, reset or revoked since the fetch is dropped; paused partitions wait;
 * handing data out advances the cursor's position (what `commit()` commits). Every item leaves
 * the queue through `release`, which gives its broker's prefetch budget and its bytes (the buffer
 * budget, `queuedMaxMessagesKbytes`) back. Record sets wait encoded and are decoded a chunk of
 * batches at a time as they are handed out (RecordSetReader): a decoding error (CRC, malformed
 * batch) fails that partition then, and what was handed out before it stays handed out.
 */
import { KafkaError } from '../errors.js'
import type { ConsumerBatch, ConsumerRecord } from './consumer-record.js'
import type { PartitionState } from './partition-state.js'
import type { FetchedPartition } from './fetcher.js'

/** An item with records decoded and not yet handed out (`records[next]` on). */
type DecodedItem = FetchedPartition & { records: ConsumerRecord[] }

/** Records decoded from a queued record set at a time (whole batches: a chunk may be larger). */
const DECODE_CHUNK_RECORDS = 4096

export class FetchQueue {
  private items: FetchedPartition[] = []

  constructor(
    /** Whether `c` is still assigned (the consumer's current cursor for its partition). */
    private readonly current: (c: PartitionState) => boolean,
    /** An item left the queue (handed out whole or dropped): its bytes and its response's budget return. */
    private readonly release: (item: FetchedPartition) => void,
    /** A queued record set could not be decoded: the partition fails with `err`. */
    private readonly fail: (c: PartitionState, err: KafkaError) => void,
  ) {}

  push(items: readonly FetchedPartition[]): void {
    for (const item of items) this.items.push(item)
  }

  /** Drops queued data of a cursor. */
  purge(c: PartitionState): void {
    if (this.items.length === 0) return
    const keep: FetchedPartition[] = []
    for (const item of this.items) {
      if (item.cursor === c) this.release(item)
      else keep.push(item)
    }
    this.items = keep
  }

  /** Records buffered and not yet handed out (stats). */
  bufferedRecords(): number {
    let n = 0
    for (const item of this.items) n += Math.max(0, item.recordCount - item.taken)
    return n
  }

  /** Drops everything (stop). */
  clear(): void {
    for (const item of this.items) this.release(item)
    this.items = []
  }

  /**
   * The first item that may be handed out (left in the queue, decoded); stale items are dropped.
   * Items of partitions in `busy` (partition keys) wait, as paused ones do.
   */
  private peek(busy?: ReadonlyMap<string, unknown>): DecodedItem | null {
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i]
      const c = item.cursor
      if (!this.current(c) || c.version !== item.version || c.state !== 'ready') {
        this.items.splice(i--, 1)
        this.release(item)
        continue
      }
      if (c.paused || (busy !== undefined && busy.has(c.key))) continue
      if (!this.decode(item)) {
        this.items.splice(i--, 1)
        this.release(item)
        continue
      }
      if ((item as DecodedItem).records.length === item.next) {
        // Nothing for the application (control records, aborted transactions): just move on.
        this.items.splice(i--, 1)
        this.finish(item)
        continue
      }
      return item as DecodedItem
    }
    return null
  }

  /**
   * Decodes the next chunk of a queued record set when the last one is used up (until one has
   * records or the set ends); false, and the partition failed, when it can't be decoded.
   */
  private decode(item: FetchedPartition): boolean {
    const reader = item.reader
    if (reader === null) return true
    try {
      while ((item.records === null || item.records.length === item.next) && !reader.finished) {
        item.records = reader.next(DECODE_CHUNK_RECORDS)
        item.next = 0
      }
      item.records ??= []
      return true
    } catch (err) {
      this.fail(item.cursor, err instanceof KafkaError ? err : new KafkaError(String(err), { code: 'PROTOCOL_DECODE', cause: err }))
      return false
    }
  }

  /** More of the item may follow the current chunk. */
  private static more(item: DecodedItem): boolean {
    return item.reader !== null && !item.reader.finished
  }

  private finish(item: FetchedPartition): void {
    item.cursor.consumed(item.nextOffset, item.lastEpoch)
    this.release(item)
  }

  private remove(item: FetchedPartition): void {
    this.items.splice(this.items.indexOf(item), 1)
    this.finish(item)
  }

  /**
   * The rest of the next item, as one partition's batch. Partitions in `busy` (partition keys:
   * batches still being processed by `run()` workers) are skipped, their data left queued in order.
   */
  nextBatch(busy?: ReadonlyMap<string, unknown>): ConsumerBatch | null {
    const item = this.peek(busy)
    if (item === null) return null
    const records = item.next === 0 ? item.records : item.records.slice(item.next)
    item.taken += records.length
    if (FetchQueue.more(item)) {
      // The rest of the record set follows as later batches of the same partition.
      item.next = item.records.length
      const last = records[records.length - 1]
      item.cursor.consumed(last.offset + 1n, last.leaderEpoch)
    } else {
      this.remove(item)
    }
    return { topic: item.cursor.topic, partition: item.cursor.partition, records, highWatermark: item.highWatermark, lastStableOffset: item.lastStableOffset }
  }

  /** Up to `max` records, across items; a partly taken item stays queued. */
  nextRecords(max: number): ConsumerRecord[] {
    const out: ConsumerRecord[] = []
    while (out.length < max) {
      const item = this.peek()
      if (item === null) break
      const n = Math.min(max - out.length, item.records.length - item.next)
      for (let i = 0; i < n; i++) out.push(item.records[item.next + i])
      item.next += n
      item.taken += n
      if (item.next === item.records.length && !FetchQueue.more(item)) {
        this.remove(item)
      } else {
        const last = item.records[item.next - 1]
        item.cursor.consumed(last.offset + 1n, last.leaderEpoch)
      }
    }
    return out
  }
}
