/**
 * A bounds-checked big-endian reader for Kafka's wire primitives
 * (protocol guide, "Protocol Primitive Types"). Every read checks what remains and throws
 * {@link KafkaProtocolError} with the byte offset on truncation, a negative or oversized
 * length, or a bad varint: never a RangeError, never an allocation sized by an unchecked prefix.
 */
import { KafkaProtocolError } from '../errors.js'

export class Reader {
  readonly buf: Buffer
  /** The next byte to read. */
  offset: number
  /** One past the last readable byte. */
  readonly end: number

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    if (offset < 0 || end > buf.length || offset > end) {
      throw new KafkaProtocolError(`invalid reader window [${offset}, ${end}) over ${buf.length} bytes`)
    }
    this.buf = buf
    this.offset = offset
    this.end = end
  }

  /** Bytes left to read. */
  remaining(): number {
    return this.end - this.offset
  }

  /** Throws unless `n` more bytes can be read. */
  need(n: number, what: string): void {
    if (n > this.end - this.offset) {
      throw new KafkaProtocolError(`truncated ${what}: need ${n} bytes, ${this.end - this.offset} left`, this.offset)
    }
  }

  bool(): boolean {
    this.need(1, 'bool')
    return this.buf[this.offset++] !== 0
  }

  int8(): number {
    this.need(1, 'int8')
    return this.buf.readInt8(this.offset++)
  }

  int16(): number {
    this.need(2, 'int16')
    const v = this.buf.readInt16BE(this.offset)
    this.offset += 2
    return v
  }

  uint16(): number {
    this.need(2, 'uint16')
    const v = this.buf.readUInt16BE(this.offset)
    this.offset += 2
    return v
  }

  int32(): number {
    this.need(4, 'int32')
    const v = this.buf.readInt32BE(this.offset)
    this.offset += 4
    return v
  }

  uint32(): number {
    this.need(4, 'uint32')
    const v = this.buf.readUInt32BE(this.offset)
    this.offset += 4
    return v
  }

  int64(): bigint {
    this.need(8, 'int64')
    const v = this.buf.readBigInt64BE(this.offset)
    this.offset += 8
    return v
  }

  /** An int64 as a JS number (exact below 2^53: timestamps, offsets in practice). */
  int64Number(): number {
    this.need(8, 'int64')
    const hi = this.buf.readInt32BE(this.offset)
    const lo = this.buf.readUInt32BE(this.offset + 4)
    this.offset += 8
    return hi * 4294967296 + lo
  }

  float64(): number {
    this.need(8, 'float64')
    const v = this.buf.readDoubleBE(this.offset)
    this.offset += 8
    return v
  }

  /** Unsigned LEB128 varint of at most 5 bytes (a 32-bit value). */
  uvarint(): number {
    const buf = this.buf
    const end = this.end
    let off = this.offset
    let result = 0
    let shift = 0
    for (;;) {
      if (off >= end) throw new KafkaProtocolError('truncated varint', off)
      const b = buf[off++]
      if (shift === 28) {
        if (b > 0x0f) throw new KafkaProtocolError('varint longer than 32 bits', off - 1)
        result = (result | (b << 28)) >>> 0
        break
      }
      result |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) {
        result >>>= 0
        break
      }
      shift += 7
    }
    this.offset = off
    return result
  }

  /** Zig-zag signed varint (32-bit). */
  varint(): number {
    const z = this.uvarint()
    return (z >>> 1) ^ -(z & 1)
  }

  /** Zig-zag signed varlong (64-bit) as a bigint. */
  varlong(): bigint {
    const buf = this.buf
    let off = this.offset
    let result = 0n
    let shift = 0n
    for (let i = 0; ; i++) {
      if (off >= this.end) throw new KafkaProtocolError('truncated varlong', off)
      if (i === 10) throw new KafkaProtocolError('varlong longer than 64 bits', off)
      const b = buf[off++]
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) break
      shift += 7n
    }
    this.offset = off
    return (result >> 1n) ^ -(result & 1n)
  }

  /** Zig-zag signed varlong as a JS number; fast when it fits in 28 bits, exact below 2^53. */
  varlongNumber(): number {
    const buf = this.buf
    const off = this.offset
    if (off + 4 <= this.end) {
      const b0 = buf[off]
      if (b0 < 0x80) {
        this.offset = off + 1
        return (b0 >>> 1) ^ -(b0 & 1)
      }
    }
    const v = this.varlong()
    if (v > 9007199254740991n || v < -9007199254740991n) {
      throw new KafkaProtocolError('varlong outside the safe integer range', this.offset)
    }
    return Number(v)
  }

  /** 16 bytes of a UUID in Kafka's text form (22 characters of URL-safe base64). */
  uuid(): string {
    this.need(16, 'uuid')
    const v = this.buf.toString('base64url', this.offset, this.offset + 16)
    this.offset += 16
    return v
  }

  /** `n` raw bytes as a view on the underlying buffer (no copy). */
  raw(n: number): Buffer {
    if (n < 0) throw new KafkaProtocolError(`negative length ${n}`, this.offset)
    this.need(n, 'bytes')
    const v = this.buf.subarray(this.offset, this.offset + n)
    this.offset += n
    return v
  }

  private utf8(len: number): string {
    this.need(len, 'string')
    const v = this.buf.toString('utf8', this.offset, this.offset + len)
    this.offset += len
    return v
  }

  /** int16-length string; throws on null (-1). */
  string(): string {
    const len = this.int16()
    if (len < 0) throw new KafkaProtocolError(`null or negative string length ${len}`, this.offset - 2)
    return this.utf8(len)
  }

  /** int16-length string, -1 for null. */
  nullableString(): string | null {
    const len = this.int16()
    if (len === -1) return null
    if (len < 0) throw new KafkaProtocolError(`negative string length ${len}`, this.offset - 2)
    return this.utf8(len)
  }

  /** uvarint (length+1) string; throws on null (0). */
  compactString(): string {
    const at = this.offset
    const n = this.uvarint()
    if (n === 0) throw new KafkaProtocolError('null compact string where none is allowed', at)
    return this.utf8(n - 1)
  }

  /** uvarint (length+1) string, 0 for null. */
  compactNullableString(): string | null {
    const n = this.uvarint()
    if (n === 0) return null
    return this.utf8(n - 1)
  }

  /** int32-length bytes (a view, no copy); throws on null (-1). */
  bytes(): Buffer {
    const len = this.int32()
    if (len < 0) throw new KafkaProtocolError(`null or negative bytes length ${len}`, this.offset - 4)
    return this.raw(len)
  }

  /** int32-length bytes (a view, no copy), -1 for null. */
  nullableBytes(): Buffer | null {
    const len = this.int32()
    if (len === -1) return null
    if (len < 0) throw new KafkaProtocolError(`negative bytes length ${len}`, this.offset - 4)
    return this.raw(len)
  }

  /** uvarint (length+1) bytes (a view, no copy); throws on null (0). */
  compactBytes(): Buffer {
    const at = this.offset
    const n = this.uvarint()
    if (n === 0) throw new KafkaProtocolError('null compact bytes where none is allowed', at)
    return this.raw(n - 1)
  }

  /** uvarint (length+1) bytes (a view, no copy), 0 for null. */
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint()
    if (n === 0) return null
    return this.raw(n - 1)
  }

  /**
   * An array length: int32 (-1 for null) or, when `compact`, uvarint length+1 (0 for null).
   * Returns -1 for null. A length larger than the bytes left (every element takes at least
   * one byte) is rejected before anything is allocated.
   */
  arrayLength(compact: boolean): number {
    const at = this.offset
    let n: number
    if (compact) {
      n = this.uvarint() - 1
    } else {
      n = this.int32()
      if (n < -1) throw new KafkaProtocolError(`negative array length ${n}`, at)
    }
    if (n > this.end - this.offset) {
      throw new KafkaProtocolError(`array length ${n} exceeds the ${this.end - this.offset} bytes left`, at)
    }
    return n
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    if (n < 0) throw new KafkaProtocolError(`negative skip ${n}`, this.offset)
    this.need(n, 'skipped bytes')
    this.offset += n
  }
}
