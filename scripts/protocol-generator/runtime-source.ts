/**
 * The source of src/protocol/messages/runtime.ts: small helpers every generated module shares
 * (version checks, error paths, tagged fields, primitive arrays). Kept here so the generator
 * owns every file in that directory and `--check` covers it too.
 */
export const RUNTIME_SOURCE = String.raw`/**
 * Helpers shared by the generated message modules. Not part of the public API: import the
 * message modules (or src/protocol/messages/index.ts) instead.
 */
import { KafkaError, KafkaProtocolError, UnsupportedVersionError } from '../../errors.js'
import type { TaggedField } from '../api.js'
import type { Reader } from '../reader.js'
import type { Writer } from '../writer.js'

/** The empty byte string, the default of bytes fields. */
export const EMPTY_BUFFER: Buffer = Buffer.alloc(0)

const NO_TAGGED_FIELDS: readonly TaggedField[] = []

/** @throws UnsupportedVersionError unless version is an integer in [min, max]. */
export function checkVersion(name: string, version: number, min: number, max: number): void {
  if (!Number.isInteger(version) || version < min || version > max) {
    throw new UnsupportedVersionError(name + ' version ' + version + ' is not supported (versions ' + min + '-' + max + ')')
  }
}

/** A field holding a non-default value that the chosen version cannot carry. */
export function unsupportedField(path: string, version: number, versions: string): UnsupportedVersionError {
  return new UnsupportedVersionError(path + ' cannot be sent at version ' + version + ' (it exists in versions ' + versions + ')')
}

/** A null in a field that is not nullable at the chosen version. */
export function nullNotAllowed(path: string, version: number): UnsupportedVersionError {
  return new UnsupportedVersionError(path + ' cannot be null at version ' + version)
}

/**
 * The error to rethrow from a decoder: protocol errors get segment prepended to their field
 * path, other KafkaErrors pass through, anything else (a bug) is wrapped as a protocol error.
 */
export function decodeFailure(err: unknown, r: Reader, segment: string): KafkaError {
  if (err instanceof KafkaProtocolError) return err.withPathPrefix(segment)
  if (err instanceof KafkaError) return err
  return new KafkaProtocolError('unexpected decoder failure: ' + String(err), r.offset, segment, err)
}

/** @throws KafkaProtocolError when a null array arrives where the version allows none. */
export function notNull<T>(v: T | null, r: Reader): T {
  if (v === null) throw new KafkaProtocolError('null array where none is allowed', r.offset)
  return v
}

/** Reads a tagged-field section none of whose tags the struct knows. */
export function readUnknownTaggedFields(r: Reader): TaggedField[] | undefined {
  const n = r.uvarint()
  let fields: TaggedField[] | undefined
  for (let i = 0; i < n; i++) {
    const tag = r.uvarint()
    const size = r.uvarint()
    if (fields === undefined) fields = []
    fields.push({ tag, data: r.raw(size) })
  }
  return fields
}

/** Writes a tagged-field section holding only fields (preserved unknown tags). */
export function writeUnknownTaggedFields(w: Writer, fields: readonly TaggedField[] | undefined): void {
  if (fields === undefined || fields.length === 0) {
    w.uvarint(0)
    return
  }
  const sorted = sortedTaggedFields(fields)
  w.uvarint(sorted.length)
  writeUnknownTaggedFieldsBelow(w, sorted, 0, Infinity)
}

/** fields in ascending tag order, as the protocol requires (a copy only when out of order). */
export function sortedTaggedFields(fields: readonly TaggedField[] | undefined): readonly TaggedField[] {
  if (fields === undefined) return NO_TAGGED_FIELDS
  for (let i = 1; i < fields.length; i++) {
    if (fields[i].tag < fields[i - 1].tag) return [...fields].sort((a, b) => a.tag - b.tag)
  }
  return fields
}

/** Writes sorted[from..] while their tags are below belowTag; returns the next index. */
export function writeUnknownTaggedFieldsBelow(w: Writer, sorted: readonly TaggedField[], from: number, belowTag: number): number {
  let i = from
  while (i < sorted.length && sorted[i].tag < belowTag) {
    const f = sorted[i]
    w.uvarint(f.tag)
    w.uvarint(f.data.length)
    w.raw(f.data)
    i++
  }
  return i
}

/** An array length: int32 (-1 for null) or, when compact, uvarint length+1 (0 for null). */
export function writeArrayLength(w: Writer, n: number, compact: boolean): void {
  if (compact) w.uvarint(n + 1)
  else w.int32(n)
}

// Arrays of primitives. Plain loops, preallocated; Reader.arrayLength bounds the length by the
// bytes left, so a corrupt length cannot allocate more than the input.

export function readBoolArray(r: Reader, compact: boolean): boolean[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<boolean>(n)
  for (let i = 0; i < n; i++) a[i] = r.bool()
  return a
}

export function readInt8Array(r: Reader, compact: boolean): number[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<number>(n)
  for (let i = 0; i < n; i++) a[i] = r.int8()
  return a
}

export function readInt16Array(r: Reader, compact: boolean): number[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<number>(n)
  for (let i = 0; i < n; i++) a[i] = r.int16()
  return a
}

export function readUint16Array(r: Reader, compact: boolean): number[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<number>(n)
  for (let i = 0; i < n; i++) a[i] = r.uint16()
  return a
}

export function readInt32Array(r: Reader, compact: boolean): number[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<number>(n)
  for (let i = 0; i < n; i++) a[i] = r.int32()
  return a
}

export function readUint32Array(r: Reader, compact: boolean): number[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<number>(n)
  for (let i = 0; i < n; i++) a[i] = r.uint32()
  return a
}

export function readInt64Array(r: Reader, compact: boolean): bigint[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<bigint>(n)
  for (let i = 0; i < n; i++) a[i] = r.int64()
  return a
}

export function readFloat64Array(r: Reader, compact: boolean): number[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<number>(n)
  for (let i = 0; i < n; i++) a[i] = r.float64()
  return a
}

export function readUuidArray(r: Reader, compact: boolean): string[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<string>(n)
  for (let i = 0; i < n; i++) a[i] = r.uuid()
  return a
}

export function readStringArray(r: Reader, compact: boolean): string[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<string>(n)
  if (compact) for (let i = 0; i < n; i++) a[i] = r.compactString()
  else for (let i = 0; i < n; i++) a[i] = r.string()
  return a
}

export function readBytesArray(r: Reader, compact: boolean): Buffer[] | null {
  const n = r.arrayLength(compact)
  if (n < 0) return null
  const a = new Array<Buffer>(n)
  if (compact) for (let i = 0; i < n; i++) a[i] = r.compactBytes()
  else for (let i = 0; i < n; i++) a[i] = r.bytes()
  return a
}

export function writeBoolArray(w: Writer, a: readonly boolean[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  for (let i = 0; i < a.length; i++) w.bool(a[i])
}

export function writeInt8Array(w: Writer, a: readonly number[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  for (let i = 0; i < a.length; i++) w.int8(a[i])
}

export function writeInt16Array(w: Writer, a: readonly number[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  for (let i = 0; i < a.length; i++) w.int16(a[i])
}

export function writeUint16Array(w: Writer, a: readonly number[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  for (let i = 0; i < a.length; i++) w.uint16(a[i])
}

export function writeInt32Array(w: Writer, a: readonly number[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  for (let i = 0; i < a.length; i++) w.int32(a[i])
}

export function writeUint32Array(w: Writer, a: readonly number[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  for (let i = 0; i < a.length; i++) w.uint32(a[i])
}

export function writeInt64Array(w: Writer, a: readonly bigint[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  for (let i = 0; i < a.length; i++) w.int64(a[i])
}

export function writeFloat64Array(w: Writer, a: readonly number[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  for (let i = 0; i < a.length; i++) w.float64(a[i])
}

export function writeUuidArray(w: Writer, a: readonly string[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  for (let i = 0; i < a.length; i++) w.uuid(a[i])
}

export function writeStringArray(w: Writer, a: readonly string[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  if (compact) for (let i = 0; i < a.length; i++) w.compactString(a[i])
  else for (let i = 0; i < a.length; i++) w.string(a[i])
}

export function writeBytesArray(w: Writer, a: readonly Buffer[] | null, compact: boolean): void {
  if (a === null) return writeArrayLength(w, -1, compact)
  writeArrayLength(w, a.length, compact)
  if (compact) for (let i = 0; i < a.length; i++) w.compactBytes(a[i])
  else for (let i = 0; i < a.length; i++) w.bytes(a[i])
}
`
