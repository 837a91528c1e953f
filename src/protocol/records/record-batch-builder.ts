/**
 * Record batch (magic 2) encoding (protocol guide, "Record Batch" and "Record"; KIP-98 for
 * producer id, epoch, base sequence, transactional and control). Records are appended one by
 * one straight into a {@link Writer} after a reserved 61-byte header; `finish` compresses the
 * records section if asked, then fills the header, batch length and CRC-32C in place.
 */
import { crc32c } from './crc32c.js'
import { ConfigError, KafkaProtocolError } from '../../errors.js'
import { type CompressionCodec, COMPRESSION_CODEC_IDS } from '../compression/codec.js'
import { compress, compressSync } from '../compression/index.js'
import { Writer } from '../writer.js'
import {
  ATTRIBUTES_AT,
  BASE_OFFSET_AT,
  BASE_SEQUENCE_AT,
  BASE_TIMESTAMP_AT,
  BATCH_LENGTH_AT,
  CONTROL_BIT,
  CRC_AT,
  LAST_OFFSET_DELTA_AT,
  LOG_OVERHEAD,
  MAGIC_AT,
  MAX_TIMESTAMP_AT,
  PARTITION_LEADER_EPOCH_AT,
  PRODUCER_EPOCH_AT,
  PRODUCER_ID_AT,
  RECORD_BATCH_MAGIC,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_AT,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
} from './batch-layout.js'
import type { ProduceRecord, RecordHeader, TimestampType } from './record.js'

/** Options of a record batch. Defaults are those of a non-idempotent producer. */
export interface RecordBatchOptions {
  /** Codec of the records section; default 'none'. */
  compression?: CompressionCodec
  /** Codec level (gzip 0-9, zstd 1-22); default the codec's. */
  compressionLevel?: number
  /** Base offset; producers send 0n (the broker assigns offsets). */
  baseOffset?: bigint
  /** Partition leader epoch; producers send -1 (the broker stamps it). */
  partitionLeaderEpoch?: number
  /** Producer id (KIP-98); -1n when not idempotent. */
  producerId?: bigint
  /** Producer epoch; -1 when not idempotent. */
  producerEpoch?: number
  /** Sequence number of the first record; -1 when not idempotent. */
  baseSequence?: number
  /** Whether the batch belongs to a transaction; default false. */
  transactional?: boolean
  /** Whether the batch holds control records (brokers write these; for tests and tools). */
  control?: boolean
  /** Timestamp type; producers use 'create-time' (the default). */
  timestampType?: TimestampType
  /** Timestamp in ms given to records that carry none; default `Date.now()` when the builder is made. */
  timestamp?: number
  /**
   * false: leave the CRC field 0, for a caller that stamps the batch with
   * {@link setBatchProducerState} before sending it (an idempotent producer assigns sequences at
   * first send), so the CRC is computed once per batch. Default true.
   */
  crc?: boolean
}

const INT32_MAX = 2147483647

/** Bytes of the zig-zag varint of a 32-bit `v`. */
function varintSize(v: number): number {
  const z = ((v << 1) ^ (v >> 31)) >>> 0
  if (z < 0x80) return 1
  if (z < 0x4000) return 2
  if (z < 0x200000) return 3
  if (z < 0x10000000) return 4
  return 5
}

/** Bytes of the zig-zag varlong of a safe integer `v`. */
function varlongSize(v: number): number {
  if (v >= -1073741824 && v < 1073741824) return varintSize(v)
  let z = v >= 0 ? v * 2 : -v * 2 - 1
  let n = 1
  while (z >= 128) {
    z = Math.floor(z / 128)
    n++
  }
  return n
}

function putVarint(buf: Buffer, off: number, v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0
  while (z > 0x7f) {
    buf[off++] = (z & 0x7f) | 0x80
    z >>>= 7
  }
  buf[off++] = z
  return off
}

/** Zig-zag varlong of a safe integer, without BigInt (doubles are exact below 2^54). */
function putVarlong(buf: Buffer, off: number, v: number): number {
  if (v >= -1073741824 && v < 1073741824) return putVarint(buf, off, v)
  let z = v >= 0 ? v * 2 : -v * 2 - 1
  while (z >= 128) {
    buf[off++] = (z % 128) | 0x80
    z = Math.floor(z / 128)
  }
  buf[off++] = z
  return off
}

function putBytes(buf: Buffer, off: number, v: Uint8Array | null): number {
  if (v === null) {
    buf[off] = 1 // zig-zag -1
    return off + 1
  }
  const n = v.length
  off = putVarint(buf, off, n)
  if (n > 16) {
    buf.set(v, off)
    return off + n
  }
  // Short keys and values: a loop is cheaper than the native copy's call.
  for (let i = 0; i < n; i++) buf[off + i] = v[i]
  return off + n
}

/**
 * Bytes the key, value and headers fields of a record take in a batch, their length varints
 * included: everything of the record but its length, attributes and two deltas. The producer
 * computes it once per record (when it checks the record) and hands it to
 * {@link RecordBatchBuilder.append}, so no size is computed twice.
 */
export function recordPayloadSize(key: Uint8Array | null | undefined, value: Uint8Array | null | undefined, headers: readonly RecordHeader[] | null | undefined): number {
  let size = (key === null || key === undefined ? 1 : varintSize(key.length) + key.length) + (value === null || value === undefined ? 1 : varintSize(value.length) + value.length)
  if (headers === null || headers === undefined) return size + 1
  size += varintSize(headers.length)
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]
    const keyLen = Buffer.byteLength(h.key, 'utf8')
    size += varintSize(keyLen) + keyLen
    size += h.value === null || h.value === undefined ? 1 : varintSize(h.value.length) + h.value.length
  }
  return size
}

/**
 * Builds one record batch (magic 2). Append records with {@link RecordBatchBuilder.append},
 * watch {@link RecordBatchBuilder.sizeInBytes} (or {@link RecordBatchBuilder.recordSizeInBytes}
 * before appending) against the batch size limit, then call `finish` (or `finishSync`) once.
 *
 * The base timestamp is the first record's timestamp; offset deltas are 0, 1, 2...
 */
export class RecordBatchBuilder {
  private readonly writer: Writer
  private readonly compression: CompressionCodec
  private readonly compressionLevel: number | undefined
  private readonly options: RecordBatchOptions
  private readonly defaultTimestamp: number
  private baseTimestamp = 0
  private maxTimestamp = 0
  private recordCount = 0
  private finished = false
  private stagingTaken = false
  /** The codec is done reading the staging buffer (it returned or threw). */
  private compressed = false

  /**
   * @param initialCapacity bytes to allocate up front (the writer doubles when full), or a buffer
   *   to encode into (a producer's recycled one, see {@link RecordBatchBuilder.takeStagingBuffer})
   * @throws ConfigError on an unknown codec or a timestamp that is not a safe integer.
   */
  constructor(options: RecordBatchOptions = {}, initialCapacity: number | Buffer = 1024) {
    this.options = options
    this.compression = options.compression ?? 'none'
    if (COMPRESSION_CODEC_IDS[this.compression] === undefined) {
      throw new ConfigError(`unknown compression codec ${String(this.compression)}`)
    }
    this.compressionLevel = options.compressionLevel
    this.defaultTimestamp = options.timestamp ?? Date.now()
    if (!Number.isSafeInteger(this.defaultTimestamp)) {
      throw new ConfigError(`batch timestamp ${this.defaultTimestamp} is not an integer number of ms`)
    }
    const given = typeof initialCapacity === 'number' ? initialCapacity : initialCapacity.length >= RECORD_BATCH_OVERHEAD ? initialCapacity : 0
    this.writer = new Writer(typeof given === 'number' ? Math.max(given, RECORD_BATCH_OVERHEAD) : given)
    this.writer.reserve(RECORD_BATCH_OVERHEAD)
  }

  /** Records appended so far. */
  get count(): number {
    return this.recordCount
  }

  /** Uncompressed size of the batch so far in bytes, header included. */
  get sizeInBytes(): number {
    return this.writer.offset
  }

  /** The codec `finish` will apply. */
  get compressionCodec(): CompressionCodec {
    return this.compression
  }

  /**
   * Bytes `append(record)` would add to {@link sizeInBytes} (uncompressed).
   * @param payloadSize `recordPayloadSize(record.key, record.value, record.headers)` if known
   */
  recordSizeInBytes(record: ProduceRecord, payloadSize = -1): number {
    const timestamp = record.timestamp ?? this.defaultTimestamp
    const bodySize = this.bodySize(this.recordCount === 0 ? 0 : timestamp - this.baseTimestamp, payloadSize >= 0 ? payloadSize : recordPayloadSize(record.key, record.value, record.headers))
    return varintSize(bodySize) + bodySize
  }

  /** Bytes of a record after its length varint: attributes, deltas, then the payload. */
  private bodySize(timestampDelta: number, payloadSize: number): number {
    return 1 + varlongSize(timestampDelta) + varintSize(this.recordCount) + payloadSize
  }

  /**
   * Appends one record with the next offset delta, encoding it straight into the batch's buffer
   * (length, attributes, deltas, key, value, headers) in one pass.
   * @param payloadSize `recordPayloadSize(record.key, record.value, record.headers)` if known
   *   (the producer computed it when it checked the record); computed here otherwise
   * @throws ConfigError after `finish`, or when the timestamp is not a safe integer.
   */
  append(record: ProduceRecord, payloadSize = -1): void {
    if (this.finished) throw new ConfigError('record batch already finished')
    const timestamp = record.timestamp ?? this.defaultTimestamp
    if (this.recordCount === 0) {
      if (!Number.isSafeInteger(timestamp)) throw new ConfigError(`record timestamp ${timestamp} is not an integer number of ms`)
      this.baseTimestamp = timestamp
      this.maxTimestamp = timestamp
    } else {
      if (timestamp !== this.defaultTimestamp && !Number.isSafeInteger(timestamp)) {
        throw new ConfigError(`record timestamp ${timestamp} is not an integer number of ms`)
      }
      if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp
    }
    const key = record.key ?? null
    const value = record.value ?? null
    const headers = record.headers ?? null
    const timestampDelta = timestamp - this.baseTimestamp
    const bodySize = this.bodySize(timestampDelta, payloadSize >= 0 ? payloadSize : recordPayloadSize(key, value, headers))
    const w = this.writer
    w.ensure(5 + bodySize)
    const buf = w.buf
    let off = putVarint(buf, w.offset, bodySize)
    buf[off++] = 0 // record attributes: unused
    off = putVarlong(buf, off, timestampDelta)
    off = putVarint(buf, off, this.recordCount)
    off = putBytes(buf, off, key)
    off = putBytes(buf, off, value)
    if (headers === null) {
      buf[off++] = 0
    } else {
      off = putVarint(buf, off, headers.length)
      for (let i = 0; i < headers.length; i++) {
        const h = headers[i]
        const keyLen = Buffer.byteLength(h.key, 'utf8')
        off = putVarint(buf, off, keyLen)
        off += buf.write(h.key, off, keyLen, 'utf8')
        off = putBytes(buf, off, h.value ?? null)
      }
    }
    w.offset = off
    this.recordCount++
  }

  private attributes(): number {
    const o = this.options
    return (
      COMPRESSION_CODEC_IDS[this.compression] |
      (o.timestampType === 'log-append-time' ? TIMESTAMP_TYPE_BIT : 0) |
      (o.transactional === true ? TRANSACTIONAL_BIT : 0) |
      (o.control === true ? CONTROL_BIT : 0)
    )
  }

  private writeHeader(buf: Buffer, batchSize: number): void {
    const o = this.options
    const maxTimestamp = o.timestampType === 'log-append-time' ? this.defaultTimestamp : this.maxTimestamp
    buf.writeBigInt64BE(o.baseOffset ?? 0n, BASE_OFFSET_AT)
    buf.writeInt32BE(batchSize - LOG_OVERHEAD, BATCH_LENGTH_AT)
    buf.writeInt32BE(o.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH_AT)
    buf[MAGIC_AT] = RECORD_BATCH_MAGIC
    buf.writeInt16BE(this.attributes(), ATTRIBUTES_AT)
    buf.writeInt32BE(this.recordCount - 1, LAST_OFFSET_DELTA_AT)
    writeInt64Number(buf, this.baseTimestamp, BASE_TIMESTAMP_AT)
    writeInt64Number(buf, maxTimestamp, MAX_TIMESTAMP_AT)
    buf.writeBigInt64BE(o.producerId ?? -1n, PRODUCER_ID_AT)
    buf.writeInt16BE(o.producerEpoch ?? -1, PRODUCER_EPOCH_AT)
    buf.writeInt32BE(o.baseSequence ?? -1, BASE_SEQUENCE_AT)
    buf.writeInt32BE(this.recordCount, RECORDS_COUNT_AT)
    buf.writeUInt32BE(o.crc === false ? 0 : crc32c(buf.subarray(ATTRIBUTES_AT, batchSize)), CRC_AT)
  }

  private startFinish(): Buffer {
    if (this.finished) throw new ConfigError('record batch already finished')
    if (this.recordCount === 0) throw new ConfigError('cannot encode an empty record batch')
    this.finished = true
    return this.writer.view()
  }

  private assemble(records: Buffer): Buffer {
    const size = RECORD_BATCH_OVERHEAD + records.length
    if (size - LOG_OVERHEAD > INT32_MAX) throw new KafkaProtocolError(`record batch of ${size} bytes is too large`)
    const out = Buffer.allocUnsafe(size)
    records.copy(out, RECORD_BATCH_OVERHEAD)
    this.writeHeader(out, size)
    return out
  }

  /**
   * After a compressed batch's codec is done (`finishSync` returned or threw, `finish`'s promise
   * settled): the buffer its records were encoded into, which nothing refers to any more, so it
   * can be reused (once; later calls return null). Null for an uncompressed batch (the finished
   * batch is a view on that buffer) and while the codec may still read it.
   */
  takeStagingBuffer(): Buffer | null {
    if (!this.compressed || this.compression === 'none' || this.stagingTaken) return null
    this.stagingTaken = true
    return this.writer.buf
  }

  /**
   * Compresses (none, gzip, snappy, lz4) and completes the batch. Uncompressed, the result is a
   * view on the builder's buffer (no copy). The builder cannot be used afterwards.
   * @throws ConfigError for zstd (use {@link finish}), when empty, or when already finished.
   */
  finishSync(): Buffer {
    if (this.compression === 'zstd') throw new ConfigError('zstd batches need the asynchronous finish()')
    const built = this.startFinish()
    if (this.compression === 'none') {
      this.writeHeader(built, built.length)
      return built
    }
    let records: Buffer
    try {
      records = compressSync(this.compression, built.subarray(RECORD_BATCH_OVERHEAD), { level: this.compressionLevel })
    } finally {
      this.compressed = true
    }
    return this.assemble(records)
  }

  /**
   * Compresses with any codec and completes the batch; see {@link finishSync}.
   * @throws ConfigError when empty or already finished.
   */
  async finish(): Promise<Buffer> {
    if (this.compression !== 'zstd') return this.finishSync()
    const built = this.startFinish()
    let records: Buffer
    try {
      records = await compress(this.compression, built.subarray(RECORD_BATCH_OVERHEAD), { level: this.compressionLevel })
    } finally {
      this.compressed = true
    }
    return this.assemble(records)
  }
}

function writeInt64Number(buf: Buffer, v: number, at: number): void {
  const hi = Math.floor(v / 4294967296)
  buf.writeInt32BE(hi, at)
  buf.writeUInt32BE(v - hi * 4294967296, at + 4)
}

/**
 * Encodes `records` as one record batch (magic 2) with any codec.
 * @throws ConfigError when `records` is empty or a timestamp is not a safe integer.
 */
export async function encodeRecordBatch(records: readonly ProduceRecord[], options: RecordBatchOptions = {}): Promise<Buffer> {
  return fill(records, options).finish()
}

/**
 * Encodes `records` as one record batch (magic 2) synchronously (every codec but zstd).
 * @throws ConfigError for zstd, when `records` is empty or a timestamp is not a safe integer.
 */
export function encodeRecordBatchSync(records: readonly ProduceRecord[], options: RecordBatchOptions = {}): Buffer {
  return fill(records, options).finishSync()
}

function fill(records: readonly ProduceRecord[], options: RecordBatchOptions): RecordBatchBuilder {
  let estimate = RECORD_BATCH_OVERHEAD
  for (let i = 0; i < records.length; i++) {
    const r = records[i]
    estimate += 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0)
  }
  const builder = new RecordBatchBuilder(options, estimate)
  for (let i = 0; i < records.length; i++) builder.append(records[i])
  return builder
}

/**
 * Computes the CRC-32C of an encoded record batch and writes it in place (a batch built with
 * `crc: false` that is sent without {@link setBatchProducerState}).
 * @throws KafkaProtocolError when `batch` is not a magic 2 record batch.
 */
export function writeBatchCrc(batch: Buffer): void {
  if (batch.length < RECORD_BATCH_OVERHEAD || batch[MAGIC_AT] !== RECORD_BATCH_MAGIC) throw new KafkaProtocolError('not a magic 2 record batch')
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_AT)), CRC_AT)
}

/**
 * Rewrites the producer id, epoch and base sequence of an encoded record batch in place and
 * recomputes its CRC-32C, without re-encoding or recompressing (an idempotent producer assigns
 * sequences when a batch is drained, and again if it has to reset them).
 * @throws KafkaProtocolError when `batch` is not a whole magic 2 record batch.
 */
export function setBatchProducerState(batch: Buffer, producerId: bigint, producerEpoch: number, baseSequence: number): void {
  if (batch.length < RECORD_BATCH_OVERHEAD || batch[MAGIC_AT] !== RECORD_BATCH_MAGIC) {
    throw new KafkaProtocolError('not a magic 2 record batch')
  }
  const size = batch.readInt32BE(BATCH_LENGTH_AT) + LOG_OVERHEAD
  if (size !== batch.length) throw new KafkaProtocolError(`record batch length ${size} does not match its ${batch.length} bytes`)
  batch.writeBigInt64BE(producerId, PRODUCER_ID_AT)
  batch.writeInt16BE(producerEpoch, PRODUCER_EPOCH_AT)
  batch.writeInt32BE(baseSequence, BASE_SEQUENCE_AT)
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_AT)), CRC_AT)
}
