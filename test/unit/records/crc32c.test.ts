// CRC-32C: the native (@node-rs/crc32) and JavaScript (crc-32) paths give the same checksums,
// on known vectors (RFC 3720 B.4) and on every length around the switch-over size.
import t from 'tap'
import jsCrc32c from 'crc-32/crc32c.js'
import { crc32c, crc32cImplementation, forceJavaScriptCrc32c } from '../../../src/protocol/records/crc32c.js'

t.teardown(() => forceJavaScriptCrc32c(false))

t.test('known vectors (RFC 3720 B.4)', async (t) => {
  for (const force of [false, true]) {
    forceJavaScriptCrc32c(force)
    t.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa, `32 zero bytes (${crc32cImplementation()})`)
    t.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43, `32 0xff bytes (${crc32cImplementation()})`)
    t.equal(crc32c(Buffer.from('123456789')), 0xe3069283, `"123456789" (${crc32cImplementation()})`)
  }
})

t.test('native and JavaScript agree on every length around the switch-over', async (t) => {
  forceJavaScriptCrc32c(false)
  t.equal(crc32cImplementation(), 'native', 'the native package loads on this platform')
  const data = Buffer.alloc(70_000)
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff
  let bad = 0
  for (const len of [0, 1, 7, 255, 256, 511, 512, 513, 1023, 1024, 4097, 65_536, 70_000]) {
    for (const at of [0, 3]) {
      const view = data.subarray(at, at + len)
      if (crc32c(view) !== jsCrc32c.buf(view) >>> 0) bad++
    }
  }
  t.equal(bad, 0, 'no length or alignment differs')
})
