import t from 'tap'
import { parseCommandLine, parseInteger, parseKeyValue, helpText } from '../../../src/cli/args.js'
import { UsageError } from '../../../src/cli/usage-error.js'
import { groupReset, parseOffset, parseTopicArgument, startOffset } from '../../../src/cli/consume-target.js'
import { unescapeArgument } from '../../../src/cli/escapes.js'

const specs = {
  topic: { type: 'string', short: 't', multiple: true, help: 'topic' },
  offset: { type: 'string', short: 'o', help: 'offset' },
  exit: { type: 'boolean', short: 'e', help: 'exit' },
} as const

t.test('common and command options, repeated values, positionals', async (t) => {
  const a = parseCommandLine('consume', ['-b', 'h1:9092,h2:9092', '-t', 'a', '-t', 'b:1', '-X', 'client.id=x', '-Xacks=1', '-e', '--json', 'extra'], specs)
  t.equal(a.string('brokers'), 'h1:9092,h2:9092')
  t.same(a.strings('topic'), ['a', 'b:1'])
  t.same(a.strings('property'), ['client.id=x', 'acks=1'])
  t.equal(a.flag('exit'), true)
  t.equal(a.flag('json'), true)
  t.equal(a.flag('help'), false)
  t.same(a.positionals, ['extra'])
})

t.test('a value may start with a dash, as with getopt', async (t) => {
  t.equal(parseCommandLine('consume', ['-o', '-10'], specs).string('offset'), '-10')
  t.equal(parseCommandLine('consume', ['--offset', '-10'], specs).string('offset'), '-10')
  t.equal(parseCommandLine('consume', ['-o-3'], specs).string('offset'), '-3')
  t.same(parseCommandLine('consume', ['-e', '--', '-o'], specs).positionals, ['-o'])
})

t.test('parse failures are one-line UsageErrors naming the command', async (t) => {
  const unknown = t.throws(() => parseCommandLine('consume', ['-Q'], specs)) as unknown as Error
  t.type(unknown, UsageError)
  t.equal(unknown.message, "unknown option '-Q' for 'kafkats consume' (see kafkats consume --help)")
  const missing = t.throws(() => parseCommandLine('consume', ['-e', '-o'], specs)) as unknown as Error
  t.type(missing, UsageError)
  t.match(missing.message, /^option '-o, --offset <value>' needs a value/)
  t.notMatch(missing.message, /\n/)
  const flagValue = t.throws(() => parseCommandLine('consume', ['--exit=yes'], specs)) as unknown as Error
  t.type(flagValue, UsageError)
  t.notMatch(flagValue.message, /\n/)
})

t.test('parseInteger', async (t) => {
  t.equal(parseInteger('-p', '7', 0), 7)
  t.equal(parseInteger('-p', ' 0 ', 0), 0)
  t.throws(() => parseInteger('-p', 'x'), { message: "-p: expected a whole number, got 'x'" })
  t.throws(() => parseInteger('-p', '1.5'), UsageError)
  t.throws(() => parseInteger('-p', '-1', 0), UsageError)
  t.throws(() => parseInteger('-c', '0', 1), UsageError)
  t.throws(() => parseInteger('-p', '99999999999999999999'), UsageError)
})

t.test('parseKeyValue splits at the first =', async (t) => {
  t.same(parseKeyValue('-H', 'a=b=c'), ['a', 'b=c'])
  t.same(parseKeyValue('-H', 'a='), ['a', ''])
  t.throws(() => parseKeyValue('-H', 'novalue'), UsageError)
  t.throws(() => parseKeyValue('-H', '=v'), UsageError)
})

t.test('help lists command and common options', async (t) => {
  const h = helpText('kafkats x', 'does x', specs, ['kafkats x -e'])
  t.match(h, /-t, --topic VALUE/)
  t.match(h, /-e, --exit\s+exit/)
  t.match(h, /-b, --brokers BROKERS/)
  t.match(h, /-X, --property KEY=VALUE .*\(repeatable\)/)
  t.match(h, /examples:\n  kafkats x -e/)
})

t.test('-o offsets', async (t) => {
  t.equal(parseOffset('beginning'), 'beginning')
  t.equal(parseOffset('end'), 'end')
  t.equal(parseOffset('stored'), 'stored')
  t.same(parseOffset('42'), { absolute: 42n })
  t.same(parseOffset('-5'), { relative: 5 })
  t.throws(() => parseOffset('-0'), UsageError)
  t.throws(() => parseOffset('latest'), UsageError)
  t.throws(() => parseOffset('1e3'), UsageError)
  t.equal(startOffset('beginning', undefined), 'earliest')
  t.equal(startOffset('end', undefined), 'latest')
  t.equal(startOffset({ absolute: 9n }, undefined), 9n)
  t.equal(startOffset({ relative: 5 }, undefined), -5)
  t.equal(startOffset('stored', 'g'), 'committed')
  t.throws(() => startOffset('stored', undefined), UsageError)
  t.equal(groupReset(undefined, undefined), 'earliest')
  t.equal(groupReset(undefined, 'latest'), 'latest')
  t.equal(groupReset('end', undefined), 'latest')
  t.equal(groupReset('beginning', 'latest'), 'earliest')
  t.throws(() => groupReset({ absolute: 1n }, undefined), UsageError)
})

t.test('-t TOPIC[:PARTITION]', async (t) => {
  t.same(parseTopicArgument('orders'), { topic: 'orders', partition: null })
  t.same(parseTopicArgument('orders:3'), { topic: 'orders', partition: 3 })
  t.same(parseTopicArgument('a.b-c_d:0'), { topic: 'a.b-c_d', partition: 0 })
  t.throws(() => parseTopicArgument(':1'), UsageError)
  t.throws(() => parseTopicArgument('orders:x'), UsageError)
  t.throws(() => parseTopicArgument('orders:-1'), UsageError)
  t.throws(() => parseTopicArgument('orders:'), UsageError)
})

t.test('delimiter escapes', async (t) => {
  t.equal(unescapeArgument('-k', '\\t'), '\t')
  t.equal(unescapeArgument('-k', 'a\\\\b'), 'a\\b')
  t.equal(unescapeArgument('-k', '::'), '::')
  t.throws(() => unescapeArgument('-k', '\\q'), UsageError)
  t.throws(() => unescapeArgument('-k', 'x\\'), UsageError)
})
