/**
 * The record accumulator: per topic-partition queues of {@link ProducerBatch}es, the linger and
 * size rules that decide when a batch is sent, per-partition ordering of sends and retries, and
 * sequence numbers (KIP-98) assigned when a batch is first sent. No I/O: the sender asks
 * {@link Accumulator.drain} which batches go to which broker now.
 */
import type { CompressionCodec } from '../protocol/compression/codec.js'
import { recordPayloadSize } from '../protocol/records/record-batch-builder.js'
import type { ProduceRecord } from '../protocol/records/record.js'
import { BatchBufferPool } from './batch-buffer-pool.js'
import type { DeliveryTarget } from './delivery-target.js'
import { incrementSequence, ProducerBatch } from './producer-batch.js'
import type { ProducerRecord } from './producer-record.js'

export interface AccumulatorOptions {
  lingerMs: number
  /** Per-partition batch size limit in bytes (uncompressed). */
  batchSize: number
  /** Unsent bytes over all partitions that make every batch ready. */
  maxBatchBytes: number
  /** Unsent records over all partitions that make every batch ready. */
  maxBatchSize: number
  /** Largest request; batches are packed into requests up to this many bytes. */
  maxRequestSize: number
  deliveryTimeoutMs: number
  compression: CompressionCodec
  compressionLevel?: number
  /** Batches of one partition in flight at once. */
  maxInFlightPerPartition: number
  /** Assign producer id, epoch and sequences when batches are first sent. */
  idempotent: boolean
  /** Mark batches transactional (a producer with a transactionalId, KIP-98). */
  transactional?: boolean
  /** The producer's buffer memory in bytes: a quarter of it at most is kept in recycled batch buffers (compressed batches). Default: 32 MiB. */
  bufferMemory?: number
}

/** Recycled batch buffers kept at most, whatever the buffer memory. */
const MAX_POOLED_BUFFERS = 16

/** One topic-partition's batches. */
export class PartitionQueue {
  /** Batches not in flight, in send order: retries first (in their first-send order), the last one may be open. */
  readonly batches: ProducerBatch[] = []
  /** Batches sent and not yet answered, in send order. */
  readonly inFlight: ProducerBatch[] = []
  /** Batches rejected as too large and being split (batch-splitter.ts): the partition sends nothing meanwhile. */
  readonly splitting: ProducerBatch[] = []
  /** Sequence the next new batch gets. */
  nextSequence = 0
  /** Sequence of the last acknowledged record, -1 when none under this epoch. */
  lastAckedSequence = -1
  /** Transactional producer: the partition is part of the open transaction (AddPartitionsToTxn answered, or v2). */
  inTransaction = false
  /** Uncompressed bytes of the partition's last closed batch: the next batch's buffer starts this large, so a busy partition's batches do not grow by doubling and copying. */
  lastBatchBytes = 0
  private nextSendOrder = 0

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** The open batch records are appended to, if any. */
  get open(): ProducerBatch | null {
    const last = this.batches.length > 0 ? this.batches[this.batches.length - 1] : null
    return last !== null && !last.closed ? last : null
  }

  takeSendOrder(): number {
    return this.nextSendOrder++
  }
}

/** The producer id and epoch batches are stamped with (KIP-98). */
export interface ProducerIdAndEpoch {
  producerId: bigint
  epoch: number
}

/** A Produce request to be: the batches for one broker, at most one per partition. */
export interface DrainedRequest {
  nodeId: number
  batches: ProducerBatch[]
}

export interface DrainResult {
  requests: DrainedRequest[]
  /** Topics with partitions whose leader is unknown. */
  missingLeaders: Set<string>
  /** Batches that failed to finish (compression error): fail their records. */
  failed: ProducerBatch[]
  /** Earliest time something becomes sendable without an outside event, or Infinity. */
  nextWakeAt: number
}

/**
 * Where a batch sent before goes back in its partition's queue: after the batches first sent
 * before it, before those first sent after it and those never sent. Pieces of one split batch
 * share its send order and are ordered by their first record's place in it.
 */
function insertionPoint(q: PartitionQueue, batch: ProducerBatch): number {
  let at = 0
  while (at < q.batches.length) {
    const b = q.batches[at]
    if (b.sendOrder < 0 || b.sendOrder > batch.sendOrder || (b.sendOrder === batch.sendOrder && b.splitOffset > batch.splitOffset)) break
    at++
  }
  return at
}

export class Accumulator {
  private readonly options: AccumulatorOptions
  private readonly byTopic = new Map<string, PartitionQueue[]>()
  private readonly queues: PartitionQueue[] = []
  /** Records and bytes (uncompressed) in batches not in flight. */
  unsentRecords = 0
  unsentBytes = 0
  /** Bytes charged for records appended and not yet settled. */
  bufferedBytes = 0
  /** Records appended and not yet settled. */
  bufferedRecords = 0
  /** The batch the last {@link Accumulator.append} went into. */
  lastAppended: ProducerBatch | null = null

  /** Buffers compressed batches are encoded into, reused (null when batches are not compressed). */
  private readonly pool: BatchBufferPool | null

  constructor(options: AccumulatorOptions) {
    this.options = options
    const size = options.batchSize + 64
    const keep = Math.min(MAX_POOLED_BUFFERS, Math.floor((options.bufferMemory ?? 33554432) / 4 / size))
    this.pool = options.compression === 'none' || keep < 1 ? null : new BatchBufferPool(size, keep)
  }

  /** The queue of a partition, created on first use. */
  queue(topic: string, partition: number): PartitionQueue {
    let list = this.byTopic.get(topic)
    if (list === undefined) {
      list = []
      this.byTopic.set(topic, list)
    }
    let q = list[partition]
    if (q === undefined) {
      q = new PartitionQueue(topic, partition)
      list[partition] = q
      this.queues.push(q)
    }
    return q
  }

  /** Topics records were appended to. */
  topics(): string[] {
    return [...this.byTopic.keys()]
  }

  /** Every partition queue. */
  allQueues(): readonly PartitionQueue[] {
    return this.queues
  }

  /** Whether appending `record` to this partition now would start a new batch (none open, or the open one is too full for it). */
  wouldStartBatch(topic: string, partition: number, record?: ProduceRecord, payloadSize = -1): boolean {
    const open = this.byTopic.get(topic)?.[partition]?.open
    if (open == null) return true
    return record !== undefined && open.count > 0 && open.sizeInBytes + open.recordSize(record, payloadSize) > this.options.batchSize
  }

  /**
   * Appends one record (its `timestamp` set) to the partition's open batch, closing that batch
   * first when the record does not fit in `batchSize`. Returns true when a batch was closed
   * (so it can be sent now) or the unsent totals passed `maxBatchBytes`/`maxBatchSize`; the batch
   * the record went into is {@link Accumulator.lastAppended}.
   * @param deadline when the record expires if earlier than the batch's own deadline (a record
   *   that waited for metadata or memory keeps its `deliveryTimeoutMs` from `send`)
   * @param payloadSize the record's `recordPayloadSize` (record-batch-builder.ts) if known, so
   *   its size is computed once; -1: computed here
   */
  append(topic: string, partition: number, record: ProduceRecord, reserved: number, target: DeliveryTarget, index: number, original: ProducerRecord | null, now: number, deadline = Infinity, payloadSize = -1): boolean {
    const q = this.queue(topic, partition)
    let batch = q.open
    let closedOne = false
    if (payloadSize < 0) payloadSize = recordPayloadSize(record.key, record.value, record.headers)
    if (batch !== null) {
      if (batch.count > 0 && batch.sizeInBytes + batch.recordSize(record, payloadSize) > this.options.batchSize) {
        q.lastBatchBytes = batch.sizeInBytes
        batch.close()
        closedOne = true
        batch = null
      }
    }
    if (batch === null) {
      const o = this.options
      batch = new ProducerBatch(topic, partition, now, o.deliveryTimeoutMs, o.compression, o.compressionLevel, Math.min(o.batchSize, Math.max(1024, reserved * 2, q.lastBatchBytes)) + 64, o.transactional === true, o.idempotent, this.pool)
      q.batches.push(batch)
    }
    if (deadline < batch.deadline) batch.deadline = deadline
    const before = batch.sizeInBytes
    batch.append(record, target, index, reserved, original, payloadSize)
    this.lastAppended = batch
    this.unsentRecords++
    this.unsentBytes += batch.sizeInBytes - before
    this.bufferedBytes += reserved
    this.bufferedRecords++
    if (batch.sizeInBytes >= this.options.batchSize) {
      q.lastBatchBytes = batch.sizeInBytes
      batch.close()
      closedOne = true
    }
    return closedOne || this.unsentRecords >= this.options.maxBatchSize || this.unsentBytes >= this.options.maxBatchBytes
  }

  /** Whether the unsent totals passed `maxBatchBytes` or `maxBatchSize`. */
  get overThreshold(): boolean {
    return this.unsentRecords >= this.options.maxBatchSize || this.unsentBytes >= this.options.maxBatchBytes
  }

  /**
   * The head batch of `q` if it may be sent at `now`, else the time it may (or Infinity when an
   * outside event must come first). Retries wait for their backoff and for every earlier batch
   * of the partition to come back, so a partition's batches are never reordered.
   */
  private sendableAt(q: PartitionQueue, now: number, force: boolean): number {
    const head = q.batches[0]
    if (head === undefined || q.splitting.length > 0) return Infinity
    const inFlight = q.inFlight.length
    if (inFlight > 0) {
      if (inFlight >= this.options.maxInFlightPerPartition) return Infinity
      // Idempotent: one batch in flight until the partition acknowledged one under this producer
      // id and epoch. A broker with no state for the producer on the partition accepts any
      // sequence, so a later batch could be written ahead of a first batch that is retried or
      // split (ProducerAppendInfo.checkSequence); once it has state, a gap is rejected
      // (OUT_OF_ORDER_SEQUENCE_NUMBER) and the later batch comes back in order.
      if (this.options.idempotent && q.lastAckedSequence < 0) return Infinity
    }
    if (head.attempts > 0) {
      if (q.inFlight.length > 0) return Infinity
      if (head.retryAt > now) return head.retryAt
    }
    if (head.closed || force) return head.finishing === null ? now : Infinity
    const lingerUntil = head.createdAt + this.options.lingerMs
    return lingerUntil <= now ? now : lingerUntil
  }

  /**
   * Takes the batches to send now, packed into requests per leader: at most one batch per
   * partition per request, at most `maxRequestSize` bytes per request (a single larger batch
   * goes alone), at most `slots(nodeId)` requests per broker. Closes (compresses) open batches
   * as they are taken; with `producer`, stamps producer id, epoch and sequence on first send.
   * @param force send open batches now (flush, thresholds passed)
   * @param leaderOf the leader's node id, or -1 when unknown
   * @param admit when given, a partition whose batch may go is sent only if it returns true (a
   *   transactional producer's partition not yet added to the transaction waits)
   */
  drain(now: number, force: boolean, leaderOf: (topic: string, partition: number) => number, slots: (nodeId: number) => number, producer: ProducerIdAndEpoch | null, admit: ((q: PartitionQueue) => boolean) | null = null): DrainResult {
    const force2 = force || this.overThreshold
    const result: DrainResult = { requests: [], missingLeaders: new Set(), failed: [], nextWakeAt: Infinity }
    const byLeader = new Map<number, PartitionQueue[]>()
    for (const q of this.queues) {
      const at = this.sendableAt(q, now, force2)
      if (at === Infinity) continue
      if (at > now) {
        if (at < result.nextWakeAt) result.nextWakeAt = at
        continue
      }
      const leader = leaderOf(q.topic, q.partition)
      if (leader < 0) {
        result.missingLeaders.add(q.topic)
        continue
      }
      if (admit !== null && !admit(q)) continue
      const list = byLeader.get(leader)
      if (list === undefined) byLeader.set(leader, [q])
      else list.push(q)
    }
    for (const [nodeId, queues] of byLeader) {
      let free = slots(nodeId)
      while (free > 0) {
        const batches: ProducerBatch[] = []
        let bytes = 0
        for (const q of queues) {
          const at = this.sendableAt(q, now, force2)
          if (at > now) {
            if (at < result.nextWakeAt) result.nextWakeAt = at
            continue
          }
          const head = q.batches[0]
          if (!head.closed) {
            q.lastBatchBytes = head.sizeInBytes
            head.close()
            if (head.finishing !== null) continue
          }
          if (head.finishError !== null) {
            q.batches.shift()
            this.unsentRecords -= head.count
            this.unsentBytes -= head.sizeInBytes
            result.failed.push(head)
            continue
          }
          const size = head.encoded!.length
          if (batches.length > 0 && bytes + size > this.options.maxRequestSize) continue
          q.batches.shift()
          this.unsentRecords -= head.count
          this.unsentBytes -= head.sizeInBytes
          if (head.sendOrder < 0) head.sendOrder = q.takeSendOrder()
          if (producer !== null && (head.baseSequence < 0 || head.producerEpoch !== producer.epoch || head.producerId !== producer.producerId)) {
            head.stamp(producer.producerId, producer.epoch, q.nextSequence)
            q.nextSequence = incrementSequence(q.nextSequence, head.count)
          }
          // Built for stamping (idempotent) but sent without: never expected, but never without a CRC.
          if (head.crcPending) head.sealCrc()
          head.attempts++
          q.inFlight.push(head)
          batches.push(head)
          bytes += size
        }
        if (batches.length === 0) break
        result.requests.push({ nodeId, batches })
        free--
      }
    }
    return result
  }

  /** Removes a batch that was answered (or failed for good) from its partition's in-flight list and releases its memory. */
  settle(batch: ProducerBatch): void {
    const q = this.queue(batch.topic, batch.partition)
    const i = q.inFlight.indexOf(batch)
    if (i >= 0) q.inFlight.splice(i, 1)
    this.bufferedBytes -= batch.reservedBytes
    this.bufferedRecords -= batch.count
  }

  /** Records an acknowledged batch's sequence. */
  acknowledged(batch: ProducerBatch): void {
    if (batch.baseSequence < 0) return
    const q = this.queue(batch.topic, batch.partition)
    q.lastAckedSequence = batch.lastSequence
  }

  /**
   * Puts an in-flight batch back for a retry at `retryAt`, ahead of batches first sent after it
   * and of every batch never sent, so the partition keeps its order.
   */
  requeue(batch: ProducerBatch, retryAt: number): void {
    const q = this.queue(batch.topic, batch.partition)
    const i = q.inFlight.indexOf(batch)
    if (i >= 0) q.inFlight.splice(i, 1)
    batch.retryAt = retryAt
    q.batches.splice(insertionPoint(q, batch), 0, batch)
    this.unsentRecords += batch.count
    this.unsentBytes += batch.sizeInBytes
  }

  /**
   * Takes an in-flight batch the broker rejected as too large out of flight while it is split;
   * its partition sends nothing until {@link Accumulator.endSplit}.
   */
  beginSplit(batch: ProducerBatch): void {
    const q = this.queue(batch.topic, batch.partition)
    const i = q.inFlight.indexOf(batch)
    if (i >= 0) q.inFlight.splice(i, 1)
    q.splitting.push(batch)
  }

  /**
   * Puts the pieces of a split batch (in record order, none if the split failed) where the batch
   * was: ahead of batches first sent after it and of every batch never sent, sendable at `now`.
   * They keep the batch's send order and attempts, so, like retries, each waits until nothing of
   * its partition is in flight.
   */
  endSplit(batch: ProducerBatch, pieces: readonly ProducerBatch[], now: number): void {
    const q = this.queue(batch.topic, batch.partition)
    const i = q.splitting.indexOf(batch)
    if (i >= 0) q.splitting.splice(i, 1)
    let at = insertionPoint(q, batch)
    for (const p of pieces) {
      p.retryAt = now
      q.batches.splice(at++, 0, p)
      this.unsentRecords += p.count
      this.unsentBytes += p.sizeInBytes
    }
  }

  /** Removes and returns the batches not in flight whose deadline passed. */
  expire(now: number): ProducerBatch[] {
    const out: ProducerBatch[] = []
    for (const q of this.queues) {
      if (q.batches.length === 0 || q.batches[0].deadline > now) continue
      for (let i = 0; i < q.batches.length; ) {
        const b = q.batches[i]
        if (b.deadline <= now && b.finishing === null) {
          q.batches.splice(i, 1)
          this.unsentRecords -= b.count
          this.unsentBytes -= b.sizeInBytes
          this.bufferedBytes -= b.reservedBytes
          this.bufferedRecords -= b.count
          out.push(b)
        } else {
          i++
        }
      }
    }
    return out
  }

  /** Removes every batch not in flight (closing the producer after a fatal error). */
  takeAllUnsent(): ProducerBatch[] {
    const out: ProducerBatch[] = []
    for (const q of this.queues) {
      for (const b of q.batches) {
        this.bufferedBytes -= b.reservedBytes
        this.bufferedRecords -= b.count
        out.push(b)
      }
      q.batches.length = 0
    }
    this.unsentRecords = 0
    this.unsentBytes = 0
    return out
  }

  /** Batches in flight over all partitions. */
  get inFlightBatches(): number {
    let n = 0
    for (const q of this.queues) n += q.inFlight.length
    return n
  }

  /**
   * After an epoch bump (KIP-360): every partition's sequences restart at 0 and batches not yet
   * acknowledged get new sequences when next sent. Call only with nothing in flight.
   */
  resetSequences(): void {
    for (const q of this.queues) {
      q.nextSequence = 0
      q.lastAckedSequence = -1
      for (const b of q.batches) b.baseSequence = -1
    }
  }

  /** The sequence the broker expects next on this partition. */
  expectedSequence(topic: string, partition: number): number {
    return incrementSequence(this.queue(topic, partition).lastAckedSequence, 1)
  }
}
