/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) in Kafka record headers: the
 * `traceparent` and `tracestate` headers, as OpenTelemetry's W3CTraceContextPropagator writes
 * them, without depending on @opentelemetry/core. The default propagator of `kafkats/otel`.
 */
import {
  type Context,
  createTraceState,
  isSpanContextValid,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
  TraceFlags,
} from '@opentelemetry/api'
import type { RecordHeader } from '../protocol/records/record.js'

export const TRACEPARENT = 'traceparent'
export const TRACESTATE = 'tracestate'

// version 00 (or a future one: then more fields may follow), trace id, span id, flags.
const TRACEPARENT_RE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/

/** Reads and writes trace context in traceparent/tracestate. */
export class W3CTraceContext implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const sc = trace.getSpanContext(context)
    if (sc === undefined || !isSpanContextValid(sc)) return
    const flags = (sc.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0')
    setter.set(carrier, TRACEPARENT, `00-${sc.traceId}-${sc.spanId}-${flags}`)
    if (sc.traceState !== undefined) setter.set(carrier, TRACESTATE, sc.traceState.serialize())
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, TRACEPARENT)
    const value = Array.isArray(raw) ? raw[0] : raw
    if (typeof value !== 'string') return context
    const m = TRACEPARENT_RE.exec(value.trim())
    if (m === null || m[1] === 'ff' || (m[1] === '00' && m[5] !== undefined)) return context
    const sc = { traceId: m[2], spanId: m[3], traceFlags: parseInt(m[4], 16) & TraceFlags.SAMPLED, isRemote: true }
    if (!isSpanContextValid(sc)) return context
    const state = getter.get(carrier, TRACESTATE)
    const stateValue = Array.isArray(state) ? state.join(',') : state
    return trace.setSpanContext(context, stateValue !== undefined ? { ...sc, traceState: createTraceState(stateValue) } : sc)
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE]
  }
}

/** Reads record headers (the last value of a repeated key; null values are absent). */
export const headerGetter: TextMapGetter<readonly RecordHeader[]> = {
  keys(carrier) {
    return carrier.map((h) => h.key)
  },
  get(carrier, key) {
    for (let i = carrier.length - 1; i >= 0; i--) {
      const h = carrier[i]
      if (h.key === key) return h.value === null ? undefined : h.value.toString('utf8')
    }
    return undefined
  },
}

/** Adds a header, unless the record already has one with that key (the caller's wins). */
export const headerSetter: TextMapSetter<RecordHeader[]> = {
  set(carrier, key, value) {
    for (const h of carrier) if (h.key === key) return
    carrier.push({ key, value: Buffer.from(value, 'utf8') })
  },
}
