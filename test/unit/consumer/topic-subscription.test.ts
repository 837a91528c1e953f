import t from 'tap'
import { brokerRegex, matchTopics, parseSubscription } from '../../../src/consumer/topic-subscription.js'
import { ConfigError } from '../../../src/errors.js'
import type { TopicMetadata } from '../../../src/pool/cluster.js'

const topic = (name: string, isInternal = false): TopicMetadata => ({ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', isInternal, errorCode: 0, partitions: [] })

t.test('RegExps match whole topic names, never internal topics', async (t) => {
  const sub = parseSubscription('topics', ['x', /orders-.*/, /__.*/])
  t.same(matchTopics(sub, [topic('orders-1'), topic('old-orders-1'), topic('orders'), topic('__consumer_offsets', true), topic('x')]), ['orders-1', 'x'])
})

t.test('the broker regex (RE2/J): one alternation, the i flag scoped', async (t) => {
  t.equal(brokerRegex(parseSubscription('topics', ['a'])), '')
  t.equal(brokerRegex(parseSubscription('topics', [/a\..*/, /B/i])), '(?:a\\..*)|(?i:B)')
})

t.test('bad entries', async (t) => {
  t.throws(() => parseSubscription('subscribe', []), ConfigError)
  t.throws(() => parseSubscription('subscribe', ['bad topic']), ConfigError)
  t.throws(() => parseSubscription('subscribe', [42 as unknown as string]), ConfigError)
})
