// kafkats/otel without a broker: nothing subscribes until instrumentKafkats() is called (so
// records get no header and the hot paths publish nothing), disable() unsubscribes everything,
// and the W3C trace context in record headers (inject, extract, the caller's header wins).
import t from 'tap'
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import '../../../src/index.js'
import { instrumentKafkats, W3CTraceContext } from '../../../src/otel/index.js'
import { headerGetter, headerSetter } from '../../../src/otel/trace-context.js'
import {
  consumerCloseChannel,
  consumerOpenChannel,
  consumerProcessChannel,
  consumerReceiveChannel,
  producerSendChannel,
  requestChannel,
  responseChannel,
} from '../../../src/diagnostics.js'
import type { RecordHeader } from '../../../src/protocol/records/record.js'

const channels = { producerSendChannel, consumerProcessChannel, consumerReceiveChannel, consumerOpenChannel, consumerCloseChannel, requestChannel, responseChannel }
const subscribed = (): string[] => Object.entries(channels).filter(([, c]) => c.hasSubscribers).map(([n]) => n)

t.test('no instrumentation: no channel has a subscriber (the producer adds no header)', async (t) => {
  t.same(subscribed(), [], 'importing kafkats and kafkats/otel subscribes to nothing')
})

t.test('instrumentKafkats subscribes; disable() unsubscribes everything, once', async (t) => {
  const otel = instrumentKafkats({ tracerProvider: new BasicTracerProvider() })
  t.same(subscribed().sort(), Object.keys(channels).filter((n) => n !== 'requestChannel').sort())
  otel.disable()
  t.same(subscribed(), [])
  otel.disable()
  const tracesOnly = instrumentKafkats({ tracerProvider: new BasicTracerProvider(), metrics: false })
  t.same(subscribed().sort(), ['consumerProcessChannel', 'producerSendChannel'], 'metrics: false leaves the metric channels alone')
  tracesOnly.disable()
  t.same(subscribed(), [])
})

t.test('W3C trace context in record headers', async (t) => {
  const p = new W3CTraceContext()
  const sc = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED }
  const headers: RecordHeader[] = [{ key: 'app', value: Buffer.from('x') }]
  p.inject(trace.setSpanContext(ROOT_CONTEXT, sc), headers, headerSetter)
  t.same(headers.map((h) => [h.key, h.value?.toString()]), [['app', 'x'], ['traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']])
  const back = trace.getSpanContext(p.extract(ROOT_CONTEXT, headers, headerGetter))
  t.match(back, { ...sc, isRemote: true })

  // The caller's traceparent is never replaced.
  const own: RecordHeader[] = [{ key: 'traceparent', value: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00') }]
  p.inject(trace.setSpanContext(ROOT_CONTEXT, sc), own, headerSetter)
  t.equal(own.length, 1)
  t.equal(own[0].value?.toString(), '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00')

  // tracestate travels with it.
  const withState: RecordHeader[] = [
    { key: 'traceparent', value: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01') },
    { key: 'tracestate', value: Buffer.from('vendor=abc') },
  ]
  const ctx = p.extract(ROOT_CONTEXT, withState, headerGetter)
  t.equal(trace.getSpanContext(ctx)?.traceState?.get('vendor'), 'abc')
  const out: RecordHeader[] = []
  p.inject(ctx, out, headerSetter)
  t.same(out.map((h) => h.key), ['traceparent', 'tracestate'])

  // Malformed or absent: no context.
  for (const bad of ['', 'garbage', '00-00000000000000000000000000000000-b7ad6b7169203331-01', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra']) {
    t.equal(trace.getSpanContext(p.extract(ROOT_CONTEXT, [{ key: 'traceparent', value: Buffer.from(bad) }], headerGetter)), undefined, JSON.stringify(bad))
  }
  t.equal(trace.getSpanContext(p.extract(ROOT_CONTEXT, [{ key: 'traceparent', value: null }], headerGetter)), undefined, 'a null header value')
  t.equal(trace.getSpanContext(p.extract(ROOT_CONTEXT, [], headerGetter)), undefined, 'no header')
})
