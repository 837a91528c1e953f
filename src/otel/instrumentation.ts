/**
 * OpenTelemetry traces and metrics for kafkats, built on its diagnostics channels
 * (src/diagnostics.ts): `send <topic>` PRODUCER spans, `process <topic>` CONSUMER spans, W3C
 * trace context in record headers, and metrics. Semantic conventions: OpenTelemetry's messaging
 * spans and Kafka conventions (https://opentelemetry.io/docs/specs/semconv/messaging/kafka/).
 * docs/observability.md.
 */
import { isUtf8 } from 'node:buffer'
import {
  type Attributes,
  type Context,
  context as otelContext,
  type Counter,
  type Histogram,
  type Link,
  type MeterProvider,
  metrics,
  type ObservableGauge,
  type ObservableResult,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  trace,
  type TracerProvider,
} from '@opentelemetry/api'
import {
  consumerCloseChannel,
  consumerOpenChannel,
  consumerProcessChannel,
  consumerReceiveChannel,
  producerSendChannel,
  responseChannel,
  type ConsumerLifecycleMessage,
  type ConsumerProcessContext,
  type ConsumerReceiveMessage,
  type ObservedConsumer,
  type ProducerSendContext,
  type ResponseMessage,
} from '../diagnostics.js'
import { KafkaError } from '../errors.js'
import { headerGetter, headerSetter, W3CTraceContext } from './trace-context.js'

/** Options of {@link instrumentKafkats}. */
export interface KafkatsInstrumentationOptions {
  /** Where spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider
  /** Where metrics go. Default: the global meter provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider
  /**
   * How trace context is written to and read from record headers. Default: W3C Trace Context
   * (`traceparent`, `tracestate`), whatever the global propagator is. Pass
   * `propagation` (from @opentelemetry/api) to use the global one instead.
   */
  propagator?: Pick<TextMapPropagator, 'inject' | 'extract'>
  /** Create spans (default true). */
  traces?: boolean
  /** Record metrics (default true). */
  metrics?: boolean
}

/** What {@link instrumentKafkats} returns. */
export interface KafkatsInstrumentation {
  /** Unsubscribes from every channel: no more spans, metrics or headers. Idempotent. */
  disable(): void
}

const SCOPE = 'kafkats'

const ignore = (): void => {}

/** Metric names (OpenTelemetry messaging conventions where one exists, `kafkats.*` otherwise). */
export const METRIC_NAMES = {
  sent: 'messaging.client.sent.messages',
  consumed: 'messaging.client.consumed.messages',
  requestDuration: 'kafkats.request.duration',
  consumerLag: 'kafkats.consumer.lag',
} as const

/** A record key as a span attribute: a string, or bytes that are valid UTF-8; else none. */
function keyString(key: Buffer | null): string | undefined {
  if (key === null) return undefined
  return isUtf8(key) ? key.toString('utf8') : undefined
}

function errorType(err: unknown): string {
  if (err instanceof KafkaError) return err.code
  if (err instanceof Error) return err.name
  return 'unknown'
}

/**
 * Turns kafkats's diagnostics channels into OpenTelemetry spans and metrics, for every Kafka
 * instance of the process (channels are process-wide). Call it once at start-up, before making
 * consumers (the lag gauge knows consumers made after it). Spans:
 * - `send <topic>`, kind PRODUCER, one per record given to `producer.send`/`sendBatch`, from the
 *   call to the broker's acknowledgement; its context is written into the record's headers
 *   (`traceparent`), unless the record already has a `traceparent` header.
 * - `process <topic>`, kind CONSUMER, one per `consumer.run()` handler call (per record with
 *   `eachMessage`: parented to the record's `traceparent` and linked to it; per batch with
 *   `eachBatch`: linked to every record's context). The handler runs inside the span's context.
 * Metrics: {@link METRIC_NAMES}. Needs @opentelemetry/api (a peer dependency).
 */
export function instrumentKafkats(options: KafkatsInstrumentationOptions = {}): KafkatsInstrumentation {
  const tracesOn = options.traces ?? true
  const metricsOn = options.metrics ?? true
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE)
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE)
  const propagator = options.propagator ?? new W3CTraceContext()
  const sendSpans = new WeakMap<ProducerSendContext, Span>()
  const processSpans = new WeakMap<ConsumerProcessContext, Span>()
  const consumers = new Map<ObservedConsumer, ConsumerLifecycleMessage>()

  let sent: Counter | null = null
  let consumed: Counter | null = null
  let requestDuration: Histogram | null = null
  let lagGauge: ObservableGauge | null = null
  const observeLag = (result: ObservableResult): void => {
    for (const [consumer, m] of consumers) {
      for (const p of consumer.lag()) {
        const attrs: Attributes = {
          'messaging.system': 'kafka',
          'messaging.destination.name': p.topic,
          'messaging.destination.partition.id': String(p.partition),
          'messaging.client.id': m.clientId,
        }
        if (m.groupId !== null) attrs['messaging.consumer.group.name'] = m.groupId
        result.observe(Number(p.lag), attrs)
      }
    }
  }
  if (metricsOn) {
    sent = meter.createCounter(METRIC_NAMES.sent, { description: 'Records the producer sent (acknowledged, or failed: error.type)', unit: '{message}' })
    consumed = meter.createCounter(METRIC_NAMES.consumed, { description: 'Records the consumer handed to the application', unit: '{message}' })
    requestDuration = meter.createHistogram(METRIC_NAMES.requestDuration, { description: 'Kafka request latency, queued to answered, per API', unit: 's' })
    lagGauge = meter.createObservableGauge(METRIC_NAMES.consumerLag, { description: 'Consumer lag per assigned partition: high watermark minus position', unit: '{message}' })
    lagGauge.addCallback(observeLag)
  }

  // ---- producer ----------------------------------------------------------------------------
  const onSendStart = (c: ProducerSendContext): void => {
    if (!tracesOn) return
    const parent = otelContext.active()
    const attributes: Attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': c.topic,
      'messaging.client.id': c.clientId,
    }
    const key = keyString(c.key)
    if (key !== undefined) attributes['messaging.kafka.message.key'] = key
    if (c.value === null) attributes['messaging.kafka.message.tombstone'] = true
    if (c.partition >= 0) {
      attributes['messaging.destination.partition.id'] = String(c.partition)
      attributes['messaging.kafka.destination.partition'] = c.partition
    }
    const span = tracer.startSpan(`send ${c.topic}`, { kind: SpanKind.PRODUCER, attributes }, parent)
    sendSpans.set(c, span)
    if (!c.headers.some((h) => h.key === 'traceparent')) propagator.inject(trace.setSpan(parent, span), c.headers, headerSetter)
  }
  const onSendError = (c: ProducerSendContext): void => {
    const span = sendSpans.get(c)
    if (span === undefined || c.error === undefined) return
    span.recordException(c.error)
    span.setStatus({ code: SpanStatusCode.ERROR, message: c.error.message })
    span.setAttribute('error.type', errorType(c.error))
  }
  const onSendDone = (c: ProducerSendContext): void => {
    if (sent !== null) {
      const attrs: Attributes = { 'messaging.system': 'kafka', 'messaging.operation.name': 'send', 'messaging.destination.name': c.topic }
      if (c.partition >= 0) attrs['messaging.destination.partition.id'] = String(c.partition)
      if (c.error !== undefined) attrs['error.type'] = errorType(c.error)
      sent.add(1, attrs)
    }
    const span = sendSpans.get(c)
    if (span === undefined) return
    sendSpans.delete(c)
    if (c.error === undefined) {
      span.setAttribute('messaging.destination.partition.id', String(c.partition))
      span.setAttribute('messaging.kafka.destination.partition', c.partition)
      if (c.offset >= 0n) span.setAttribute('messaging.kafka.message.offset', Number(c.offset))
    }
    span.end()
  }

  // ---- consumer ----------------------------------------------------------------------------
  const onProcessStart = (c: ConsumerProcessContext): void => {
    if (!tracesOn) return
    const attributes: Attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': c.topic,
      'messaging.destination.partition.id': String(c.partition),
      'messaging.kafka.destination.partition': c.partition,
      'messaging.client.id': c.clientId,
    }
    if (c.groupId !== null) attributes['messaging.consumer.group.name'] = c.groupId
    let parent: Context = otelContext.active()
    const links: Link[] = []
    if (c.record !== null) {
      const r = c.record
      attributes['messaging.kafka.message.offset'] = Number(r.offset)
      const key = keyString(r.key)
      if (key !== undefined) attributes['messaging.kafka.message.key'] = key
      if (r.value === null) attributes['messaging.kafka.message.tombstone'] = true
      const remote = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, r.headers, headerGetter))
      if (remote !== undefined) {
        // The producer's context: parent (one record, one trace) and link (as the conventions ask).
        parent = trace.setSpanContext(parent, remote)
        links.push({ context: remote })
      }
    } else {
      attributes['messaging.batch.message_count'] = c.records.length
      for (const r of c.records) {
        const remote = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, r.headers, headerGetter))
        if (remote !== undefined) links.push({ context: remote })
      }
    }
    const span = tracer.startSpan(`process ${c.topic}`, { kind: SpanKind.CONSUMER, attributes, links }, parent)
    processSpans.set(c, span)
    if (c.runInContext === undefined) {
      const ctx = trace.setSpan(parent, span)
      c.runInContext = (fn) => otelContext.with(ctx, fn)
    }
  }
  const onProcessError = (c: ConsumerProcessContext): void => {
    const span = processSpans.get(c)
    if (span === undefined) return
    const err = c.error
    if (err instanceof Error) span.recordException(err)
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) })
    span.setAttribute('error.type', errorType(err))
  }
  const onProcessDone = (c: ConsumerProcessContext): void => {
    const span = processSpans.get(c)
    if (span === undefined) return
    processSpans.delete(c)
    span.end()
  }
  const onReceive = (message: unknown): void => {
    if (consumed === null) return
    const m = message as ConsumerReceiveMessage
    const records = m.records
    // Records come grouped by partition: one add per run of the same topic and partition.
    let i = 0
    while (i < records.length) {
      const { topic, partition } = records[i]
      let j = i + 1
      while (j < records.length && records[j].partition === partition && records[j].topic === topic) j++
      const attrs: Attributes = {
        'messaging.system': 'kafka',
        'messaging.operation.name': 'receive',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
      }
      if (m.groupId !== null) attrs['messaging.consumer.group.name'] = m.groupId
      consumed.add(j - i, attrs)
      i = j
    }
  }
  const onConsumerOpen = (message: unknown): void => {
    const m = message as ConsumerLifecycleMessage
    consumers.set(m.consumer, m)
  }
  const onConsumerClose = (message: unknown): void => {
    consumers.delete((message as ConsumerLifecycleMessage).consumer)
  }

  // ---- requests ----------------------------------------------------------------------------
  const onResponse = (message: unknown): void => {
    if (requestDuration === null) return
    const m = message as ResponseMessage
    const attrs: Attributes = { 'kafkats.api.name': m.apiName, 'server.address': m.host, 'server.port': m.port }
    if (m.error !== null) attrs['error.type'] = errorType(m.error)
    requestDuration.record(m.durationMs / 1000, attrs)
  }

  const sendHandlers = { start: onSendStart, end: ignore, asyncStart: ignore, error: onSendError, asyncEnd: onSendDone }
  const processHandlers = { start: onProcessStart, end: ignore, asyncStart: ignore, error: onProcessError, asyncEnd: onProcessDone }
  producerSendChannel.subscribe(sendHandlers)
  consumerProcessChannel.subscribe(processHandlers)
  if (metricsOn) {
    consumerReceiveChannel.subscribe(onReceive)
    consumerOpenChannel.subscribe(onConsumerOpen)
    consumerCloseChannel.subscribe(onConsumerClose)
    responseChannel.subscribe(onResponse)
  }
  let enabled = true
  return {
    disable() {
      if (!enabled) return
      enabled = false
      producerSendChannel.unsubscribe(sendHandlers)
      consumerProcessChannel.unsubscribe(processHandlers)
      if (metricsOn) {
        consumerReceiveChannel.unsubscribe(onReceive)
        consumerOpenChannel.unsubscribe(onConsumerOpen)
        consumerCloseChannel.unsubscribe(onConsumerClose)
        responseChannel.unsubscribe(onResponse)
        lagGauge?.removeCallback(observeLag)
      }
      consumers.clear()
    },
  }
}


/** The global propagator of @opentelemetry/api, for `propagator: globalPropagator` (e.g. B3 or Jaeger set by the SDK). */
export const globalPropagator: Pick<TextMapPropagator, 'inject' | 'extract'> = propagation
