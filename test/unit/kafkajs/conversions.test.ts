// kafkats/kafkajs conversions and errors, without a broker: headers both ways, messages to
// kafkats records, consumed records to KafkaMessage, per-record results to KafkaJS's
// per-partition RecordMetadata, Batch's offset helpers, AssignerProtocol against kafkajs's own,
// and KafkaJS errors made from kafkats errors (type, code, retriable, cause).
import { createRequire } from 'node:module'
import t from 'tap'
import { AssignerProtocol } from '../../../src/kafkajs/assigners.js'
import { Batch } from '../../../src/kafkajs/batch.js'
import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSOffsetOutOfRange,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
  kafkaJSErrorType,
  protocolError,
  toKafkaJSError,
} from '../../../src/kafkajs/errors.js'
import { codecOf, CompressionTypes, parseOffset, toKafkaJSHeaders, toKafkaMessage, toKafkatsHeaders, toKafkatsRecord, toRecordMetadata } from '../../../src/kafkajs/shapes.js'
import { AuthenticationError, ConfigError, ConnectionError, KafkaError, RequestTimeoutError } from '../../../src/errors.js'
import { DeliveryTimeoutError } from '../../../src/producer/producer-errors.js'
import { errorInfo, responseError } from '../../../src/protocol/error-codes.js'
import { logLevel, LogSink, type LogEntry } from '../../../src/kafkajs/logger.js'

const require = createRequire(import.meta.url)
const kafkajs = require('kafkajs') as {
  AssignerProtocol: { MemberMetadata: { encode(v: unknown): Buffer; decode(b: Buffer): unknown }; MemberAssignment: { encode(v: unknown): Buffer; decode(b: Buffer): unknown } }
}
const kafkajsErrorCodes = require('kafkajs/src/protocol/error.js') as { errorCodes: Array<{ type: string; code: number; retriable: boolean }> }

t.test('headers: arrays become repeated headers and back', async (t) => {
  t.same(toKafkatsHeaders({ a: '1', b: ['x', Buffer.from('y')], c: undefined }), [
    { key: 'a', value: '1' },
    { key: 'b', value: 'x' },
    { key: 'b', value: Buffer.from('y') },
  ])
  t.equal(toKafkatsHeaders(undefined), undefined)
  const back = toKafkaJSHeaders([
    { key: 'a', value: Buffer.from('1') },
    { key: 'b', value: Buffer.from('x') },
    { key: 'b', value: Buffer.from('y') },
    { key: 'b', value: Buffer.from('z') },
  ])
  t.same(back, { a: Buffer.from('1'), b: [Buffer.from('x'), Buffer.from('y'), Buffer.from('z')] })
})

t.test('a message becomes a kafkats record; bad timestamps are ConfigErrors', async (t) => {
  t.same(toKafkatsRecord('t', { key: 'k', value: 'v', timestamp: '1700000000000', headers: { h: 'x' } }, 2), {
    topic: 't',
    key: 'k',
    value: 'v',
    headers: [{ key: 'h', value: 'x' }],
    partition: 2,
    timestamp: 1700000000000,
  })
  t.equal(toKafkatsRecord('t', { value: null }, undefined).value, null)
  t.throws(() => toKafkatsRecord('t', { value: 'v', timestamp: 'soon' }, undefined), ConfigError)
})

t.test('a consumed record becomes a KafkaMessage with string offsets, copied buffers', async (t) => {
  const fetched = Buffer.from('kkvv')
  const m = toKafkaMessage({ topic: 't', partition: 0, offset: 12345678901234n, timestamp: 1700000000001, key: fetched.subarray(0, 2), value: fetched.subarray(2), headers: [{ key: 'h', value: Buffer.from('1') }], leaderEpoch: 0 })
  t.equal(m.offset, '12345678901234')
  t.equal(m.timestamp, '1700000000001')
  t.equal(m.key?.toString(), 'kk')
  fetched.fill(0)
  t.equal(m.value?.toString(), 'vv', 'not a view on the fetch buffer')
  t.same(m.headers, { h: Buffer.from('1') })
})

t.test('per-record results become one RecordMetadata per partition with the lowest offset', async (t) => {
  const r = toRecordMetadata([
    { topic: 'a', partition: 1, offset: 11n, timestamp: 0 },
    { topic: 'a', partition: 0, offset: 5n, timestamp: 0 },
    { topic: 'a', partition: 1, offset: 10n, timestamp: 0 },
    { topic: 'b', partition: 1, offset: 0n, timestamp: 0 },
  ])
  t.same(r, [
    { topicName: 'a', partition: 1, errorCode: 0, baseOffset: '10', logAppendTime: '-1', logStartOffset: '-1' },
    { topicName: 'a', partition: 0, errorCode: 0, baseOffset: '5', logAppendTime: '-1', logStartOffset: '-1' },
    { topicName: 'b', partition: 1, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '-1' },
  ])
})

t.test('Batch offset helpers as KafkaJS computes them', async (t) => {
  const rec = (offset: bigint) => ({ topic: 't', partition: 0, offset, timestamp: 0, key: null, value: null, headers: [], leaderEpoch: 0 })
  const b = new Batch({ topic: 't', partition: 0, records: [rec(5n), rec(6n), rec(7n)], highWatermark: 10n, lastStableOffset: 10n })
  t.equal(b.firstOffset(), '5')
  t.equal(b.lastOffset(), '7')
  t.equal(b.offsetLag(), '2')
  t.equal(b.offsetLagLow(), '4')
  t.equal(b.isEmpty(), false)
  const e = new Batch({ topic: 't', partition: 0, records: [], highWatermark: 10n, lastStableOffset: 10n })
  t.equal(e.firstOffset(), null)
  t.equal(e.lastOffset(), '9')
  t.equal(e.offsetLag(), '0')
  t.equal(e.offsetLagLow(), '0')
})

t.test('compression types and offsets', async (t) => {
  t.equal(codecOf(undefined), 'none')
  t.equal(codecOf(CompressionTypes.GZIP), 'gzip')
  t.equal(codecOf(CompressionTypes.ZSTD), 'zstd')
  t.throws(() => codecOf(9 as CompressionTypes), ConfigError)
  t.equal(parseOffset('42', 'x'), 42n)
  t.throws(() => parseOffset('4.2', 'x'), ConfigError)
})

t.test('AssignerProtocol encodes and decodes as kafkajs does', async (t) => {
  const metadata = { version: 0, topics: ['a', 'b'], userData: Buffer.from('ud') }
  t.same(AssignerProtocol.MemberMetadata.encode(metadata), kafkajs.AssignerProtocol.MemberMetadata.encode(metadata))
  t.same(AssignerProtocol.MemberMetadata.decode(kafkajs.AssignerProtocol.MemberMetadata.encode(metadata)), metadata)
  const assignment = { version: 0, assignment: { a: [0, 2], b: [1] }, userData: Buffer.alloc(0) }
  t.same(AssignerProtocol.MemberAssignment.encode(assignment), kafkajs.AssignerProtocol.MemberAssignment.encode(assignment))
  t.same(AssignerProtocol.MemberAssignment.decode(kafkajs.AssignerProtocol.MemberAssignment.encode(assignment)), assignment)
})

t.test('every Kafka error code gets KafkaJS type and retriable', async (t) => {
  for (const e of kafkajsErrorCodes.errorCodes) {
    t.equal(kafkaJSErrorType(e.code), e.type, `code ${e.code}`)
    const err = protocolError(e.code)
    t.ok(err instanceof KafkaJSProtocolError)
    t.equal(err.code, e.code)
    t.equal(err.retriable, errorInfo(e.code).retriable)
  }
})

t.test('kafkats errors become KafkaJS errors, keeping the cause', async (t) => {
  const notLeader = responseError(6, null, 'topic t, partition 0')
  const p = toKafkaJSError(notLeader) as KafkaJSProtocolError
  t.ok(p instanceof KafkaJSProtocolError && p instanceof KafkaJSError)
  t.equal(p.type, 'NOT_LEADER_FOR_PARTITION')
  t.equal(p.code, 6)
  t.equal(p.retriable, true)
  t.equal(p.cause, notLeader)
  t.ok(toKafkaJSError(responseError(1)) instanceof KafkaJSOffsetOutOfRange)
  t.equal((toKafkaJSError(responseError(36)) as KafkaJSProtocolError).type, 'TOPIC_ALREADY_EXISTS')
  t.equal((toKafkaJSError(responseError(36)) as KafkaJSProtocolError).retriable, false)
  const conn = toKafkaJSError(new ConnectionError('refused'))
  t.ok(conn instanceof KafkaJSConnectionError)
  t.equal((conn as KafkaJSConnectionError).retriable, true)
  t.ok(toKafkaJSError(new RequestTimeoutError('slow')) instanceof KafkaJSRequestTimeoutError)
  t.ok(toKafkaJSError(new AuthenticationError('no')) instanceof KafkaJSSASLAuthenticationError)
  t.ok(toKafkaJSError(new DeliveryTimeoutError('late', 't', 0)) instanceof KafkaJSNumberOfRetriesExceeded)
  const cfg = toKafkaJSError(new ConfigError('bad'))
  t.ok(cfg instanceof KafkaJSNonRetriableError)
  t.equal((cfg as KafkaJSError).retriable, false)
  t.ok(toKafkaJSError(new KafkaError('x', { code: 'X', retriable: true })) instanceof KafkaJSError)
  const own = new Error('handler')
  t.equal(toKafkaJSError(own), own, 'other errors unchanged')
  t.equal(new KafkaJSError('m').name, 'KafkaJSError')
  t.equal(new KafkaJSError('m').retriable, true)
})

t.test('logLevel and logCreator: entries at or under the level reach the creator', async (t) => {
  const got: LogEntry[] = []
  const sink = new LogSink(logLevel.WARN, (level) => {
    t.equal(level, logLevel.WARN)
    return (e) => got.push(e)
  })
  const k = sink.kafkatsLogger('Consumer')
  k.debug({}, 'd')
  k.info({}, 'i')
  k.warn({ x: 1 }, 'w')
  k.error({}, 'e')
  t.same(got.map((e) => [e.namespace, e.label, e.log.message]), [['Consumer', 'WARN', 'w'], ['Consumer', 'ERROR', 'e']])
  t.equal(got[0].log.x, 1)
  const l = sink.logger().namespace('Admin')
  l.error('boom', { y: 2 })
  t.equal(got[2].namespace, 'Admin')
  l.setLogLevel(logLevel.NOTHING)
  l.error('hidden')
  t.equal(got.length, 3)
})
