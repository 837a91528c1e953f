/**
 * kafkats/otel: OpenTelemetry instrumentation of kafkats (docs/observability.md). Needs
 * @opentelemetry/api (an optional peer dependency of kafkats: install it to use this entry).
 */
export { instrumentKafkats, globalPropagator, METRIC_NAMES, type KafkatsInstrumentation, type KafkatsInstrumentationOptions } from './instrumentation.js'
export { W3CTraceContext } from './trace-context.js'
