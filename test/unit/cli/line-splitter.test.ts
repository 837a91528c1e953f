import { Readable } from 'node:stream'
import t from 'tap'
import { splitLines } from '../../../src/cli/line-splitter.js'

async function lines(chunks: (string | Buffer)[]): Promise<string[]> {
  const out: string[] = []
  for await (const batch of splitLines(Readable.from(chunks))) for (const l of batch) out.push(l.toString('utf8'))
  return out
}

t.test('lines across chunk boundaries', async (t) => {
  t.same(await lines(['a\nb', 'c\n', 'd\ne']), ['a', 'bc', 'd', 'e'])
  t.same(await lines(['no newline']), ['no newline'])
  t.same(await lines(['x\n']), ['x'], 'a trailing newline ends the last line, adds none')
  t.same(await lines(['\n\nx\n\n']), ['', '', 'x', ''], 'empty lines are lines')
  t.same(await lines(['a\r\n']), ['a\r'], 'CR is data')
  t.same(await lines([]), [])
  t.same(await lines(['', 'a', '', '\n']), ['a'])
})

t.test('multi-byte characters split between chunks stay whole', async (t) => {
  const bytes = Buffer.from('é\n€\n')
  t.same(await lines([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)]), ['é', '€'])
})

t.test('a large input in small chunks yields every line in order', async (t) => {
  const all = Array.from({ length: 5000 }, (_, i) => `line-${i}`)
  const text = Buffer.from(all.join('\n') + '\n')
  const chunks: Buffer[] = []
  for (let i = 0; i < text.length; i += 777) chunks.push(text.subarray(i, i + 777))
  t.same(await lines(chunks), all)
})
