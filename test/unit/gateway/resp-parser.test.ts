// The gateway's RESP2 request parser (src/gateway/resp-parser.ts): arrays of bulk strings and
// inline commands, pipelined, split at any byte, binary safe, bounded. Property tests check that
// any split of any pipeline of commands parses back to the same commands.
import fc from 'fast-check'
import t from 'tap'
import { ClientErrorCode } from '../../../src/client-error-codes.js'
import { RespProtocolError } from '../../../src/gateway/gateway-errors.js'
import { MAX_INLINE_BYTES, RespParser } from '../../../src/gateway/resp-parser.js'

const MAX = 1024 * 1024

function encode(args: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)]
  for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'))
  return Buffer.concat(parts)
}

function all(p: RespParser): string[][] {
  const out: string[][] = []
  for (let c = p.next(); c !== null; c = p.next()) out.push(c.map((b) => b.toString('latin1')))
  return out
}

function parseWhole(bytes: Buffer | string, max = MAX): string[][] {
  const p = new RespParser(max)
  p.push(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1'))
  return all(p)
}

/** The error `fn` throws: checked to be a RespProtocolError matching `message`. */
function protocolError(fn: () => unknown, message: RegExp): string | null {
  try {
    fn()
    return 'no error thrown'
  } catch (err) {
    if (!(err instanceof RespProtocolError)) return `not a RespProtocolError: ${String(err)}`
    if (err.code !== ClientErrorCode.GATEWAY_PROTOCOL_ERROR || err.retriable) return 'wrong code or retriable'
    return message.test(err.message) ? null : `message ${err.message} does not match ${String(message)}`
  }
}

t.test('arrays of bulk strings, pipelined', async (t) => {
  t.same(parseWhole('*1\r\n$4\r\nPING\r\n*3\r\n$6\r\nRPUSHX\r\n$8\r\ntopics:a\r\n$0\r\n\r\n'), [['PING'], ['RPUSHX', 'topics:a', '']])
})

t.test('binary values: CR, LF, NUL and the bytes of a header inside a value', async (t) => {
  const value = Buffer.from([0, 13, 10, 42, 51, 13, 10, 36, 255])
  const p = new RespParser(MAX)
  p.push(encode([Buffer.from('RPUSHX'), Buffer.from('topics:t'), value]))
  const c = p.next()
  t.ok(c !== null && c[2].equals(value))
  t.equal(p.next(), null)
})

t.test('inline commands with Redis quoting; blank lines and *0 are skipped', async (t) => {
  t.same(parseWhole('PING\r\n\r\n  \nrpushx topics:a "hello there!"\n*0\r\n*-1\r\nset a \'it\\\'s\' "\\x41\\n"\r\n'), [['PING'], ['rpushx', 'topics:a', 'hello there!'], ['set', 'a', "it's", 'A\n']])
  t.same(parseWhole('a"b c"d\r\n'.replace('d', ' d')), [['ab c', 'd']])
  t.same(parseWhole('x ""\r\n'), [['x', '']])
})

t.test('incomplete input waits; the rest completes it', async (t) => {
  const p = new RespParser(MAX)
  p.push(Buffer.from('*2\r\n$4\r\nPING\r\n$5\r\nhel'))
  t.equal(p.next(), null)
  t.equal(p.next(), null)
  p.push(Buffer.from('lo\r'))
  t.equal(p.next(), null)
  p.push(Buffer.from('\nPI'))
  t.same(all(p), [['PING', 'hello']])
  p.push(Buffer.from('NG\n'))
  t.same(all(p), [['PING']])
  t.equal(p.buffered, 0)
})

t.test('a large value arriving in small chunks is joined once it is all there', async (t) => {
  const value = Buffer.alloc(300_000, 7)
  const bytes = encode([Buffer.from('RPUSHX'), Buffer.from('topics:t'), value])
  const p = new RespParser(MAX)
  for (let i = 0; i < bytes.length; i += 1000) {
    p.push(bytes.subarray(i, i + 1000))
    if (i + 1000 < bytes.length) t.equal(p.next(), null)
  }
  const c = p.next()
  t.ok(c !== null && c[2].equals(value))
})

t.test('malformed requests are RespProtocolErrors', async (t) => {
  t.equal(protocolError(() => parseWhole('*1\r\n:4\r\nPING\r\n'), /Protocol error: expected '\$', got ':'/), null)
  t.equal(protocolError(() => parseWhole('*x\r\n'), /invalid multibulk length/), null)
  t.equal(protocolError(() => parseWhole('*2000000\r\n'), /invalid multibulk length/), null)
  t.equal(protocolError(() => parseWhole('*1\r\n$-3\r\n'), /invalid bulk length/), null)
  t.equal(protocolError(() => parseWhole('*1\r\n$abc\r\n'), /invalid bulk length/), null)
  t.equal(protocolError(() => parseWhole('*1\r\n$4\r\nPINGxx'), /not terminated by CRLF/), null)
  t.equal(protocolError(() => parseWhole('*1\rx'), /expected '\\n'/), null)
  t.equal(protocolError(() => parseWhole('set a "b\r\n'), /unbalanced quotes/), null)
  t.equal(protocolError(() => parseWhole('set a "b"c\r\n'), /unbalanced quotes/), null)
  t.equal(protocolError(() => parseWhole('x'.repeat(MAX_INLINE_BYTES + 10)), /too big inline request/), null)
  t.equal(protocolError(() => parseWhole('*' + '1'.repeat(MAX_INLINE_BYTES + 10)), /too big mbulk count/), null)
})

t.test('maxRequestBytes bounds one request, checked before its bytes arrive', async (t) => {
  t.equal(protocolError(() => parseWhole('*3\r\n$6\r\nRPUSHX\r\n$8\r\ntopics:a\r\n$5000\r\n', 4096), /request larger than maxRequestBytes \(4096 bytes\)/), null)
  t.equal(protocolError(() => parseWhole('*1000\r\n', 4096), /request larger than maxRequestBytes/), null)
  // Many small requests are fine: the bound is per request.
  const many = Buffer.concat(Array.from({ length: 100 }, () => encode([Buffer.from('PING'), Buffer.alloc(100)])))
  t.equal(parseWhole(many, 4096).length, 100)
})

const arg = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a))
const command = fc.array(arg, { minLength: 1, maxLength: 6 })

t.test('property: any pipeline split at any points parses to the same commands', async () => {
  fc.assert(
    fc.property(fc.array(command, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), (commands, cuts) => {
      const bytes = Buffer.concat(commands.map(encode))
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
      const p = new RespParser(MAX)
      const got: Buffer[][] = []
      let from = 0
      for (const at of [...points, bytes.length]) {
        p.push(bytes.subarray(from, at))
        from = at
        for (let c = p.next(); c !== null; c = p.next()) got.push(c)
      }
      if (got.length !== commands.length) return false
      return got.every((c, i) => c.length === commands[i].length && c.every((a, j) => a.equals(commands[i][j])))
    }),
    { numRuns: 500 },
  )
})

t.test('property: inline words round-trip whatever the split', async () => {
  const word = fc.stringMatching(/^[A-Za-z0-9:_.{}-]{1,12}$/)
  fc.assert(
    fc.property(fc.array(fc.array(word, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }), fc.nat(), (lines, cut) => {
      const bytes = Buffer.from(lines.map((l) => l.join(' ') + '\r\n').join(''))
      const at = cut % (bytes.length + 1)
      const p = new RespParser(MAX)
      p.push(bytes.subarray(0, at))
      const got = all(p)
      p.push(bytes.subarray(at))
      got.push(...all(p))
      return JSON.stringify(got) === JSON.stringify(lines)
    }),
    { numRuns: 300 },
  )
})

t.test('property: random bytes never throw anything but RespProtocolError', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const p = new RespParser(4096)
      p.push(Buffer.from(bytes))
      try {
        for (let c = p.next(); c !== null; c = p.next());
      } catch (err) {
        return err instanceof RespProtocolError
      }
      return true
    }),
    { numRuns: 1000 },
  )
})
