/**
 * The bad-input table of docs/reliability.md, as data: each row is one public entry point × one
 * kind of bad input, the typed error expected, and what was sent. Not a test itself: the unit
 * test (bad-input.test.ts) runs the rows that need no broker, test/integration/reliability the
 * others, and both check that docs/reliability.md holds `markdownTable()` verbatim, so the doc
 * and the tests cannot drift. Print the table with
 * `node --import tsx test/unit/reliability/bad-input-table.ts`.
 */
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Gateway, type Kafka } from '../../../src/index.js'
import { RespParser } from '../../../src/gateway/resp-parser.js'

export type EntryPoint = 'Kafka constructor' | 'producer' | 'consumer' | 'admin' | 'gateway' | 'CLI'
export type BadInputKind = 'wrong type' | 'illegal topic name' | 'oversize record' | 'unknown option' | 'non-integer count' | 'use after close' | 'malformed request' | 'oversize request'

/** What a row runs against. */
export interface BadInputEnv {
  /** The test file's one Kafka instance. */
  kafka: Kafka
  /** The Kafka class, for constructor rows. */
  Kafka: new (options: never) => Kafka
  /** An existing topic (broker rows), or a name that is never created (unit rows). */
  topic: string
  /** Runs the CLI: exit code and stderr (broker rows only). */
  cli?: (args: readonly string[], input?: string) => Promise<{ code: number | null; stderr: string }>
}

export interface BadInputRow {
  entry: EntryPoint
  kind: BadInputKind
  /** The call, as markdown code. */
  input: string
  /** Error class name and `code`; for CLI rows the exit status and stderr line. */
  expect: { error: string; code: string; message: RegExp } | { exit: number; message: RegExp }
  /** What reached the broker. */
  sent: string
  /** Needs the shared broker (test/integration/reliability). */
  broker: boolean
  /** The row sends a write request on purpose (the broker is the one to refuse); default no. */
  writes?: boolean
  /** The error the call threw or rejected with (CLI rows: the process result). */
  run: (env: BadInputEnv) => Promise<unknown>
}

const config = (message: RegExp): BadInputRow['expect'] => ({ error: 'ConfigError', code: 'INVALID_CONFIG', message })
const closed: BadInputRow['expect'] = { error: 'ClosedError', code: 'CLIENT_CLOSED', message: /closed|stopped/ }
const NOTHING = 'nothing (no connection opened)'
const REJECTS = 'nothing; the record’s promise rejects'

/** The error `fn` throws or rejects with, or `undefined` if it succeeds. */
export async function failure(fn: () => unknown): Promise<unknown> {
  try {
    await fn()
    return undefined
  } catch (err) {
    return err
  }
}

export const BAD_INPUT_ROWS: readonly BadInputRow[] = [
  // Kafka constructor
  { entry: 'Kafka constructor', kind: 'wrong type', input: "`new Kafka({ bootstrapServers: 9092 })`", expect: config(/bootstrapServers/), sent: NOTHING, broker: false, run: (e) => failure(() => new e.Kafka({ bootstrapServers: 9092 } as never)) },
  { entry: 'Kafka constructor', kind: 'unknown option', input: "`new Kafka({ …, requestTimeoutMS: 1 })`", expect: config(/requestTimeoutMS/), sent: NOTHING, broker: false, run: (e) => failure(() => new e.Kafka({ bootstrapServers: '127.0.0.1:1', requestTimeoutMS: 1 } as never)) },
  { entry: 'Kafka constructor', kind: 'non-integer count', input: "`new Kafka({ …, connectionsPerBroker: 1.5 })`", expect: config(/connectionsPerBroker/), sent: NOTHING, broker: false, run: (e) => failure(() => new e.Kafka({ bootstrapServers: '127.0.0.1:1', connectionsPerBroker: 1.5 } as never)) },
  { entry: 'Kafka constructor', kind: 'use after close', input: '`kafka.producer().send()`, `kafka.consumer().poll()`, `kafka.admin().listTopics()` after `kafka.disconnectAll()`', expect: { error: 'ClosedError', code: 'CLIENT_CLOSED', message: /client is closed/ }, sent: NOTHING, broker: false, run: (e) => afterDisconnectAll(e) },
  { entry: 'Kafka constructor', kind: 'unknown option', input: "`new Kafka({ …, debug: 'cgrpp' })` (librdkafka's names are accepted)", expect: config(/debug: unknown category "cgrpp"/), sent: NOTHING, broker: false, run: (e) => failure(() => new e.Kafka({ bootstrapServers: '127.0.0.1:1', debug: 'cgrpp' } as never)) },
  { entry: 'Kafka constructor', kind: 'wrong type', input: "`new Kafka({ …, sasl: { mechanism: { name: 'GSSAPI' } } })` (a SaslMechanism object without createExchange)", expect: config(/sasl\.mechanism: must be a SaslMechanism/), sent: NOTHING, broker: false, run: (e) => failure(() => new e.Kafka({ bootstrapServers: '127.0.0.1:1', sasl: { mechanism: { name: 'GSSAPI' } } } as never)) },
  { entry: 'Kafka constructor', kind: 'wrong type', input: "`kafka.addBrokers(['nonsense'])`", expect: config(/invalid broker address "nonsense"/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.addBrokers(['nonsense'])) },
  { entry: 'Kafka constructor', kind: 'wrong type', input: "`kafka.refreshMetadata([''])`", expect: config(/refreshMetadata: topics/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.refreshMetadata([''])) },
  { entry: 'Kafka constructor', kind: 'wrong type', input: "`kafka.on('eror', listener)`", expect: config(/unknown event "eror"/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.on('eror' as never, () => {})) },
  { entry: 'Kafka constructor', kind: 'use after close', input: '`kafka.addBrokers()` after `kafka.disconnectAll()`', expect: { error: 'ClosedError', code: 'CLIENT_CLOSED', message: /client is closed/ }, sent: NOTHING, broker: false, run: (e) => failure(async () => { const k = new e.Kafka({ bootstrapServers: '127.0.0.1:1' } as never); await k.disconnectAll(); k.addBrokers(['127.0.0.1:2']) }) },
  // producer
  { entry: 'producer', kind: 'unknown option', input: '`kafka.producer({ lingerMS: 5 })`', expect: config(/lingerMS/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.producer({ lingerMS: 5 } as never)) },
  { entry: 'producer', kind: 'wrong type', input: '`send({ topic, value: 42 })`', expect: config(/value/), sent: REJECTS, broker: false, run: (e) => failure(() => withProducer(e, (p) => p.send({ topic: e.topic, value: 42 } as never))) },
  { entry: 'producer', kind: 'wrong type', input: '`send({ topic, value: undefined })` (a tombstone needs `null`)', expect: config(/value is missing/), sent: REJECTS, broker: false, run: (e) => failure(() => withProducer(e, (p) => p.send({ topic: e.topic, value: undefined } as never))) },
  { entry: 'producer', kind: 'wrong type', input: '`sendBatch({})`', expect: config(/array/), sent: NOTHING, broker: false, run: (e) => failure(() => withProducer(e, (p) => p.sendBatch({} as never))) },
  { entry: 'producer', kind: 'non-integer count', input: "`send({ topic, value: 'x', partition: 1.5 })`", expect: config(/partition/), sent: REJECTS, broker: false, run: (e) => failure(() => withProducer(e, (p) => p.send({ topic: e.topic, value: 'x', partition: 1.5 }))) },
  { entry: 'producer', kind: 'illegal topic name', input: "`send({ topic: '', value: 'x' })`", expect: config(/topic/), sent: REJECTS, broker: false, run: (e) => failure(() => withProducer(e, (p) => p.send({ topic: '', value: 'x' }))) },
  { entry: 'producer', kind: 'illegal topic name', input: "`send({ topic: 'a b', value: 'x' })`", expect: { error: 'ResponseError', code: 'INVALID_TOPIC_EXCEPTION', message: /INVALID_TOPIC_EXCEPTION/ }, sent: 'Metadata only (the broker names the error); the record’s promise rejects, no Produce', broker: true, run: (e) => failure(() => withProducer(e, (p) => p.send({ topic: 'a b', value: 'x' }))) },
  { entry: 'producer', kind: 'illegal topic name', input: '`send({ topic: 250 × "a", value: "x" })`', expect: { error: 'ResponseError', code: 'INVALID_TOPIC_EXCEPTION', message: /INVALID_TOPIC_EXCEPTION/ }, sent: 'Metadata only; the record’s promise rejects, no Produce', broker: true, run: (e) => failure(() => withProducer(e, (p) => p.send({ topic: 'a'.repeat(250), value: 'x' }))) },
  { entry: 'producer', kind: 'oversize record', input: '`send({ topic, value: Buffer.alloc(maxRequestSize + 1) })`', expect: { error: 'RecordTooLargeError', code: 'MESSAGE_TOO_LARGE', message: /larger than|too large|exceeds/i }, sent: REJECTS, broker: false, run: (e) => failure(() => withProducer(e, (p) => p.send({ topic: e.topic, value: Buffer.alloc(1_048_577) }))) },
  { entry: 'producer', kind: 'oversize record', input: "`send({ topic, value: 4000 bytes })`, topic `max.message.bytes` 1024", expect: { error: 'RecordTooLargeError', code: 'MESSAGE_TOO_LARGE', message: /MESSAGE_TOO_LARGE/ }, sent: 'one Produce, refused by the broker (a lone record: nothing to split): nothing written (the high watermark stays 0); the record’s promise rejects', broker: true, writes: true, run: (e) => oversizeForBroker(e) },
  { entry: 'producer', kind: 'use after close', input: '`send()` after `close()`', expect: closed, sent: REJECTS, broker: false, run: (e) => failure(async () => { const p = e.kafka.producer(); await p.close(); await p.send({ topic: e.topic, value: 'x' }) }) },
  { entry: 'producer', kind: 'use after close', input: '`partitionFor()` after `close()`', expect: closed, sent: NOTHING, broker: false, run: (e) => failure(async () => { const p = e.kafka.producer(); await p.close(); await p.partitionFor(e.topic, null) }) },
  { entry: 'producer', kind: 'wrong type', input: "`partitionFor(topic, 'k', { partitioner: 'crc' })`", expect: config(/partitioner "crc"/), sent: NOTHING, broker: false, run: (e) => failure(() => withProducer(e, (p) => p.partitionFor(e.topic, 'k', { partitioner: 'crc' as never }))) },
  // consumer
  { entry: 'consumer', kind: 'unknown option', input: "`kafka.consumer({ groupId, topics, sesionTimeoutMs: 1 })`", expect: config(/sesionTimeoutMs/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ groupId: 'g', topics: [e.topic], sesionTimeoutMs: 1 } as never)) },
  { entry: 'consumer', kind: 'wrong type', input: "`kafka.consumer({ groupId, topics: 'orders' })`", expect: config(/topics/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ groupId: 'g', topics: e.topic } as never)) },
  { entry: 'consumer', kind: 'illegal topic name', input: "`kafka.consumer({ groupId, topics: ['a b'] })`", expect: config(/topics\.0: illegal topic name/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ groupId: 'g', topics: ['a b'] })) },
  { entry: 'consumer', kind: 'illegal topic name', input: "`kafka.consumer({ assignments: [{ topic: '..', partition: 0 }] })`", expect: config(/assignments\.0\.topic: illegal topic name/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ assignments: [{ topic: '..', partition: 0 }] })) },
  { entry: 'consumer', kind: 'non-integer count', input: '`kafka.consumer({ assignments: [{ topic, partition: 0.5 }] })`', expect: config(/partition/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0.5 }] } as never)) },
  { entry: 'consumer', kind: 'wrong type', input: "`kafka.consumer({ assignments, clientRack: 2 })`", expect: config(/clientRack/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }], clientRack: 2 } as never)) },
  { entry: 'consumer', kind: 'non-integer count', input: '`kafka.consumer({ assignments, queuedMaxMessagesKbytes: 0.5 })`', expect: config(/queuedMaxMessagesKbytes/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }], queuedMaxMessagesKbytes: 0.5 })) },
  { entry: 'consumer', kind: 'wrong type', input: '`consumer.seek(topic, 0, { timestamp: -1 })`', expect: config(/timestamp must be an integer >= 0/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }] }).seek(e.topic, 0, { timestamp: -1 })) },
  { entry: 'consumer', kind: 'use after close', input: '`seek()` after `stop()`', expect: closed, sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }] }); await c.stop(); c.seek(e.topic, 0, 0) }) },
  { entry: 'consumer', kind: 'use after close', input: '`poll()` after `stop()`', expect: closed, sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }] }); await c.stop(); await c.poll(1000) }) },
  { entry: 'consumer', kind: 'non-integer count', input: '`poll(100, { maxRecords: 0 })`', expect: config(/maxRecords must be a positive integer/), sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }] }); try { await c.poll(100, { maxRecords: 0 }) } finally { await c.stop() } }) },
  { entry: 'consumer', kind: 'illegal topic name', input: "`assign([{ topic: 'a b', partition: 0 }])`", expect: config(/assign: illegal topic name/), sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }] }); try { c.assign([{ topic: 'a b', partition: 0 }]) } finally { await c.stop() } }) },
  { entry: 'consumer', kind: 'non-integer count', input: '`unassign([{ topic, partitions: [0.5] }])`', expect: config(/partitions must be an array of non-negative integers/), sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }] }); try { c.unassign([{ topic: e.topic, partitions: [0.5] }]) } finally { await c.stop() } }) },
  { entry: 'consumer', kind: 'wrong type', input: '`unassign([{ topic }])` on a group consumer', expect: config(/only for a partition consumer/), sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ groupId: 'g', topics: [e.topic] }); try { c.unassign([{ topic: e.topic }]) } finally { await c.stop() } }) },
  { entry: 'consumer', kind: 'use after close', input: '`assign()` after `stop()`', expect: closed, sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }] }); await c.stop(); c.assign([{ topic: e.topic, partition: 1 }]) }) },
  { entry: 'consumer', kind: 'wrong type', input: "`kafka.consumer({ groupId, topics, groupProtocol: 'kip848' })`", expect: config(/groupProtocol/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ groupId: 'g', topics: [e.topic], groupProtocol: 'kip848' } as never)) },
  { entry: 'consumer', kind: 'wrong type', input: "`kafka.consumer({ groupId, topics, groupRemoteAssignor: 'uniform' })` (classic protocol)", expect: config(/groupRemoteAssignor: only for groupProtocol 'consumer'/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ groupId: 'g', topics: [e.topic], groupRemoteAssignor: 'uniform' })) },
  { entry: 'consumer', kind: 'wrong type', input: "`kafka.consumer({ groupId, topics, groupProtocol: 'consumer', assignors: ['range'] })`", expect: config(/assignors: only for groupProtocol 'classic'/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.consumer({ groupId: 'g', topics: [e.topic], groupProtocol: 'consumer', assignors: ['range'] })) },
  { entry: 'consumer', kind: 'illegal topic name', input: "`subscribe(['a b'])`", expect: config(/subscribe: illegal topic name/), sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ groupId: 'g' }); try { c.subscribe(['a b']) } finally { await c.stop() } }) },
  { entry: 'consumer', kind: 'wrong type', input: '`subscribe([topic])` on a partition consumer', expect: config(/subscribe: only for a consumer with a groupId/), sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }] }); try { c.subscribe([e.topic]) } finally { await c.stop() } }) },
  { entry: 'consumer', kind: 'use after close', input: '`unsubscribe()` after `stop()`', expect: closed, sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ groupId: 'g', topics: [e.topic] }); await c.stop(); await c.unsubscribe() }) },
  { entry: 'consumer', kind: 'wrong type', input: '`assign([{ topic, partition: 0 }])` on a subscribed group consumer', expect: config(/subscribing and assigning are mutually exclusive/), sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ groupId: 'g', topics: [e.topic] }); try { c.assign([{ topic: e.topic, partition: 0 }]) } finally { await c.stop() } }) },
  { entry: 'consumer', kind: 'non-integer count', input: '`run({ eachMessage, partitionsConsumedConcurrently: 0 })`', expect: config(/partitionsConsumedConcurrently must be a positive integer/), sent: NOTHING, broker: false, run: (e) => failure(async () => { const c = e.kafka.consumer({ groupId: 'g', topics: [e.topic] }); try { await c.run({ eachMessage: () => {}, partitionsConsumedConcurrently: 0 }) } finally { await c.stop() } }) },
  // admin
  { entry: 'admin', kind: 'unknown option', input: '`kafka.admin({ timeout: 1 })`', expect: config(/timeout/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin({ timeout: 1 } as never)) },
  { entry: 'admin', kind: 'unknown option', input: "`createTopics([{ name }], { validateonly: true })`", expect: config(/options: Unrecognized key.*validateonly/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createTopics([{ name: 'x' }], { validateonly: true } as never)) },
  { entry: 'admin', kind: 'wrong type', input: '`createTopics({})`', expect: config(/topics: .*array/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createTopics({} as never)) },
  { entry: 'admin', kind: 'wrong type', input: "`createTopics([{ name, configs: { 'retention.ms': {} } }])`", expect: config(/topics\[0\]\.configs\.retention\.ms/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createTopics([{ name: 'x', configs: { 'retention.ms': {} } } as never])) },
  { entry: 'admin', kind: 'wrong type', input: "`createAcls([{ …, operation: 'reed' }])`", expect: config(/acls\[0\]\.operation/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createAcls([{ resourceType: 'topic', resourceName: 'x', principal: 'User:a', operation: 'reed', permissionType: 'allow' } as never])) },
  { entry: 'admin', kind: 'wrong type', input: "`listOffsets([{ topic, partition: 0, at: 'newest' }])`", expect: config(/partitions\[0\]\.at/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().listOffsets([{ topic: e.topic, partition: 0, at: 'newest' } as never])) },
  { entry: 'admin', kind: 'wrong type', input: '`deleteRecords([{ topic, partition: 0, beforeOffset: -2n }])`', expect: config(/partitions\[0\]\.beforeOffset/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().deleteRecords([{ topic: e.topic, partition: 0, beforeOffset: -2n }])) },
  { entry: 'admin', kind: 'wrong type', input: "`describeGroups('my-group')`", expect: config(/groupIds: .*array/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().describeGroups('g' as never)) },
  { entry: 'admin', kind: 'wrong type', input: "`incrementalAlterConfigs([{ type: 'topic', name, configs: [{ name: 'retention.ms', op: 'remove' }] }])`", expect: config(/resources\[0\]\.configs\[0\]\.op/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().incrementalAlterConfigs([{ type: 'topic', name: e.topic, configs: [{ name: 'retention.ms', op: 'remove' as never }] }])) },
  { entry: 'admin', kind: 'wrong type', input: "`fetchCommittedOffsets('')`", expect: config(/groupId/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().fetchCommittedOffsets('')) },
  { entry: 'admin', kind: 'non-integer count', input: "`alterCommittedOffsets(group, [{ topic, partition: 0, offset: -5 }])`", expect: config(/offsets\[0\]\.offset/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().alterCommittedOffsets('g', [{ topic: e.topic, partition: 0, offset: -5 }])) },
  { entry: 'admin', kind: 'wrong type', input: "`listTransactions({ states: ['Open'] })`", expect: config(/options\.states\[0\]/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().listTransactions({ states: ['Open' as never] })) },
  { entry: 'admin', kind: 'unknown option', input: '`listTransactions({ minDurationMs: 1000 })`', expect: config(/options: Unrecognized key.*minDurationMs/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().listTransactions({ minDurationMs: 1000 } as never)) },
  { entry: 'admin', kind: 'wrong type', input: "`describeTransactions('tx-1')`", expect: config(/transactionalIds: .*array/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().describeTransactions('tx-1' as never)) },
  { entry: 'admin', kind: 'non-integer count', input: '`describeProducers([{ topic, partition: 0.5 }])`', expect: config(/partitions\[0\]\.partition/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().describeProducers([{ topic: e.topic, partition: 0.5 }])) },
  { entry: 'admin', kind: 'wrong type', input: "`abortTransaction({ topic, partition: 0, producerId: '7', producerEpoch: 0, coordinatorEpoch: 0 })`", expect: config(/spec\.producerId/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().abortTransaction({ topic: e.topic, partition: 0, producerId: '7' as never, producerEpoch: 0, coordinatorEpoch: 0 })) },
  { entry: 'admin', kind: 'non-integer count', input: '`abortTransaction({ topic, partition: 0, producerId: 7n, producerEpoch: 40000, coordinatorEpoch: 0 })` (an int16)', expect: config(/spec\.producerEpoch/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().abortTransaction({ topic: e.topic, partition: 0, producerId: 7n, producerEpoch: 40000, coordinatorEpoch: 0 })) },
  { entry: 'admin', kind: 'illegal topic name', input: "`abortTransaction({ topic: 'a b', … })`", expect: config(/spec\.topic: illegal topic name/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().abortTransaction({ topic: 'a b', partition: 0, producerId: 7n, producerEpoch: 0, coordinatorEpoch: 0 })) },
  { entry: 'admin', kind: 'illegal topic name', input: "`createTopics([{ name: 'a b' }])`", expect: config(/topics\[0\]\.name: illegal topic name/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createTopics([{ name: 'a b' }])) },
  { entry: 'admin', kind: 'illegal topic name', input: "`createTopics([{ name: '..' }])`", expect: config(/topics\[0\]\.name: illegal topic name/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createTopics([{ name: '..' }])) },
  { entry: 'admin', kind: 'illegal topic name', input: '`createTopics([{ name: 250 × "a" }])`', expect: config(/at most 249/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createTopics([{ name: 'a'.repeat(250) }])) },
  { entry: 'admin', kind: 'illegal topic name', input: "`deleteTopics([''])`", expect: config(/names\[0\]: illegal topic name/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().deleteTopics([''])) },
  { entry: 'admin', kind: 'non-integer count', input: '`createTopics([{ name, partitions: 1.5 }])`', expect: config(/topics\[0\]\.partitions/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createTopics([{ name: 'x', partitions: 1.5 }])) },
  { entry: 'admin', kind: 'non-integer count', input: '`createTopics([{ name, partitions: -2 }])` (-1 is the broker default)', expect: config(/topics\[0\]\.partitions/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createTopics([{ name: 'x', partitions: -2 }])) },
  { entry: 'admin', kind: 'non-integer count', input: '`createTopics([{ name, replicationFactor: 0 }])`', expect: config(/topics\[0\]\.replicationFactor/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createTopics([{ name: 'x', replicationFactor: 0 }])) },
  { entry: 'admin', kind: 'non-integer count', input: '`createPartitions([{ topic, count: 3.5 }])`', expect: config(/topics\[0\]\.count/), sent: NOTHING, broker: false, run: (e) => failure(() => e.kafka.admin().createPartitions([{ topic: e.topic, count: 3.5 }])) },
  { entry: 'admin', kind: 'use after close', input: '`listTopics()` after `close()`', expect: closed, sent: NOTHING, broker: false, run: (e) => failure(async () => { const a = e.kafka.admin(); await a.close(); await a.listTopics() }) },
  // gateway (docs/gateway.md): a client's bad request is answered in RESP and closes only its connection (test/integration/gateway/gateway-limits.test.ts checks the wire)
  { entry: 'gateway', kind: 'unknown option', input: '`new Gateway(kafka, { maxConnection: 5 })`', expect: config(/maxConnection/), sent: NOTHING, broker: false, run: (e) => failure(() => new Gateway(e.kafka, { maxConnection: 5 } as never)) },
  { entry: 'gateway', kind: 'wrong type', input: "`new Gateway(kafka, { listen: 'localhost' })`", expect: config(/listen: expected HOST:PORT/), sent: NOTHING, broker: false, run: (e) => failure(() => new Gateway(e.kafka, { listen: 'localhost' })) },
  { entry: 'gateway', kind: 'wrong type', input: "`new Gateway(kafka, { consumer: { sessionTimeoutMs: '10s' } })`", expect: config(/sessionTimeoutMs/), sent: NOTHING, broker: false, run: (e) => failure(() => new Gateway(e.kafka, { consumer: { sessionTimeoutMs: '10s' as never } })) },
  { entry: 'gateway', kind: 'non-integer count', input: '`new Gateway(kafka, { maxRequestBytes: 1.5 })`', expect: config(/maxRequestBytes/), sent: NOTHING, broker: false, run: (e) => failure(() => new Gateway(e.kafka, { maxRequestBytes: 1.5 })) },
  { entry: 'gateway', kind: 'malformed request', input: 'a client sends `*1\\r\\n:4\\r\\nPING\\r\\n`', expect: { error: 'RespProtocolError', code: 'GATEWAY_PROTOCOL_ERROR', message: /^Protocol error: expected '\$', got ':'$/ }, sent: 'nothing; that client gets `-ERR Protocol error: …` and its connection is closed', broker: false, run: async () => failure(() => parseAll('*1\r\n:4\r\nPING\r\n', 1024 * 1024)) },
  { entry: 'gateway', kind: 'oversize request', input: '`RPUSHX topics:t <10 kB>` with `maxRequestBytes: 4096`', expect: { error: 'RespProtocolError', code: 'GATEWAY_PROTOCOL_ERROR', message: /request larger than maxRequestBytes \(4096 bytes\)/ }, sent: 'nothing (refused from the length prefix, before the value arrives); that client gets `-ERR Protocol error: …` and its connection is closed', broker: false, run: async () => failure(() => parseAll('*3\r\n$6\r\nRPUSHX\r\n$8\r\ntopics:t\r\n$10000\r\n', 4096)) },
  { entry: 'gateway', kind: 'use after close', input: '`listen()` after `close()`', expect: closed, sent: NOTHING, broker: false, run: (e) => failure(async () => { const g = new Gateway(e.kafka, { listen: '127.0.0.1:0' }); await g.close(); await g.listen() }) },
  // CLI (exit 2 is a usage error: the check came before any request)
  { entry: 'CLI', kind: 'non-integer count', input: '`kafkats topic create T -P 1.5`', expect: { exit: 2, message: /^kafkats: -P: expected a whole number, got '1\.5'$/ }, sent: 'nothing', broker: true, run: (e) => e.cli!(['topic', 'create', 'x', '-P', '1.5']) },
  { entry: 'CLI', kind: 'unknown option', input: '`kafkats consume -t T --bogus`', expect: { exit: 2, message: /^kafkats: unknown option '--bogus'/ }, sent: 'nothing', broker: true, run: (e) => e.cli!(['consume', '-t', 'x', '--bogus']) },
  { entry: 'CLI', kind: 'unknown option', input: '`kafkats metadata -X linger.msec=5`', expect: { exit: 2, message: /^kafkats: unknown property 'linger\.msec'/ }, sent: 'nothing', broker: true, run: (e) => e.cli!(['metadata', '-X', 'linger.msec=5']) },
  { entry: 'CLI', kind: 'unknown option', input: '`kafkats consume -t T -d cgrpp`', expect: { exit: 2, message: /^kafkats: invalid Kafka options: debug: unknown category "cgrpp"/ }, sent: 'nothing', broker: true, run: (e) => e.cli!(['consume', '-t', 'x', '-d', 'cgrpp']) },
  { entry: 'CLI', kind: 'illegal topic name', input: "`kafkats topic create 'a b'`", expect: { exit: 2, message: /^kafkats: invalid createTopics arguments: topics\[0\]\.name: illegal topic name/ }, sent: 'no CreateTopics', broker: true, run: (e) => e.cli!(['topic', 'create', 'a b']) },
  { entry: 'CLI', kind: 'illegal topic name', input: "`kafkats consume -t 'a b' -g G`", expect: { exit: 2, message: /^kafkats: invalid consumer options: topics\.0: illegal topic name/ }, sent: 'nothing', broker: true, run: (e) => e.cli!(['consume', '-t', 'a b', '-g', 'g', '-c', '1']) },
  { entry: 'CLI', kind: 'illegal topic name', input: "`echo x | kafkats produce -t 'a b'`", expect: { exit: 1, message: /^kafkats: INVALID_TOPIC_EXCEPTION \(17\)/ }, sent: 'Metadata only (the broker names the error)', broker: true, run: (e) => e.cli!(['produce', '-t', 'a b'], 'x\n') },
  { entry: 'CLI', kind: 'wrong type', input: '`kafkats consume -t T -o latest`', expect: { exit: 2, message: /^kafkats: -o: expected beginning, end, stored/ }, sent: 'nothing', broker: true, run: (e) => e.cli!(['consume', '-t', 'x', '-o', 'latest']) },
  { entry: 'CLI', kind: 'wrong type', input: '`kafkats gateway --listen 6380`', expect: { exit: 2, message: /^kafkats: invalid gateway options: listen: expected HOST:PORT, got '6380'$/ }, sent: 'nothing', broker: true, run: (e) => e.cli!(['gateway', '--listen', '6380']) },
  { entry: 'CLI', kind: 'unknown option', input: "`kafkats gateway -c rafka.json` with `{\"consumer\": {\"fetch.wait.msec\": 5}}`", expect: { exit: 2, message: /^kafkats: gateway config: consumer: unknown property 'fetch\.wait\.msec'/ }, sent: 'nothing', broker: true, run: (e) => e.cli!(['gateway', '-c', rafkaConfigFile({ consumer: { 'fetch.wait.msec': 5 } })]) },
]

/** Every command of `bytes` through the gateway's RESP parser. */
function parseAll(bytes: string, maxRequestBytes: number): void {
  const p = new RespParser(maxRequestBytes)
  p.push(Buffer.from(bytes, 'latin1'))
  while (p.next() !== null);
}

/** A Rafka-style config file in the temp directory. */
function rafkaConfigFile(config: unknown): string {
  const file = join(tmpdir(), `kafkats-gateway-${process.pid}-${Date.now()}.json`)
  writeFileSync(file, JSON.stringify(config))
  return file
}

/**
 * The first failure of a producer, a consumer and an admin made from a Kafka instance after its
 * `disconnectAll()`: a second instance, since this row closes the one it tests.
 */
async function afterDisconnectAll(e: BadInputEnv): Promise<unknown> {
  const kafka = new e.Kafka({ bootstrapServers: '127.0.0.1:1', socketFactory: () => { throw new Error('no connection expected') } } as never)
  await kafka.disconnectAll()
  const errors = [
    await failure(() => kafka.producer().send({ topic: e.topic, value: 'x' })),
    await failure(() => kafka.consumer({ assignments: [{ topic: e.topic, partition: 0 }] }).poll(2000)),
    await failure(() => kafka.admin().listTopics()),
  ]
  return errors.find((err) => !(err instanceof Error) || err.constructor.name !== 'ClosedError') ?? errors[0]
}

/** A record over its topic's `max.message.bytes` (but under `maxRequestSize`): the broker refuses it, and nothing is written. */
async function oversizeForBroker(e: BadInputEnv): Promise<unknown> {
  const admin = e.kafka.admin()
  const topic = `${e.topic}-small`
  const [created] = await admin.createTopics([{ name: topic, partitions: 1, configs: { 'max.message.bytes': 1024 } }])
  if (created.errorCode !== 0) return new Error(`createTopics: ${created.errorName}`)
  try {
    const err = await failure(() => withProducer(e, (p) => p.send({ topic, value: Buffer.alloc(4000, 1) })))
    const [end] = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }])
    return end.offset === 0n ? err : new Error(`${end.offset} records written`)
  } finally {
    await admin.deleteTopics([topic]).catch(() => {})
    await admin.close()
  }
}

/** A producer of the env's Kafka, closed after `fn`. */
async function withProducer<T>(e: BadInputEnv, fn: (p: ReturnType<Kafka['producer']>) => Promise<T>): Promise<T> {
  const p = e.kafka.producer({ deliveryTimeoutMs: 20_000, requestTimeoutMs: 5000, lingerMs: 0 })
  try {
    return await fn(p)
  } finally {
    await p.close().catch(() => {})
  }
}

function expectCell(r: BadInputRow): string {
  if ('exit' in r.expect) return `exit ${r.expect.exit}, one line on stderr`
  return `${r.expect.error} \`${r.expect.code}\``
}

/** The table of docs/reliability.md, between its markers. */
export function markdownTable(): string {
  const lines = ['| Entry point | Bad input | Example | Error (class, `code`) | Sent | Test |', '|---|---|---|---|---|---|']
  for (const r of BAD_INPUT_ROWS) {
    lines.push(`| ${r.entry} | ${r.kind} | ${r.input.replace(/\|/g, '\\|')} | ${expectCell(r)} | ${r.sent} | ${r.broker ? 'integration' : 'unit'} |`)
  }
  return lines.join('\n')
}

export const TABLE_BEGIN = '<!-- bad-input-table:begin (generated: node --import tsx test/unit/reliability/bad-input-table.ts) -->'
export const TABLE_END = '<!-- bad-input-table:end -->'

/** The table as docs/reliability.md holds it, or null without markers. */
export function tableInDoc(doc: string): string | null {
  const a = doc.indexOf(TABLE_BEGIN)
  const b = doc.indexOf(TABLE_END)
  if (a < 0 || b < a) return null
  return doc.slice(a + TABLE_BEGIN.length, b).trim()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(markdownTable() + '\n')

/** Checks a row's outcome; returns the problems (empty when the row holds). */
export function outcomeProblems(r: BadInputRow, outcome: unknown): string[] {
  const problems: string[] = []
  if ('exit' in r.expect) {
    const res = outcome as { code: number | null; stderr: string }
    if (res.code !== r.expect.exit) problems.push(`exit ${String(res.code)}, expected ${r.expect.exit}`)
    const lines = res.stderr.split('\n').filter((l) => l !== '')
    if (lines.length !== 1) problems.push(`${lines.length} stderr lines, expected 1: ${res.stderr}`)
    if (!r.expect.message.test(lines[0] ?? '')) problems.push(`stderr ${JSON.stringify(lines[0])} does not match ${String(r.expect.message)}`)
    return problems
  }
  if (!(outcome instanceof Error)) return [`no error (got ${String(outcome)})`]
  if (outcome.constructor.name !== r.expect.error) problems.push(`${outcome.constructor.name}, expected ${r.expect.error}: ${outcome.message}`)
  if ((outcome as { code?: unknown }).code !== r.expect.code) problems.push(`code ${String((outcome as { code?: unknown }).code)}, expected ${r.expect.code}`)
  if (!r.expect.message.test(outcome.message)) problems.push(`message ${JSON.stringify(outcome.message)} does not match ${String(r.expect.message)}`)
  return problems
}
