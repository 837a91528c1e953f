// kafkats/otel against the real broker, with OpenTelemetry's SDK and in-memory exporters: one
// Kafka instance, a producer and a consumer. Spans (`send <topic>` PRODUCER, `process <topic>`
// CONSUMER) with the messaging attributes; the consumer's span in the producer's trace through the
// `traceparent` header; the handler running inside the process span; metrics (records sent and
// received, request latency per API, consumer lag); and nothing added to records once disabled.
import t from 'tap'
import { AsyncLocalStorage } from 'node:async_hooks'
import { context, type Context, type ContextManager, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics'
import { instrumentKafkats, METRIC_NAMES } from '../../../src/otel/index.js'
import type { ConsumerRecord } from '../../../src/consumer/consumer-record.js'
import { newKafka, uniqueTopic, waitFor } from '../../helpers/cluster.js'

/** A metric reader that collects on demand (the SDK's base class; no export loop). */
class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** The smallest AsyncLocalStorage context manager (what @opentelemetry/context-async-hooks does). */
class AlsContextManager implements ContextManager {
  private readonly als = new AsyncLocalStorage<Context>()
  active(): Context {
    return this.als.getStore() ?? ROOT_CONTEXT
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.als.run(ctx, () => fn.apply(thisArg, args))
  }
  bind<T>(_ctx: Context, target: T): T {
    return target
  }
  enable(): this {
    return this
  }
  disable(): this {
    this.als.disable()
    return this
  }
}

function sumOf(rm: ResourceMetrics, name: string, match: (attrs: Record<string, unknown>) => boolean): number {
  let sum = 0
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      if (m.descriptor.name !== name) continue
      for (const dp of m.dataPoints) {
        if (!match(dp.attributes)) continue
        const v = dp.value as number | { count: number }
        sum += typeof v === 'number' ? v : v.count
      }
    }
  }
  return sum
}

function metric(rm: ResourceMetrics, name: string): ResourceMetrics['scopeMetrics'][number]['metrics'][number] | undefined {
  for (const sm of rm.scopeMetrics) for (const m of sm.metrics) if (m.descriptor.name === name) return m
  return undefined
}

t.test('spans, trace context through headers, and metrics for produce and consume', async (t) => {
  const contextManager = new AlsContextManager()
  context.setGlobalContextManager(contextManager)
  t.teardown(() => context.disable())
  const exporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const reader = new TestReader()
  // Delta temporality for the gauge: a series not observed in a collection is not reported.
  const deltaReader = new TestReader({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA })
  const meterProvider = new MeterProvider({ readers: [reader, deltaReader] })
  const otel = instrumentKafkats({ tracerProvider, meterProvider })
  t.teardown(() => otel.disable())

  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('otel')
  const groupId = uniqueTopic('otel-group')
  const admin = kafka.admin()
  await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }])
  await admin.close()

  const producer = kafka.producer()
  const userTraceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
  const sent = await Promise.all([
    producer.send({ topic, key: 'k0', value: 'v0' }),
    producer.send({ topic, key: 'k1', value: 'v1', headers: { app: 'x' } }),
    producer.send({ topic, key: 'k2', value: null }),
    producer.send({ topic, key: 'k3', value: 'v3', headers: { traceparent: userTraceparent } }),
  ])
  t.same(sent.map((m) => m.offset), [0n, 1n, 2n, 3n])
  await producer.close()

  const sendSpans = exporter.getFinishedSpans().filter((s) => s.name === `send ${topic}`)
  t.equal(sendSpans.length, 4, 'one send span per record')
  const byKey = new Map<string, ReadableSpan>(sendSpans.map((s) => [String(s.attributes['messaging.kafka.message.key']), s]))
  for (let i = 0; i < 4; i++) {
    const s = byKey.get(`k${i}`)
    t.ok(s, `send span of k${i}`)
    if (s === undefined) continue
    t.equal(s.kind, SpanKind.PRODUCER)
    t.match(s.attributes, {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': '0',
      'messaging.kafka.destination.partition': 0,
      'messaging.kafka.message.offset': i,
      'messaging.client.id': 'kafkats-test',
    })
  }
  t.equal(byKey.get('k2')?.attributes['messaging.kafka.message.tombstone'], true, 'a null value is a tombstone')

  // Consume with run({ eachMessage }) through the same Kafka instance.
  const consumer = kafka.consumer({ groupId, topics: [topic], resetStrategy: 'earliest' })
  const got: Array<{ record: ConsumerRecord; activeTraceId: string | undefined; activeSpanId: string | undefined }> = []
  const running = consumer.run({
    eachMessage: (record) => {
      const active = trace.getActiveSpan()?.spanContext()
      got.push({ record, activeTraceId: active?.traceId, activeSpanId: active?.spanId })
    },
  })
  await waitFor('4 records consumed', async () => got.length >= 4, 30_000, 50)
  // The lag gauge while the consumer runs: every record handed out, so 0 on partition 0.
  const during = await deltaReader.collect()
  await consumer.stop()
  await running

  const headerOf = (r: ConsumerRecord, key: string): string | undefined => r.headers.find((h) => h.key === key)?.value?.toString()
  const processSpans = exporter.getFinishedSpans().filter((s) => s.name === `process ${topic}`)
  t.equal(processSpans.length, 4, 'one process span per record')
  for (const { record, activeTraceId, activeSpanId } of got) {
    const key = record.key?.toString() as string
    const send = byKey.get(key) as ReadableSpan
    const proc = processSpans.find((s) => s.attributes['messaging.kafka.message.offset'] === Number(record.offset)) as ReadableSpan
    t.ok(proc, `process span of ${key}`)
    t.equal(proc.kind, SpanKind.CONSUMER)
    t.match(proc.attributes, {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': topic,
      'messaging.consumer.group.name': groupId,
      'messaging.destination.partition.id': '0',
      'messaging.kafka.destination.partition': 0,
      'messaging.kafka.message.key': key,
    })
    t.equal(activeSpanId, proc.spanContext().spanId, `${key}: the handler ran inside the process span`)
    t.equal(activeTraceId, proc.spanContext().traceId)
    if (key === 'k3') {
      t.equal(headerOf(record, 'traceparent'), userTraceparent, 'the user\'s traceparent was kept')
      t.equal(proc.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c', 'and the process span is in the user\'s trace')
      continue
    }
    const sc = send.spanContext()
    t.equal(headerOf(record, 'traceparent'), `00-${sc.traceId}-${sc.spanId}-01`, `${key}: traceparent names the send span`)
    t.equal(proc.spanContext().traceId, sc.traceId, `${key}: consumer span in the producer's trace`)
    t.equal(proc.parentSpanContext?.spanId, sc.spanId, `${key}: parented to the send span`)
    t.equal(proc.links[0]?.context.spanId, sc.spanId, `${key}: and linked to it`)
  }
  t.equal(headerOf(got.find((g) => g.record.key?.toString() === 'k1')!.record, 'app'), 'x', 'the user\'s headers are kept')

  const after = await reader.collect()
  t.same(after.errors, [])
  const rm = after.resourceMetrics
  t.equal(sumOf(rm, METRIC_NAMES.sent, (a) => a['messaging.destination.name'] === topic), 4, 'records sent: 4')
  t.equal(sumOf(rm, METRIC_NAMES.consumed, (a) => a['messaging.destination.name'] === topic && a['messaging.consumer.group.name'] === groupId), 4, 'records received: 4')
  const duration = metric(rm, METRIC_NAMES.requestDuration)
  t.equal(duration?.dataPointType, DataPointType.HISTOGRAM)
  t.equal(duration?.descriptor.unit, 's')
  for (const api of ['Produce', 'Fetch', 'Metadata', 'JoinGroup']) {
    t.ok(sumOf(rm, METRIC_NAMES.requestDuration, (a) => a['kafkats.api.name'] === api) >= 1, `request latency recorded for ${api}`)
  }
  const lag = metric(during.resourceMetrics, METRIC_NAMES.consumerLag)
  const lagPoint = lag?.dataPoints.find((dp) => dp.attributes['messaging.destination.name'] === topic)
  t.ok(lagPoint, 'the lag gauge has the consumer\'s partition')
  t.equal(lagPoint?.value, 0, 'lag 0 once every record was handed out')
  t.equal(lagPoint?.attributes['messaging.consumer.group.name'], groupId)
  t.notOk(metric((await deltaReader.collect()).resourceMetrics, METRIC_NAMES.consumerLag)?.dataPoints.some((dp) => dp.attributes['messaging.destination.name'] === topic), 'a stopped consumer leaves the gauge')
})

t.test('eachBatch: one process span per batch, linked to every record\'s producer span', async (t) => {
  const exporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const otel = instrumentKafkats({ tracerProvider, metrics: false })
  t.teardown(() => otel.disable())
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('otel-batch')
  const admin = kafka.admin()
  await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }])
  await admin.close()
  const producer = kafka.producer({ lingerMs: 50 })
  await producer.sendBatch([0, 1, 2].map((i) => ({ topic, value: `v${i}` })))
  await producer.close()
  const sendIds = new Set(exporter.getFinishedSpans().filter((s) => s.name === `send ${topic}`).map((s) => s.spanContext().spanId))
  t.equal(sendIds.size, 3)
  const consumer = kafka.consumer({ groupId: uniqueTopic('otel-batch-group'), topics: [topic], resetStrategy: 'earliest' })
  let records = 0
  const running = consumer.run({
    eachBatch: (batch) => {
      records += batch.records.length
    },
  })
  await waitFor('3 records consumed', async () => records >= 3, 30_000, 50)
  await consumer.stop()
  await running
  const proc = exporter.getFinishedSpans().filter((s) => s.name === `process ${topic}`)
  t.ok(proc.length >= 1)
  const linked = new Set(proc.flatMap((s) => s.links.map((l) => l.context.spanId)))
  t.same([...sendIds].filter((id) => !linked.has(id)), [], 'every send span is linked from a process span')
  t.equal(proc.reduce((n, s) => n + Number(s.attributes['messaging.batch.message_count']), 0), 3, 'message counts add up')
})

t.test('without instrumentation (or after disable()) records carry no added header', async (t) => {
  const kafka = newKafka()
  t.teardown(() => kafka.disconnectAll())
  const topic = uniqueTopic('otel-none')
  const admin = kafka.admin()
  await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }])
  await admin.close()
  const producer = kafka.producer()
  await producer.send({ topic, value: 'never instrumented' })
  const otel = instrumentKafkats({ tracerProvider: new BasicTracerProvider(), metrics: false })
  await producer.send({ topic, value: 'instrumented' })
  otel.disable()
  await producer.send({ topic, value: 'disabled' })
  await producer.close()
  const consumer = kafka.consumer({ assignments: [{ topic, partition: 0, offset: 'earliest' }] })
  const got: ConsumerRecord[] = []
  await waitFor('3 records', async () => {
    const e = await consumer.poll(1000)
    if (e.type === 'records') got.push(...e.records)
    return got.length >= 3
  }, 30_000, 0)
  await consumer.stop()
  t.same(got.map((r) => [r.value?.toString(), r.headers.map((h) => h.key)]), [
    ['never instrumented', []],
    ['instrumented', ['traceparent']],
    ['disabled', []],
  ])
})
