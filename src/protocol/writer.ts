/**
 * A growable big-endian buffer writer for Kafka's wire primitives
 * (protocol guide, "Protocol Primitive Types"). One backing Buffer, doubled when full;
 * no allocation per field. Length and CRC slots can be reserved and filled later.
 */
import { KafkaProtocolError } from '../errors.js'

const EMPTY = Buffer.alloc(0)

export class Writer {
  /** The backing buffer; bytes [0, offset) are written. */
  buf: Buffer
  /** The next byte to write. */
  offset: number

  /** @param initial bytes to allocate, or a buffer to write into (it is replaced when it fills up) */
  constructor(initial: number | Buffer = 256) {
    this.buf = typeof initial !== 'number' ? initial : initial > 0 ? Buffer.allocUnsafe(initial) : EMPTY
    this.offset = 0
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.offset + n
    if (need <= this.buf.length) return
    let size = this.buf.length === 0 ? 64 : this.buf.length * 2
    while (size < need) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.offset)
    this.buf = next
  }

  /** The written bytes (a view on the backing buffer, valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.offset)
  }

  /** A copy of the written bytes. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.offset))
  }

  /** Forgets everything written, keeping the backing buffer. */
  reset(): void {
    this.offset = 0
  }

  bool(v: boolean): void {
    this.ensure(1)
    this.buf[this.offset++] = v ? 1 : 0
  }

  int8(v: number): void {
    this.ensure(1)
    this.buf.writeInt8(v, this.offset)
    this.offset += 1
  }

  int16(v: number): void {
    this.ensure(2)
    this.buf.writeInt16BE(v, this.offset)
    this.offset += 2
  }

  uint16(v: number): void {
    this.ensure(2)
    this.buf.writeUInt16BE(v, this.offset)
    this.offset += 2
  }

  int32(v: number): void {
    this.ensure(4)
    this.buf.writeInt32BE(v, this.offset)
    this.offset += 4
  }

  uint32(v: number): void {
    this.ensure(4)
    this.buf.writeUInt32BE(v >>> 0, this.offset)
    this.offset += 4
  }

  int64(v: bigint): void {
    this.ensure(8)
    this.buf.writeBigInt64BE(v, this.offset)
    this.offset += 8
  }

  /** An int64 from a JS number that is a safe integer (timestamps, small offsets). */
  int64Number(v: number): void {
    this.ensure(8)
    const hi = Math.floor(v / 4294967296)
    this.buf.writeInt32BE(hi, this.offset)
    this.buf.writeUInt32BE(v - hi * 4294967296, this.offset + 4)
    this.offset += 8
  }

  float64(v: number): void {
    this.ensure(8)
    this.buf.writeDoubleBE(v, this.offset)
    this.offset += 8
  }

  /** Unsigned LEB128 varint of a 32-bit value. */
  uvarint(v: number): void {
    this.ensure(5)
    const buf = this.buf
    let off = this.offset
    v >>>= 0
    while (v > 0x7f) {
      buf[off++] = (v & 0x7f) | 0x80
      v >>>= 7
    }
    buf[off++] = v
    this.offset = off
  }

  /** Zig-zag signed varint of a 32-bit value. */
  varint(v: number): void {
    this.uvarint((v << 1) ^ (v >> 31))
  }

  /** Zig-zag signed varlong of a 64-bit value given as a number (must be a safe integer). */
  varlongNumber(v: number): void {
    if (v >= -1073741824 && v < 1073741824) {
      this.varint(v)
      return
    }
    this.varlong(BigInt(v))
  }

  /** Zig-zag signed varlong of a 64-bit value. */
  varlong(v: bigint): void {
    let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
    this.ensure(10)
    const buf = this.buf
    let off = this.offset
    while (z > 0x7fn) {
      buf[off++] = Number(z & 0x7fn) | 0x80
      z >>= 7n
    }
    buf[off++] = Number(z)
    this.offset = off
  }

  /**
   * A UUID in Kafka's text form (22 characters of URL-safe base64, as `Uuid.toString()` in the
   * Java client) written as its 16 raw bytes.
   */
  uuid(v: string): void {
    this.ensure(16)
    const n = this.buf.write(v, this.offset, 16, 'base64url')
    if (n !== 16 || v.length !== 22) {
      throw new KafkaProtocolError(`invalid UUID ${JSON.stringify(v)}: expected 22 base64url characters`)
    }
    this.offset += 16
  }

  /** Raw bytes, no length prefix. */
  raw(v: Uint8Array): void {
    this.ensure(v.length)
    this.buf.set(v, this.offset)
    this.offset += v.length
  }

  private utf8(v: string, len: number): void {
    this.ensure(len)
    if (len === v.length && len < 64) {
      // ASCII fast path for short strings (topic names, client ids).
      const buf = this.buf
      let off = this.offset
      for (let i = 0; i < len; i++) buf[off++] = v.charCodeAt(i)
      this.offset = off
    } else {
      this.offset += this.buf.write(v, this.offset, len, 'utf8')
    }
  }

  /** int16 length then UTF-8 bytes; `null` is length -1. */
  string(v: string | null): void {
    if (v === null) {
      this.int16(-1)
      return
    }
    const len = Buffer.byteLength(v, 'utf8')
    this.int16(len)
    this.utf8(v, len)
  }

  /** uvarint length+1 then UTF-8 bytes; `null` is 0. */
  compactString(v: string | null): void {
    if (v === null) {
      this.uvarint(0)
      return
    }
    const len = Buffer.byteLength(v, 'utf8')
    this.uvarint(len + 1)
    this.utf8(v, len)
  }

  /** int32 length then bytes; `null` is length -1. */
  bytes(v: Uint8Array | null): void {
    if (v === null) {
      this.int32(-1)
      return
    }
    this.int32(v.length)
    this.raw(v)
  }

  /** uvarint length+1 then bytes; `null` is 0. */
  compactBytes(v: Uint8Array | null): void {
    if (v === null) {
      this.uvarint(0)
      return
    }
    this.uvarint(v.length + 1)
    this.raw(v)
  }

  /** Reserves `n` bytes to be filled later; returns their offset. */
  reserve(n: number): number {
    this.ensure(n)
    const at = this.offset
    this.offset += n
    return at
  }

  /** Writes an int32 at an earlier reserved offset. */
  int32At(at: number, v: number): void {
    this.buf.writeInt32BE(v, at)
  }

  /** Writes a uint32 at an earlier reserved offset. */
  uint32At(at: number, v: number): void {
    this.buf.writeUInt32BE(v >>> 0, at)
  }
}

/** The number of bytes `uvarint(v)` writes. */
export function uvarintSize(v: number): number {
  v >>>= 0
  if (v < 0x80) return 1
  if (v < 0x4000) return 2
  if (v < 0x200000) return 3
  if (v < 0x10000000) return 4
  return 5
}

/** The number of bytes `varint(v)` writes. */
export function varintSize(v: number): number {
  return uvarintSize((v << 1) ^ (v >> 31))
}
