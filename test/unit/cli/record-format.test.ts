import t from 'tap'
import { RecordFormat, type FormattableRecord } from '../../../src/cli/record-format.js'
import { UsageError } from '../../../src/cli/usage-error.js'

const record: FormattableRecord = {
  topic: 'orders',
  partition: 2,
  offset: 12345678901234n,
  key: Buffer.from('k1'),
  value: Buffer.from('hello'),
  timestamp: 1700000000123,
  headers: [
    { key: 'a', value: Buffer.from('1') },
    { key: 'b', value: null },
  ],
}

const render = (f: string, r: FormattableRecord = record): string => RecordFormat.compile(f).render(r).toString('latin1')

t.test('every token', async (t) => {
  t.equal(render('%t'), 'orders')
  t.equal(render('%p'), '2')
  t.equal(render('%o'), '12345678901234')
  t.equal(render('%k'), 'k1')
  t.equal(render('%s'), 'hello')
  t.equal(render('%T'), '1700000000123')
  t.equal(render('%h'), 'a=1,b=')
  t.equal(render('%K %S'), '2 5')
  t.equal(render('100%%'), '100%')
  t.equal(render('%t [%p] @%o: %k=%s\\n'), 'orders [2] @12345678901234: k1=hello\n')
})

t.test('escapes', async (t) => {
  t.equal(render('%k\\t%s\\r\\n'), 'k1\thello\r\n')
  t.equal(render('\\\\'), '\\')
  t.equal(render('a\\0b'), 'a\0b')
})

t.test('null key and value, no headers', async (t) => {
  const r = { ...record, key: null, value: null, headers: [] }
  t.equal(render('[%k][%s][%h][%K][%S]', r), '[][][][-1][-1]')
})

t.test('keys and values are written as raw bytes', async (t) => {
  const bytes = Buffer.from([0xff, 0x00, 0x80, 0x0a])
  const out = RecordFormat.compile('%s').render({ ...record, value: bytes })
  t.same([...out], [...bytes])
  const utf8 = RecordFormat.compile('→%s←').render({ ...record, value: Buffer.from('é') })
  t.equal(utf8.toString('utf8'), '→é←')
})

t.test('literal-only formats and text between tokens', async (t) => {
  t.equal(render('x'), 'x')
  t.equal(render(''), '')
  t.equal(render('%s%s'), 'hellohello')
})

t.test('bad format strings are UsageErrors', async (t) => {
  t.throws(() => RecordFormat.compile('%x'), UsageError)
  t.throws(() => RecordFormat.compile('%x'), { message: /unknown token '%x'/ })
  t.throws(() => RecordFormat.compile('abc%'), { message: /lone '%'/ })
  t.throws(() => RecordFormat.compile('abc\\'), UsageError)
  t.throws(() => RecordFormat.compile('\\q'), { message: /unknown escape/ })
})
