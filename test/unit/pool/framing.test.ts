import t from 'tap'
import { KafkaProtocolError } from '../../../src/errors.js'
import { FrameSplitter } from '../../../src/pool/framing.js'

function frame(payload: Buffer): Buffer {
  const b = Buffer.alloc(4 + payload.length)
  b.writeInt32BE(payload.length, 0)
  payload.copy(b, 4)
  return b
}

t.test('frames split across and merged within chunks', async (t) => {
  const a = Buffer.from('hello world')
  const b = Buffer.alloc(0)
  const c = Buffer.from('x'.repeat(1000))
  const stream = Buffer.concat([frame(a), frame(b), frame(c)])
  for (const size of [1, 2, 3, 5, 7, 64, stream.length]) {
    const s = new FrameSplitter(1 << 20)
    const got: string[] = []
    for (let i = 0; i < stream.length; i += size) s.push(stream.subarray(i, i + size), (f) => got.push(f.toString()))
    t.same(got, [a.toString(), '', c.toString()], `chunk size ${size}`)
    t.equal(s.pending, 0)
  }
})

t.test('a size prefix over the limit is rejected before allocating', async (t) => {
  const s = new FrameSplitter(1024)
  const head = Buffer.alloc(4)
  head.writeInt32BE(0x7fffffff, 0)
  t.throws(() => s.push(head, () => t.fail('no frame expected')), KafkaProtocolError)
})

t.test('a negative size prefix is rejected', async (t) => {
  const s = new FrameSplitter(1024)
  t.throws(() => s.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]), () => {}), KafkaProtocolError)
})

t.test('a partial frame waits for the rest', async (t) => {
  const s = new FrameSplitter(1024)
  const f = frame(Buffer.from('abcdef'))
  let n = 0
  s.push(f.subarray(0, 7), () => n++)
  t.equal(n, 0)
  t.equal(s.pending, 3)
  s.push(f.subarray(7), () => n++)
  t.equal(n, 1)
})
