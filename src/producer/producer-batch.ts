/**
 * One partition's record batch on its way: records are appended straight into a
 * {@link RecordBatchBuilder} (one encode pass, sizes computed once per record); beside it the
 * batch keeps only what settling the records needs, as runs: consecutive records of one
 * delivery target, with consecutive indices and one timestamp (the records of a `sendBatch`
 * call), share one entry, so appending allocates nothing per record.
 */
import type { CompressionCodec } from '../protocol/compression/codec.js'
import { RecordBatchBuilder, setBatchProducerState, writeBatchCrc } from '../protocol/records/record-batch-builder.js'
import type { ProduceRecord } from '../protocol/records/record.js'
import type { BatchBufferPool } from './batch-buffer-pool.js'
import type { DeliveryTarget } from './delivery-target.js'
import type { ProducerRecord } from './producer-record.js'

const INT32_MAX = 2147483647

/** Sequence after `sequence` + `increment`, wrapping past int32 max to 0 as the broker does (Java DefaultRecordBatch.incrementSequence). */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1
  return sequence + increment
}

export class ProducerBatch {
  readonly topic: string
  readonly partition: number
  /** Part of a transaction (a transactional producer's batch; the batch header says so). */
  readonly transactional: boolean
  /** When the first record was appended, ms. */
  readonly createdAt: number
  /** When unacknowledged records expire, ms: createdAt + deliveryTimeoutMs, or earlier for a record that waited before it was appended. */
  deadline: number
  private builder: RecordBatchBuilder | null
  private readonly pool: BatchBufferPool | null
  /** The encoded batch once closed and finished. */
  encoded: Buffer | null = null
  /** Set while an asynchronous codec (zstd) finishes the batch. */
  finishing: Promise<void> | null = null
  /** The sender asked to be woken when finishing ends. */
  wakeOnFinish = false
  /** Why finishing failed, if it did. */
  finishError: unknown = null
  /** No more records go in. */
  closed = false
  /** The encoded batch has no CRC yet (built for stamping, not stamped): {@link ProducerBatch.stamp} or {@link ProducerBatch.sealCrc} writes it. */
  crcPending: boolean
  /** Records appended. */
  count = 0
  /** Bytes charged against buffer memory for these records. */
  reservedBytes = 0
  /** Delivery runs, in record order: where each starts in the batch, its target, its first record's index for the target, its records' timestamp. */
  private readonly runStarts: number[] = []
  private readonly runTargets: DeliveryTarget[] = []
  private readonly runIndices: number[] = []
  private readonly runTimestamps: number[] = []
  /** The caller's records, kept only when a delivery listener or onDeliveryError needs them. */
  records: Array<ProducerRecord | null> | null = null
  /** Sequence of the first record once assigned at first send (-1 before), and the producer id/epoch it belongs to. */
  baseSequence = -1
  producerId = -1n
  producerEpoch = -1
  /** Position among the partition's batches in first-send order (-1 before); retries go back in this order. */
  sendOrder = -1
  /** For a piece of a split batch (same `sendOrder` as its siblings): records before it in the batch first sent; orders the pieces. */
  splitOffset = 0
  /** Sends so far. */
  attempts = 0
  /** Not before this time (retry backoff), ms. */
  retryAt = 0
  /** The last retriable error, reported as the cause when the batch expires. */
  lastError: unknown = null

  /**
   * @param stamped the batch gets its producer id, epoch and sequence (and with them its CRC,
   *   `setBatchProducerState`) before it is sent: closing it leaves the CRC to that, so an
   *   idempotent producer computes one CRC per batch, not two
   * @param pool where the buffer the records are encoded into before compression comes from and
   *   goes back to once compressed (the accumulator has one only for compressed batches; null:
   *   allocated and left to the GC)
   */
  constructor(topic: string, partition: number, now: number, deliveryTimeoutMs: number, compression: CompressionCodec, compressionLevel: number | undefined, initialCapacity: number, transactional = false, stamped = false, pool: BatchBufferPool | null = null) {
    this.topic = topic
    this.partition = partition
    this.transactional = transactional
    this.createdAt = now
    this.deadline = now + deliveryTimeoutMs
    this.crcPending = stamped
    this.pool = pool
    this.builder = new RecordBatchBuilder({ compression, compressionLevel, timestamp: now, transactional, crc: !stamped }, pool === null ? initialCapacity : pool.take(initialCapacity))
  }

  /** Uncompressed bytes so far, header included. */
  get sizeInBytes(): number {
    return this.builder === null ? (this.encoded?.length ?? 0) : this.builder.sizeInBytes
  }

  /**
   * Bytes `record` would add.
   * @param payloadSize its `recordPayloadSize` if known
   */
  recordSize(record: ProduceRecord, payloadSize = -1): number {
    return this.builder === null ? 0 : this.builder.recordSizeInBytes(record, payloadSize)
  }

  /**
   * Appends one record; `record.timestamp` must be set.
   * @param payloadSize its `recordPayloadSize` if known
   */
  append(record: ProduceRecord, target: DeliveryTarget, index: number, reserved: number, original: ProducerRecord | null, payloadSize = -1): void {
    this.builder!.append(record, payloadSize)
    const timestamp = record.timestamp!
    const r = this.runStarts.length - 1
    if (r >= 0 && this.runTargets[r] === target && this.runTimestamps[r] === timestamp && this.runIndices[r] + (this.count - this.runStarts[r]) === index) {
      // Same run: nothing to keep.
    } else {
      this.runStarts.push(this.count)
      this.runTargets.push(target)
      this.runIndices.push(index)
      this.runTimestamps.push(timestamp)
    }
    this.reservedBytes += reserved
    if (original !== null || this.records !== null) {
      this.records ??= new Array<ProducerRecord | null>(this.count).fill(null)
      this.records.push(original)
    }
    this.count++
  }

  /** Delivery runs (see {@link ProducerBatch.runStart} and the others). */
  get runs(): number {
    return this.runStarts.length
  }

  /** Position in the batch of run `r`'s first record. */
  runStart(r: number): number {
    return this.runStarts[r]
  }

  /** Records of run `r`. */
  runLength(r: number): number {
    return (r + 1 < this.runStarts.length ? this.runStarts[r + 1] : this.count) - this.runStarts[r]
  }

  /** Delivery target of run `r`'s records. */
  runTarget(r: number): DeliveryTarget {
    return this.runTargets[r]
  }

  /** Index (for its target) of run `r`'s first record; the others follow it. */
  runIndex(r: number): number {
    return this.runIndices[r]
  }

  /** Timestamp of run `r`'s records, ms. */
  runTimestamp(r: number): number {
    return this.runTimestamps[r]
  }

  /** The run holding the record at `position` in the batch. */
  runOf(position: number): number {
    let lo = 0
    let hi = this.runStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.runStarts[mid] <= position) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** Delivery target of the record at `position`. */
  targetAt(position: number): DeliveryTarget {
    return this.runTargets[this.runOf(position)]
  }

  /** Index (for its target) of the record at `position`. */
  indexAt(position: number): number {
    const r = this.runOf(position)
    return this.runIndices[r] + position - this.runStarts[r]
  }

  /** Timestamp of the record at `position`, ms. */
  timestampAt(position: number): number {
    return this.runTimestamps[this.runOf(position)]
  }

  /**
   * Gives the closed, encoded batch its producer id, epoch and first sequence (KIP-98), in the
   * bytes too, with the CRC.
   */
  stamp(producerId: bigint, producerEpoch: number, baseSequence: number): void {
    this.producerId = producerId
    this.producerEpoch = producerEpoch
    this.baseSequence = baseSequence
    setBatchProducerState(this.encoded!, producerId, producerEpoch, baseSequence)
    this.crcPending = false
  }

  /** Writes the CRC of a batch built for stamping that goes out unstamped. */
  sealCrc(): void {
    if (!this.crcPending) return
    writeBatchCrc(this.encoded!)
    this.crcPending = false
  }

  /** Sequence of the last record. */
  get lastSequence(): number {
    return incrementSequence(this.baseSequence, this.count - 1)
  }

  /**
   * Closes the batch and compresses it. Synchronous for every codec but zstd, whose
   * `finishing` promise resolves (never rejects: see `finishError`) when done.
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    const b = this.builder!
    this.builder = null
    if (b.compressionCodec === 'zstd') {
      this.finishing = b.finish().then(
        (buf) => {
          this.encoded = buf
          this.finishing = null
          this.recycle(b)
        },
        (err: unknown) => {
          this.finishError = err
          this.finishing = null
          this.recycle(b)
        },
      )
    } else {
      try {
        this.encoded = b.finishSync()
      } catch (err) {
        this.finishError = err
      }
      this.recycle(b)
    }
  }

  /** Gives the uncompressed records' buffer back to the pool once the codec is done with it. */
  private recycle(b: RecordBatchBuilder): void {
    if (this.pool === null) return
    const staging = b.takeStagingBuffer()
    if (staging !== null) this.pool.give(staging)
  }
}
