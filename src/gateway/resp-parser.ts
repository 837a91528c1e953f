/**
 * RESP2 request parser of the gateway (https://redis.io/docs/latest/develop/reference/protocol-spec/):
 * arrays of bulk strings (`*2\r\n$4\r\nPING\r\n$1\r\nx\r\n`, what every Redis client sends) and
 * inline commands (`PING x\r\n`, what telnet sends; quoting as Redis's sdssplitargs). Incremental:
 * bytes come in as the socket delivers them (pipelined, split anywhere), `next()` hands out one
 * whole command at a time. Binary safe: arguments are views on the received bytes, never decoded.
 *
 * Bounded: a request (one command, all its bytes) larger than `maxRequestBytes`, an inline line
 * or a length line longer than 64 KiB (Redis's PROTO_INLINE_MAX_SIZE), or more than 1,048,576
 * arguments is a {@link RespProtocolError}. Nothing is allocated from a length prefix before it is
 * checked: arguments are views; a command still incomplete waits (without copying) until at
 * least the bytes it needs have arrived, so a 30 MB value split in 64 KiB reads is copied once.
 */
import { RespProtocolError } from './gateway-errors.js'

/** Longest inline command or `*N` / `$N` line, bytes (Redis's PROTO_INLINE_MAX_SIZE). */
export const MAX_INLINE_BYTES = 64 * 1024
/** Most arguments of one command (Redis's limit). */
export const MAX_ARGUMENTS = 1024 * 1024

const CR = 13
const LF = 10
const STAR = 42
const DOLLAR = 36
const EMPTY = Buffer.alloc(0)
/** `next()`'s answer while the command in progress is incomplete. */
const INCOMPLETE = null

export class RespParser {
  private buf: Buffer = EMPTY
  private pos = 0
  /** Chunks received while waiting for `need` bytes (from `pos`), joined once enough arrived. */
  private chunks: Buffer[] = []
  private chunksLength = 0
  /** Bytes from `pos` needed before parsing can make progress. */
  private need = 1

  /** @param maxRequestBytes largest request (one whole command), bytes */
  constructor(private readonly maxRequestBytes: number) {}

  /** Bytes received and not yet handed out as commands. */
  get buffered(): number {
    return this.buf.length - this.pos + this.chunksLength
  }

  /** Adds received bytes. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return
    if (this.pos >= this.buf.length && this.chunksLength === 0) {
      this.buf = chunk
      this.pos = 0
      return
    }
    this.chunks.push(chunk)
    this.chunksLength += chunk.length
  }

  /**
   * The next whole command (its arguments, the command name first), or null when the bytes
   * received so far hold none. Empty inline lines and `*0` / `*-1` are skipped, as Redis does.
   * @throws RespProtocolError for malformed or oversized input; the stream cannot be resumed
   */
  next(): Buffer[] | null {
    for (;;) {
      if (this.buf.length - this.pos + this.chunksLength < this.need) return INCOMPLETE
      if (this.chunksLength > 0) this.join()
      if (this.pos >= this.buf.length) {
        this.need = 1
        return INCOMPLETE
      }
      const command = this.buf[this.pos] === STAR ? this.multibulk() : this.inline()
      if (command === INCOMPLETE) return INCOMPLETE
      this.need = 1
      if (command.length > 0) return command
    }
  }

  private join(): void {
    const rest = this.buf.subarray(this.pos)
    this.chunks.unshift(rest)
    this.buf = Buffer.concat(this.chunks, rest.length + this.chunksLength)
    this.pos = 0
    this.chunks = []
    this.chunksLength = 0
  }

  /** Index of the CR ending the line that starts at `from` (LF checked), -1 when not all here. */
  private lineEnd(from: number, what: string): number {
    const buf = this.buf
    const cr = buf.indexOf(CR, from)
    if (cr < 0 || cr + 1 >= buf.length) {
      if (buf.length - from > MAX_INLINE_BYTES) throw new RespProtocolError(`too big ${what} string`)
      return -1
    }
    if (cr - from > MAX_INLINE_BYTES) throw new RespProtocolError(`too big ${what} string`)
    if (buf[cr + 1] !== LF) throw new RespProtocolError(`expected '\\n' after '\\r' in the ${what} line`)
    return cr
  }

  /** A `*N` command; empty for `*0`/`*-1` (consumed), INCOMPLETE when bytes are missing. */
  private multibulk(): Buffer[] | null {
    const buf = this.buf
    const start = this.pos
    const countEnd = this.lineEnd(start + 1, 'mbulk count')
    if (countEnd < 0) return this.wait(this.buf.length - start + 1)
    const count = parseInteger(buf, start + 1, countEnd)
    if (count === null || count > MAX_ARGUMENTS) throw new RespProtocolError('invalid multibulk length')
    let p = countEnd + 2
    if (count <= 0) {
      this.pos = p
      return []
    }
    // Each argument takes at least 6 bytes ($0\r\n\r\n): a count the size limit cannot hold is refused now.
    if (p - start + count * 6 > this.maxRequestBytes) throw this.tooLarge()
    const args: Buffer[] = []
    for (let i = 0; i < count; i++) {
      if (p >= buf.length) return this.wait(p - start + 1)
      if (buf[p] !== DOLLAR) throw new RespProtocolError(`expected '$', got '${printable(buf[p])}'`)
      const lenEnd = this.lineEnd(p + 1, 'bulk count')
      if (lenEnd < 0) return this.wait(buf.length - start + 1)
      const len = parseInteger(buf, p + 1, lenEnd)
      if (len === null || len < 0) throw new RespProtocolError('invalid bulk length')
      const from = lenEnd + 2
      const end = from + len
      if (end + 2 - start > this.maxRequestBytes) throw this.tooLarge()
      if (end + 2 > buf.length) return this.wait(end + 2 - start)
      if (buf[end] !== CR || buf[end + 1] !== LF) throw new RespProtocolError('bulk string not terminated by CRLF')
      args.push(buf.subarray(from, end))
      p = end + 2
    }
    this.pos = p
    return args
  }

  /** An inline command (one line); empty for a blank line (consumed). */
  private inline(): Buffer[] | null {
    const buf = this.buf
    const start = this.pos
    const lf = buf.indexOf(LF, start)
    if (lf < 0) {
      if (buf.length - start > MAX_INLINE_BYTES) throw new RespProtocolError('too big inline request')
      return this.wait(buf.length - start + 1)
    }
    if (lf - start > MAX_INLINE_BYTES) throw new RespProtocolError('too big inline request')
    if (lf + 1 - start > this.maxRequestBytes) throw this.tooLarge()
    const end = lf > start && buf[lf - 1] === CR ? lf - 1 : lf
    this.pos = lf + 1
    return splitInline(buf, start, end)
  }

  private wait(bytes: number): null {
    this.need = bytes
    return INCOMPLETE
  }

  private tooLarge(): RespProtocolError {
    return new RespProtocolError(`request larger than maxRequestBytes (${this.maxRequestBytes} bytes)`)
  }
}

/** A decimal integer in buf[from, to): optional '-', digits only; null when malformed or unsafe. */
function parseInteger(buf: Buffer, from: number, to: number): number | null {
  let i = from
  let negative = false
  if (i < to && buf[i] === 45) {
    negative = true
    i++
  }
  if (i >= to || to - i > 15) return null
  let n = 0
  for (; i < to; i++) {
    const d = buf[i] - 48
    if (d < 0 || d > 9) return null
    n = n * 10 + d
  }
  return negative ? -n : n
}

function printable(byte: number): string {
  return byte >= 32 && byte < 127 ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`
}

function isSpace(b: number): boolean {
  return b === 32 || b === 9 || b === 10 || b === 13 || b === 11 || b === 12
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48
  if (b >= 97 && b <= 102) return b - 87
  if (b >= 65 && b <= 70) return b - 55
  return -1
}

/**
 * Splits an inline line into arguments as Redis's sdssplitargs does: blanks separate; "double
 * quotes" take \n \r \t \b \a \\ \" and \xHH escapes; 'single quotes' take \'; a closing quote
 * must be followed by a blank or the end.
 * @throws RespProtocolError on unbalanced quotes
 */
export function splitInline(buf: Buffer, from: number, to: number): Buffer[] {
  const args: Buffer[] = []
  let p = from
  for (;;) {
    while (p < to && isSpace(buf[p])) p++
    if (p >= to) return args
    const q = buf[p]
    if (q !== 34 && q !== 39) {
      // Fast path: a plain word, a view without copying.
      let e = p
      while (e < to && !isSpace(buf[e]) && buf[e] !== 34 && buf[e] !== 39) e++
      if (e >= to || isSpace(buf[e])) {
        args.push(buf.subarray(p, e))
        p = e
        continue
      }
    }
    const out: number[] = []
    let inDouble = false
    let inSingle = false
    for (;;) {
      if (inDouble) {
        if (p >= to) throw new RespProtocolError('unbalanced quotes in request')
        const c = buf[p]
        if (c === 92 && p + 3 < to && buf[p + 1] === 120 && hexValue(buf[p + 2]) >= 0 && hexValue(buf[p + 3]) >= 0) {
          out.push(hexValue(buf[p + 2]) * 16 + hexValue(buf[p + 3]))
          p += 3
        } else if (c === 92 && p + 1 < to) {
          p++
          const e = buf[p]
          out.push(e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e)
        } else if (c === 34) {
          if (p + 1 < to && !isSpace(buf[p + 1])) throw new RespProtocolError('unbalanced quotes in request')
          inDouble = false
          p++
          break
        } else out.push(c)
        p++
      } else if (inSingle) {
        if (p >= to) throw new RespProtocolError('unbalanced quotes in request')
        const c = buf[p]
        if (c === 92 && p + 1 < to && buf[p + 1] === 39) {
          out.push(39)
          p++
        } else if (c === 39) {
          if (p + 1 < to && !isSpace(buf[p + 1])) throw new RespProtocolError('unbalanced quotes in request')
          inSingle = false
          p++
          break
        } else out.push(c)
        p++
      } else {
        if (p >= to || isSpace(buf[p])) break
        const c = buf[p]
        if (c === 34) inDouble = true
        else if (c === 39) inSingle = true
        else out.push(c)
        p++
      }
    }
    args.push(Buffer.from(out))
  }
}
