// FrameReader: frames come out whole and byte-exact whatever the read sizes, large frames land
// in a buffer of their own, and bytes already handed out are never overwritten by later reads.
import t from 'tap'
import fc from 'fast-check'
import { KafkaProtocolError } from '../../../src/errors.js'
import { FrameReader } from '../../../src/pool/frame-reader.js'

function framed(payloads: Buffer[]): Buffer {
  return Buffer.concat(payloads.flatMap((p) => {
    const head = Buffer.alloc(4)
    head.writeInt32BE(p.length, 0)
    return [head, p]
  }))
}

function payload(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size)
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 7) & 0xff
  return b
}

/** Feeds `stream` to the reader as a socket would, each read at most the next of `reads` bytes. */
function feed(reader: FrameReader, stream: Buffer, reads: number[]): void {
  let at = 0
  for (let i = 0; at < stream.length; i++) {
    const target = reader.next()
    if (target.length === 0) throw new Error('the reader offered no room')
    const n = Math.min(target.length, stream.length - at, Math.max(1, reads[i % reads.length]))
    stream.copy(target, 0, at, at + n)
    at += n
    reader.read(n)
  }
}

t.test('any split of any frames gives the frames back, untouched afterwards', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 15_000, max: 20_000 }), fc.integer({ min: 60_000, max: 90_000 })), { minLength: 1, maxLength: 6 }),
      fc.array(fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 70_000 })), { minLength: 1, maxLength: 8 }),
      async (sizes, reads) => {
        const payloads = sizes.map((s, i) => payload(s, i))
        const got: Buffer[] = []
        const reader = new FrameReader(1 << 20, (f) => got.push(f))
        feed(reader, framed(payloads), reads)
        if (got.length !== payloads.length) return false
        if (reader.pending !== 0) return false
        // Compared at the end: a later read that overwrote an earlier frame would show here.
        return got.every((g, i) => g.equals(payloads[i]))
      },
    ),
    { numRuns: 100 },
  )
})

t.test('a large frame is read into a buffer of exactly its size', async (t) => {
  const big = payload(1_000_000, 3)
  const got: Buffer[] = []
  const reader = new FrameReader(1 << 21, (f) => got.push(f))
  feed(reader, framed([payload(10, 1), big, payload(10, 2)]), [65_536])
  t.equal(got.length, 3)
  t.equal(got[1].byteLength, big.length)
  t.equal(got[1].buffer.byteLength, big.length, 'its own ArrayBuffer, no bigger than the frame')
  t.ok(got[1].equals(big))
})

t.test('a bad size prefix throws before anything is allocated', async (t) => {
  const reader = new FrameReader(1024, () => {})
  const head = Buffer.alloc(4)
  head.writeInt32BE(5000, 0)
  t.throws(() => feed(reader, head, [4]), KafkaProtocolError)
  const negative = new FrameReader(1024, () => {})
  head.writeInt32BE(-1, 0)
  t.throws(() => feed(negative, head, [4]), KafkaProtocolError)
})
