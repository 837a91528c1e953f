/**
 * Legacy message sets, magic 0 and 1 (protocol guide, "Message Sets"; KIP-31/32 for magic 1
 * timestamps and relative inner offsets). Decode only: offset int64, message size int32,
 * crc uint32 (CRC-32 over magic..end), magic int8, attributes int8, [timestamp int64 when
 * magic 1], key bytes, value bytes. A compressed "wrapper" message holds a message set in its
 * value; under magic 1 its inner offsets are relative and the wrapper's offset is the last
 * inner message's absolute offset.
 */
import crc32 from 'crc-32'
import { KafkaProtocolError } from '../../errors.js'
import { compressionCodecFromId } from '../compression/codec.js'
import { decompressSync } from '../compression/index.js'
import { Reader } from '../reader.js'
import { crcMismatch, type DecodeRecordBatchesOptions, EMPTY_HEADERS } from './decode-context.js'
import type { DecodedBatch, DecodedRecord } from './record.js'

/** Smallest legacy message size (after the size field) for magic 0 and 1. */
export const LEGACY_MIN_SIZE_V0 = 14
export const LEGACY_MIN_SIZE_V1 = 22

const TIMESTAMP_TYPE_BIT = 0x08

interface LegacyMessage {
  offset: bigint
  magic: number
  attributes: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
}

/** Reads the message occupying [start, end) of `buf`, checking its CRC-32 when asked. */
function readMessage(buf: Buffer, start: number, end: number, opts: DecodeRecordBatchesOptions): LegacyMessage {
  const offset = buf.readBigInt64BE(start)
  const magic = buf[start + 16]
  if (magic > 1) throw new KafkaProtocolError(`magic ${magic} inside a legacy message set`, start + 16)
  const minSize = magic === 0 ? LEGACY_MIN_SIZE_V0 : LEGACY_MIN_SIZE_V1
  if (end - start - 12 < minSize) throw new KafkaProtocolError(`legacy message size ${end - start - 12} below ${minSize}`, start + 8)
  if (opts.checkCrc !== false) {
    const stored = buf.readUInt32BE(start + 12)
    const computed = crc32.buf(buf.subarray(start + 16, end)) >>> 0
    if (stored !== computed) throw crcMismatch(`legacy message (magic ${magic}) CRC-32`, stored, computed, opts, offset)
  }
  const attributes = buf[start + 17]
  const r = new Reader(buf, start + 18, end)
  const timestamp = magic === 1 ? r.int64Number() : -1
  const key = r.nullableBytes()
  const value = r.nullableBytes()
  if (r.remaining() !== 0) throw new KafkaProtocolError(`${r.remaining()} bytes left after a legacy message`, r.offset)
  return { offset, magic, attributes, timestamp, key, value }
}

function legacyBatch(msg: LegacyMessage, baseOffset: bigint, size: number, records: DecodedRecord[]): DecodedBatch {
  return {
    magic: msg.magic,
    baseOffset,
    lastOffset: msg.offset,
    partitionLeaderEpoch: -1,
    compression: compressionCodecFromId(msg.attributes & 0x07),
    timestampType: msg.magic === 1 && (msg.attributes & TIMESTAMP_TYPE_BIT) !== 0 ? 'log-append-time' : 'create-time',
    baseTimestamp: msg.timestamp,
    maxTimestamp: msg.timestamp,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    isTransactional: false,
    isControl: false,
    sizeInBytes: size,
    records,
    controlRecords: [],
  }
}

/**
 * Decodes the legacy entry at [start, end) of `buf` (one message, or a compressed wrapper and
 * its inner messages) into one {@link DecodedBatch}.
 * @throws CorruptRecordError on a CRC-32 mismatch; KafkaProtocolError on malformed bytes.
 */
export function decodeLegacyEntry(buf: Buffer, start: number, end: number, opts: DecodeRecordBatchesOptions): DecodedBatch {
  const msg = readMessage(buf, start, end, opts)
  const codecId = msg.attributes & 0x07
  if (codecId === 0) {
    const record: DecodedRecord = {
      topic: opts.topic,
      partition: opts.partition,
      offset: msg.offset,
      timestamp: msg.timestamp,
      key: msg.key,
      value: msg.value,
      headers: EMPTY_HEADERS,
      leaderEpoch: -1,
    }
    return legacyBatch(msg, msg.offset, end - start, [record])
  }
  if (codecId > 3) throw new KafkaProtocolError(`compression codec id ${codecId} in a legacy message`, start + 17)
  if (msg.value === null) throw new KafkaProtocolError('compressed legacy message without a value', start)
  const inner = decompressSync(compressionCodecFromId(codecId), msg.value, { maxBytes: opts.maxDecompressedBytes })

  const messages: LegacyMessage[] = []
  for (let off = 0; off < inner.length; ) {
    if (inner.length - off < 17) throw new KafkaProtocolError('truncated message inside a compressed legacy message', off)
    const size = inner.readInt32BE(off + 8)
    if (size < LEGACY_MIN_SIZE_V0 || size > inner.length - off - 12) {
      throw new KafkaProtocolError(`inner legacy message size ${size} out of bounds`, off + 8)
    }
    const m = readMessage(inner, off, off + 12 + size, opts)
    if (m.magic !== msg.magic) throw new KafkaProtocolError(`inner magic ${m.magic} differs from wrapper magic ${msg.magic}`, off + 16)
    if ((m.attributes & 0x07) !== 0) throw new KafkaProtocolError('nested compressed legacy message', off + 17)
    messages.push(m)
    off += 12 + size
  }
  if (messages.length === 0) throw new KafkaProtocolError('compressed legacy message with no inner messages', start)

  // Magic 1: inner offsets are relative, the wrapper carries the last one's absolute offset.
  const shift = msg.magic === 1 ? msg.offset - messages[messages.length - 1].offset : 0n
  const logAppend = msg.magic === 1 && (msg.attributes & TIMESTAMP_TYPE_BIT) !== 0
  const records: DecodedRecord[] = []
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]
    records.push({
      topic: opts.topic,
      partition: opts.partition,
      offset: m.offset + shift,
      timestamp: logAppend ? msg.timestamp : m.timestamp,
      key: m.key,
      value: m.value,
      headers: EMPTY_HEADERS,
      leaderEpoch: -1,
    })
  }
  return legacyBatch(msg, records[0].offset, end - start, records)
}
