/**
 * Fuzzes every generated decoder (requests, responses, headers, data messages, every version)
 * with random bytes and with damaged valid encodings: truncated, bit-flipped, overwritten and
 * extended. Only KafkaError may come out: never a RangeError or TypeError, never a hang.
 */
import fc from 'fast-check'
import t from 'tap'
import { KafkaError, KafkaProtocolError } from '../../../src/errors.js'
import type { DataDefinition } from '../../../src/protocol/api.js'
import * as messages from '../../../src/protocol/messages/index.js'
import { ALL_APIS, Metadata } from '../../../src/protocol/messages/index.js'
import { Reader } from '../../../src/protocol/reader.js'
import { Writer } from '../../../src/protocol/writer.js'
import { MESSAGES, messageNamed, messageSample, versionsOf } from './messages-samples.test.js'

interface Target {
  name: string
  version: number
  decode: (r: Reader, version: number) => unknown
  /** A valid encoding to damage. */
  valid: Buffer
}

const targets: Target[] = []
const defs = messages as unknown as Record<string, DataDefinition<unknown>>
for (const m of MESSAGES) {
  let encode: (w: Writer, v: number, msg: never) => void
  let decode: (r: Reader, v: number) => unknown
  if (m.kind === 'request' || m.kind === 'response') {
    const api = ALL_APIS.find((a) => m.name === `${a.name}${m.kind === 'request' ? 'Request' : 'Response'}`)!
    encode = (m.kind === 'request' ? api.encodeRequest : api.encodeResponse) as typeof encode
    decode = m.kind === 'request' ? api.decodeRequest : api.decodeResponse
  } else {
    encode = defs[m.name].encode as typeof encode
    decode = defs[m.name].decode
  }
  for (const version of versionsOf(m)) {
    const w = new Writer()
    encode(w, version, messageSample(messageNamed(m.name), version, { nulls: false, seed: version + 5 }) as never)
    targets.push({ name: m.name, version, decode, valid: w.toBuffer() })
  }
}

/** Decodes `bytes`; returns a description of any non-KafkaError thrown, or undefined. */
function misbehaviour(target: Target, bytes: Buffer): string | undefined {
  try {
    target.decode(new Reader(bytes), target.version)
    return undefined
  } catch (err) {
    if (err instanceof KafkaError) return undefined
    return `${target.name} v${target.version} threw ${String(err)} on ${bytes.toString('hex')}`
  }
}

t.test('truncations of every valid encoding fail with a KafkaProtocolError', async (t) => {
  let bad = 0
  for (const target of targets) {
    // Up to ~48 cut points per encoding, always including the last byte.
    const n = target.valid.length
    const step = Math.max(1, Math.floor(n / 48))
    for (let len = n - 1; len >= 0; len -= step) {
      try {
        target.decode(new Reader(target.valid.subarray(0, len)), target.version)
        bad++
        if (bad < 5) t.fail(`${target.name} v${target.version} decoded a ${len}-byte prefix of ${n} bytes`)
      } catch (err) {
        if (!(err instanceof KafkaProtocolError)) {
          bad++
          if (bad < 5) t.fail(`${target.name} v${target.version} at ${len}: ${String(err)}`)
        }
      }
    }
  }
  t.equal(bad, 0)
  t.ok(targets.length > 500, `${targets.length} decoders`)
})

t.test('random bytes into every decoder', async (t) => {
  fc.assert(
    fc.property(fc.nat(targets.length - 1), fc.uint8Array({ maxLength: 96 }), (i, bytes) => {
      const problem = misbehaviour(targets[i], Buffer.from(bytes))
      if (problem !== undefined) throw new Error(problem)
    }),
    { numRuns: 3000, seed: 0x6b61666b },
  )
  // And every decoder sees a few fixed nasty inputs: all 0xff (-1 lengths, huge varints), all 0x80.
  for (const target of targets) {
    for (const fill of [0x00, 0xff, 0x80, 0x7f]) {
      const problem = misbehaviour(target, Buffer.alloc(64, fill))
      if (problem !== undefined) t.fail(problem)
    }
  }
  t.pass('no decoder threw anything but a KafkaError')
})

t.test('damaged valid encodings into every decoder', async (t) => {
  const damage = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff) }),
    fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  )
  fc.assert(
    fc.property(fc.nat(targets.length - 1), fc.array(damage, { minLength: 1, maxLength: 3 }), (i, damages) => {
      const target = targets[i]
      let bytes = Buffer.from(target.valid)
      for (const d of damages) {
        if (bytes.length === 0) break
        if (d.kind === 'flip') bytes[d.at % bytes.length] ^= 1 << d.bit
        else if (d.kind === 'set') bytes[d.at % bytes.length] = d.value
        else if (d.kind === 'extend') bytes = Buffer.concat([bytes, Buffer.from(d.extra)])
        else bytes = bytes.subarray(0, d.at % bytes.length)
      }
      const problem = misbehaviour(target, bytes)
      if (problem !== undefined) throw new Error(problem)
    }),
    { numRuns: 6000, seed: 0x74730001 },
  )
  t.pass('no decoder threw anything but a KafkaError')
})

t.test('an array length far beyond the input is rejected before allocating', async (t) => {
  // MetadataResponse v9 (flexible): throttle_time_ms, then brokers as a COMPACT_ARRAY whose
  // UNSIGNED_VARINT length+1 claims 2^28 - 1 elements in a 10-byte input.
  const bytes = Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0])
  const before = process.memoryUsage().heapUsed
  t.throws(() => Metadata.decodeResponse(new Reader(bytes), 9), /array length \d+ exceeds the \d+ bytes left in MetadataResponse\.brokers/)
  t.ok(process.memoryUsage().heapUsed - before < 16 * 1024 * 1024, 'no large allocation')
})
