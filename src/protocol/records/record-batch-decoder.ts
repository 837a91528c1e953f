/**
 * Decoding of the `records` bytes of a Fetch response partition (protocol guide, "Record
 * Batch" and "Message Sets"): a sequence of record batches (magic 2) and/or legacy message
 * sets (magic 0, 1), told apart by the magic byte at offset 16 of each entry. The last entry
 * may be cut short by the broker's fetch size limit; it is skipped, as the Java client does.
 */
import { crc32c } from './crc32c.js'
import { KafkaProtocolError } from '../../errors.js'
import { compressionCodecFromId } from '../compression/codec.js'
import { COMPRESSION_CODEC_IDS, decompress, decompressSync, hasSyncDecompression } from '../compression/index.js'
import {
  ATTRIBUTES_AT,
  BASE_SEQUENCE_AT,
  BASE_TIMESTAMP_AT,
  CONTROL_BIT,
  CRC_AT,
  LAST_OFFSET_DELTA_AT,
  LOG_OVERHEAD,
  MAGIC_AT,
  MAX_TIMESTAMP_AT,
  MIN_BATCH_LENGTH,
  PARTITION_LEADER_EPOCH_AT,
  PRODUCER_EPOCH_AT,
  PRODUCER_ID_AT,
  RECORD_BATCH_MAGIC,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_AT,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
} from './batch-layout.js'
import { crcMismatch, type DecodeRecordBatchesOptions, EMPTY_HEADERS, inBatch } from './decode-context.js'
import { decodeLegacyEntry, LEGACY_MIN_SIZE_V0, LEGACY_MIN_SIZE_V1 } from './legacy-message-set.js'
import type { ControlRecord, DecodedBatch, DecodedRecord, RecordHeader } from './record.js'

export type { DecodeRecordBatchesOptions } from './decode-context.js'

/** Bytes of the smallest record: length, attributes, timestamp delta, offset delta, key, value, header count. */
const MIN_RECORD_SIZE = 7
const MAX_SAFE_BASE = Number.MAX_SAFE_INTEGER - 2147483648

// Read position of the varint readers below; module-level so the hot loop allocates nothing.
let pos = 0

function truncated(at: number): KafkaProtocolError {
  return new KafkaProtocolError('truncated varint', at)
}

/** Zig-zag varint (32-bit) at `pos`, not reading at or past `end`. */
function readVarint(buf: Buffer, end: number): number {
  let p = pos
  if (p >= end) throw truncated(p)
  let b = buf[p++]
  if (b < 0x80) {
    pos = p
    return (b >>> 1) ^ -(b & 1)
  }
  let z = b & 0x7f
  for (let shift = 7; ; shift += 7) {
    if (p >= end) throw truncated(p)
    b = buf[p++]
    if (shift === 28) {
      if (b > 0x0f) throw new KafkaProtocolError('varint longer than 32 bits', p - 1)
      z |= b << 28
      break
    }
    z |= (b & 0x7f) << shift
    if (b < 0x80) break
  }
  pos = p
  z >>>= 0
  return (z >>> 1) ^ -(z & 1)
}

/** Zig-zag varlong at `pos` as a number; throws outside the safe integer range. */
function readVarlong(buf: Buffer, end: number): number {
  let p = pos
  if (p >= end) throw truncated(p)
  let b = buf[p++]
  if (b < 0x80) {
    pos = p
    return (b >>> 1) ^ -(b & 1)
  }
  let z = b & 0x7f
  let mul = 128
  for (let i = 1; ; i++) {
    if (p >= end) throw truncated(p)
    if (i === 10) throw new KafkaProtocolError('varlong longer than 64 bits', p)
    b = buf[p++]
    z += (b & 0x7f) * mul
    if (b < 0x80) break
    mul *= 128
  }
  if (z > Number.MAX_SAFE_INTEGER) throw new KafkaProtocolError('varlong outside the safe integer range', pos)
  pos = p
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2
}

/** A varint length at `pos`: -1 for null, else at most the bytes left before `end`. */
function readLength(buf: Buffer, end: number, what: string): number {
  const at = pos
  const len = readVarint(buf, end)
  if (len < -1 || len > end - pos) throw new KafkaProtocolError(`${what} length ${len} out of bounds`, at)
  return len
}

/**
 * Decodes `count` records from [start, end) of `buf` (the batch's records section, or the
 * whole decompressed buffer) into `out`.
 */
function decodeRecords(
  buf: Buffer,
  start: number,
  end: number,
  count: number,
  batch: DecodedBatch,
  out: DecodedRecord[],
  opts: DecodeRecordBatchesOptions,
): void {
  if (count < 0 || count > (end - start) / MIN_RECORD_SIZE) {
    throw new KafkaProtocolError(`record count ${count} does not fit in ${end - start} bytes`, start)
  }
  const baseOffset = batch.baseOffset
  const baseNum = Number(baseOffset)
  const smallBase = baseNum >= 0 && baseNum <= MAX_SAFE_BASE
  const logAppend = batch.timestampType === 'log-append-time'
  const baseTimestamp = batch.baseTimestamp
  const maxTimestamp = batch.maxTimestamp
  const topic = opts.topic
  const partition = opts.partition
  const leaderEpoch = batch.partitionLeaderEpoch
  let p = start
  for (let i = 0; i < count; i++) {
    pos = p
    const len = readVarint(buf, end)
    const recStart = pos
    if (len < MIN_RECORD_SIZE - 1 || len > end - recStart) {
      throw new KafkaProtocolError(`record length ${len} out of bounds`, p)
    }
    const recEnd = recStart + len
    pos = recStart + 1 // record attributes: unused
    const timestampDelta = readVarlong(buf, recEnd)
    const offsetDelta = readVarint(buf, recEnd)
    let n = readLength(buf, recEnd, 'key')
    let key: Buffer | null = null
    if (n >= 0) {
      key = buf.subarray(pos, pos + n)
      pos += n
    }
    n = readLength(buf, recEnd, 'value')
    let value: Buffer | null = null
    if (n >= 0) {
      value = buf.subarray(pos, pos + n)
      pos += n
    }
    const headerCount = readVarint(buf, recEnd)
    let headers = EMPTY_HEADERS
    if (headerCount !== 0) headers = decodeHeaders(buf, recEnd, headerCount)
    if (pos !== recEnd) throw new KafkaProtocolError(`record declares ${len} bytes but holds ${pos - recStart}`, recStart)
    p = recEnd
    out.push({
      topic,
      partition,
      offset: smallBase ? BigInt(baseNum + offsetDelta) : baseOffset + BigInt(offsetDelta),
      timestamp: logAppend ? maxTimestamp : baseTimestamp + timestampDelta,
      key,
      value,
      headers,
      leaderEpoch,
    })
  }
  if (p !== end) throw new KafkaProtocolError(`${end - p} bytes left after ${count} records`, p)
}

function decodeHeaders(buf: Buffer, end: number, count: number): RecordHeader[] {
  // Every header takes at least two bytes (key length, value length).
  if (count < 0 || count * 2 > end - pos) throw new KafkaProtocolError(`header count ${count} out of bounds`, pos)
  const headers: RecordHeader[] = []
  for (let i = 0; i < count; i++) {
    const keyLen = readLength(buf, end, 'header key')
    if (keyLen < 0) throw new KafkaProtocolError('null header key', pos)
    const key = buf.toString('utf8', pos, pos + keyLen)
    pos += keyLen
    const valueLen = readLength(buf, end, 'header value')
    let value: Buffer | null = null
    if (valueLen >= 0) {
      value = buf.subarray(pos, pos + valueLen)
      pos += valueLen
    }
    headers.push({ key, value })
  }
  return headers
}

function toControlRecords(records: DecodedRecord[]): ControlRecord[] {
  const out: ControlRecord[] = []
  for (const r of records) {
    // Key: version int16, type int16. Abort/commit value: version int16, coordinator epoch int32.
    if (r.key === null || r.key.length < 4) throw new KafkaProtocolError(`control record at offset ${r.offset} has no valid key`)
    const version = r.key.readInt16BE(0)
    if (version < 0) throw new KafkaProtocolError(`control record at offset ${r.offset} has negative version ${version}`)
    const type = r.key.readInt16BE(2)
    const coordinatorEpoch = (type === 0 || type === 1) && r.value !== null && r.value.length >= 6 ? r.value.readInt32BE(2) : -1
    out.push({ offset: r.offset, timestamp: r.timestamp, version, type, coordinatorEpoch })
  }
  return out
}

/** Reads and checks the header of the batch at [start, end); records are filled later. */
function readBatchHeader(buf: Buffer, start: number, end: number, opts: DecodeRecordBatchesOptions): DecodedBatch {
  const baseOffset = buf.readBigInt64BE(start)
  if (opts.checkCrc !== false) {
    const stored = buf.readUInt32BE(start + CRC_AT)
    const computed = crc32c(buf.subarray(start + ATTRIBUTES_AT, end))
    if (stored !== computed) throw crcMismatch('record batch CRC-32C', stored, computed, opts, baseOffset)
  }
  const attributes = buf.readInt16BE(start + ATTRIBUTES_AT)
  return {
    magic: RECORD_BATCH_MAGIC,
    baseOffset,
    lastOffset: baseOffset + BigInt(buf.readInt32BE(start + LAST_OFFSET_DELTA_AT)),
    partitionLeaderEpoch: buf.readInt32BE(start + PARTITION_LEADER_EPOCH_AT),
    compression: compressionCodecFromId(attributes & 0x07),
    timestampType: (attributes & TIMESTAMP_TYPE_BIT) !== 0 ? 'log-append-time' : 'create-time',
    baseTimestamp: int64Number(buf, start + BASE_TIMESTAMP_AT),
    maxTimestamp: int64Number(buf, start + MAX_TIMESTAMP_AT),
    producerId: buf.readBigInt64BE(start + PRODUCER_ID_AT),
    producerEpoch: buf.readInt16BE(start + PRODUCER_EPOCH_AT),
    baseSequence: buf.readInt32BE(start + BASE_SEQUENCE_AT),
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    sizeInBytes: end - start,
    records: [],
    controlRecords: [],
  }
}

function int64Number(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4)
}

/** Fills the batch's records (or control records) from its (decompressed) records section. */
function fillRecords(batch: DecodedBatch, data: Buffer, start: number, end: number, count: number, opts: DecodeRecordBatchesOptions): void {
  if (batch.isControl) {
    const records: DecodedRecord[] = []
    decodeRecords(data, start, end, count, batch, records, opts)
    batch.controlRecords = toControlRecords(records)
  } else {
    decodeRecords(data, start, end, count, batch, batch.records, opts)
  }
}

/**
 * The end of the entry starting at `off`, or -1 when the bytes left hold only part of it
 * (the truncated last entry of a fetch). Checks the size against the entry's magic.
 */
export function entryEnd(buf: Buffer, off: number): number {
  const left = buf.length - off
  if (left < MAGIC_AT + 1) return -1
  const size = buf.readInt32BE(off + 8)
  const magic = buf[off + MAGIC_AT]
  const minSize = magic === RECORD_BATCH_MAGIC ? MIN_BATCH_LENGTH : magic === 1 ? LEGACY_MIN_SIZE_V1 : LEGACY_MIN_SIZE_V0
  if (magic > RECORD_BATCH_MAGIC) throw new KafkaProtocolError(`unknown magic ${magic}`, off + MAGIC_AT)
  if (size < minSize) throw new KafkaProtocolError(`batch length ${size} below the minimum ${minSize} for magic ${magic}`, off + 8)
  if (size > left - LOG_OVERHEAD) return -1
  return off + LOG_OVERHEAD + size
}

function baseOffsetAt(buf: Buffer, off: number): bigint {
  return buf.length - off >= 8 ? buf.readBigInt64BE(off) : -1n
}

/**
 * Decodes the entries of `buf` from `off` into `out`. Synchronous while it can be: at a zstd
 * batch when no synchronous zstd exists (Node without `zlib.zstdDecompressSync`, below 22.15) and
 * `allowAsync`, it returns a promise that finishes the rest; without `allowAsync` such a batch
 * throws ConfigError.
 */
function decodeFrom(
  buf: Buffer,
  opts: DecodeRecordBatchesOptions,
  out: DecodedBatch[],
  from: number,
  allowAsync: boolean,
): DecodedBatch[] | Promise<DecodedBatch[]> {
  let off = from
  try {
    for (let end = entryEnd(buf, off); end >= 0; off = end, end = entryEnd(buf, off)) {
      if (buf[off + MAGIC_AT] !== RECORD_BATCH_MAGIC) {
        out.push(decodeLegacyEntry(buf, off, end, opts))
        continue
      }
      const count = buf.readInt32BE(off + RECORDS_COUNT_AT)
      const codecId = buf.readInt16BE(off + ATTRIBUTES_AT) & 0x07
      if (allowAsync && codecId === COMPRESSION_CODEC_IDS.zstd && count !== 0 && !hasSyncDecompression('zstd')) return decodeAsyncFrom(buf, opts, out, off)
      const batch = readBatchHeader(buf, off, end, opts)
      if (batch.compression === 'none' || count === 0) {
        // Compaction can leave a batch with no records (kept for its producer state).
        fillRecords(batch, buf, off + RECORD_BATCH_OVERHEAD, count === 0 ? off + RECORD_BATCH_OVERHEAD : end, count, opts)
      } else {
        const data = decompressSync(batch.compression, buf.subarray(off + RECORD_BATCH_OVERHEAD, end), {
          maxBytes: opts.maxDecompressedBytes,
        })
        fillRecords(batch, data, 0, data.length, count, opts)
      }
      out.push(batch)
    }
  } catch (err) {
    throw inBatch(err, opts, baseOffsetAt(buf, off), off)
  }
  return out
}

/**
 * Decodes the one complete entry at [off, end) of `buf` (`end` from {@link entryEnd}),
 * synchronously: a record batch, or a legacy message (set). Same errors as
 * {@link decodeRecordBatchesSync}, naming the batch; zstd needs Node 22.15+ here.
 */
export function decodeEntry(buf: Buffer, off: number, end: number, opts: DecodeRecordBatchesOptions): DecodedBatch {
  try {
    if (buf[off + MAGIC_AT] !== RECORD_BATCH_MAGIC) return decodeLegacyEntry(buf, off, end, opts)
    const batch = readBatchHeader(buf, off, end, opts)
    const count = buf.readInt32BE(off + RECORDS_COUNT_AT)
    if (batch.compression === 'none' || count === 0) {
      fillRecords(batch, buf, off + RECORD_BATCH_OVERHEAD, count === 0 ? off + RECORD_BATCH_OVERHEAD : end, count, opts)
    } else {
      const data = decompressSync(batch.compression, buf.subarray(off + RECORD_BATCH_OVERHEAD, end), { maxBytes: opts.maxDecompressedBytes })
      fillRecords(batch, data, 0, data.length, count, opts)
    }
    return batch
  } catch (err) {
    throw inBatch(err, opts, baseOffsetAt(buf, off), off)
  }
}

/** The zstd batch at `off` on the thread pool (`@mongodb-js/zstd`), then the rest from there. */
async function decodeAsyncFrom(buf: Buffer, opts: DecodeRecordBatchesOptions, out: DecodedBatch[], off: number): Promise<DecodedBatch[]> {
  const end = entryEnd(buf, off)
  try {
    const batch = readBatchHeader(buf, off, end, opts)
    const count = buf.readInt32BE(off + RECORDS_COUNT_AT)
    const data = await decompress('zstd', buf.subarray(off + RECORD_BATCH_OVERHEAD, end), { maxBytes: opts.maxDecompressedBytes })
    fillRecords(batch, data, 0, data.length, count, opts)
    out.push(batch)
  } catch (err) {
    throw inBatch(err, opts, baseOffsetAt(buf, off), off)
  }
  return decodeFrom(buf, opts, out, end, true)
}

/**
 * Decodes every complete batch in the `records` bytes of a Fetch response partition,
 * synchronously; a zstd batch throws ConfigError where Node has no synchronous zstd (below
 * 22.15: use {@link decodeRecordBatches}).
 *
 * Uncompressed keys, values and header values are views on `buf` (they keep it alive).
 * A truncated last batch is skipped silently; if the result is empty while `buf` is not, the
 * first batch did not fit in the fetch size. Control batches fill `controlRecords`, never
 * `records`.
 * @throws CorruptRecordError on a CRC mismatch (naming topic, partition and base offset).
 * @throws KafkaProtocolError on any malformed batch, record or compressed payload.
 */
export function decodeRecordBatchesSync(buf: Buffer | null, opts: DecodeRecordBatchesOptions): DecodedBatch[] {
  if (buf === null) return []
  return decodeFrom(buf, opts, [], 0, false) as DecodedBatch[]
}

/**
 * Decodes every complete batch of a Fetch response partition with every codec: an array when
 * it could all be done synchronously (always, but for zstd batches on Node below 22.15), else a
 * promise (the zstd batches run on libuv's thread pool). Lets a fetch loop decode without an
 * await per partition. Same results and errors as {@link decodeRecordBatchesSync}; errors of
 * the asynchronous part reject.
 */
export function decodeRecordBatchesSyncOrAsync(buf: Buffer | null, opts: DecodeRecordBatchesOptions): DecodedBatch[] | Promise<DecodedBatch[]> {
  if (buf === null) return []
  return decodeFrom(buf, opts, [], 0, true)
}

/**
 * Decodes every complete batch in the `records` bytes of a Fetch response partition, with
 * every codec (zstd runs on the thread pool where Node has no synchronous zstd). Same results
 * and errors as {@link decodeRecordBatchesSync}.
 */
export async function decodeRecordBatches(buf: Buffer | null, opts: DecodeRecordBatchesOptions): Promise<DecodedBatch[]> {
  return decodeRecordBatchesSyncOrAsync(buf, opts)
}
