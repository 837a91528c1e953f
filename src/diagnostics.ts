/**
 * kafkats's `node:diagnostics_channel` channels: the one place their names and message shapes
 * are defined (docs/observability.md). Publishers check `hasSubscribers` first, so a channel
 * nobody subscribes to costs one property read on its path. `kafkats/otel` (src/otel/) builds
 * OpenTelemetry traces and metrics on them; any other tracer can too.
 */
import diagnostics from 'node:diagnostics_channel'
import type { KafkaError } from './errors.js'
import type { RecordHeader } from './protocol/records/record.js'
import type { ConsumerRecord } from './consumer/consumer-record.js'

/** `kafkats:request`: every request, when it is queued on a connection. */
export interface RequestMessage {
  /** Unique per connection in the process. */
  connectionId: number
  /** The broker's node id; -1 for a bootstrap address. */
  nodeId: number
  host: string
  port: number
  apiKey: number
  /** The API's name, e.g. `Produce`, `Fetch`, `SaslAuthenticate`. */
  apiName: string
  version: number
  correlationId: number
  /** The request as encoded (the generated message object of the API). */
  request: unknown
}

/** `kafkats:response`: every response or request timeout, once per request. */
export interface ResponseMessage extends Omit<RequestMessage, 'request'> {
  /** From queuing the request to its response (or timeout), in ms. */
  durationMs: number
  /** The decoded response; undefined on error. */
  response: unknown
  /** A RequestTimeoutError, or the KafkaError of a response that did not decode; else null. */
  error: Error | null
}

/**
 * The context object of the `kafkats:producer:send` tracing channel: one record given to
 * `producer.send`/`sendBatch` that passed the argument checks. `start` and `end` are published
 * synchronously inside `send` (before the record is sized and buffered: a `start` subscriber may
 * add to `headers`, e.g. `traceparent`); then, when the broker acknowledged it, `asyncStart` and
 * `asyncEnd` with `partition`, `offset` and `result` set, or `error` (with `error` set) followed by
 * `asyncStart` and `asyncEnd`, as `TracingChannel.tracePromise` publishes a rejection.
 */
export interface ProducerSendContext {
  clientId: string
  /** The producer's name, `<clientId>#producer-<n>`. */
  producer: string
  topic: string
  /** The partition: the explicit one (else -1) until acknowledged, then where it was written. */
  partition: number
  /** The record's key and value as bytes (not to be changed). */
  key: Buffer | null
  value: Buffer | null
  /** The record's headers as they will be sent; a `start` subscriber may push more. */
  headers: RecordHeader[]
  /** Create time, ms. */
  timestamp: number
  /** The producer's `transactionalId`, or null. */
  transactionalId: string | null
  /** Offset once acknowledged (-1n with acks 0, and before). */
  offset: bigint
  /** Where it was written, once acknowledged. */
  result?: { topic: string; partition: number; offset: bigint; timestamp: number }
  /** Why it failed. */
  error?: KafkaError
}

/**
 * The context object of the `kafkats:consumer:process` tracing channel: one call of a
 * `consumer.run()` handler, `eachMessage` (then `record` is set) or `eachBatch` (`record` null,
 * `records` the batch). `start` and `end` around the call, then `asyncStart`/`asyncEnd` when it
 * settled (after `error`, with `error` set, when it threw).
 */
export interface ConsumerProcessContext {
  clientId: string
  /** The consumer's name, `<clientId>#consumer-<n>`. */
  consumer: string
  groupId: string | null
  topic: string
  partition: number
  /** The record (eachMessage), or null (eachBatch). */
  record: ConsumerRecord | null
  /** The batch's records (eachBatch), or the one record (eachMessage). */
  records: readonly ConsumerRecord[]
  /**
   * Set by a `start` subscriber to run the handler inside its own context (e.g. OpenTelemetry's
   * `context.with`), so work the handler does is parented to the subscriber's span. The first
   * subscriber that sets it wins.
   */
  runInContext?: <T>(fn: () => T) => T
  /** What the handler threw. */
  error?: unknown
}

/** What the consumer channels tell of the consumer: read-only views. */
export interface ObservedConsumer {
  readonly name: string
  /** Lag per assigned partition (consumer.lag()). */
  lag(): Array<{ topic: string; partition: number; lag: bigint }>
}

/** `kafkats:consumer:receive`: records handed to the application by poll(), the iterator or run(). */
export interface ConsumerReceiveMessage {
  clientId: string
  consumer: string
  groupId: string | null
  records: readonly ConsumerRecord[]
}

/** `kafkats:consumer:open` and `kafkats:consumer:close`: a consumer was made, or stopped. */
export interface ConsumerLifecycleMessage {
  clientId: string
  groupId: string | null
  consumer: ObservedConsumer
}

/**
 * A TracingChannel with `hasSubscribers` (true when any of its five channels has one; Node
 * 20.13+, not yet in @types/node 20).
 */
export type ActiveTracingChannel<C extends object> = diagnostics.TracingChannel<unknown, C> & { readonly hasSubscribers: boolean }

/** Every request (node:diagnostics_channel), {@link RequestMessage}. */
export const requestChannel = diagnostics.channel('kafkats:request')
/** Every response or timeout, {@link ResponseMessage}. */
export const responseChannel = diagnostics.channel('kafkats:response')
/** Records sent, {@link ProducerSendContext}: `tracing:kafkats:producer:send:{start,end,asyncStart,asyncEnd,error}`. */
export const producerSendChannel: ActiveTracingChannel<ProducerSendContext> = diagnostics.tracingChannel<unknown, ProducerSendContext>('kafkats:producer:send')
/** Handler calls of consumer.run(), {@link ConsumerProcessContext}: `tracing:kafkats:consumer:process:*`. */
export const consumerProcessChannel: ActiveTracingChannel<ConsumerProcessContext> = diagnostics.tracingChannel<unknown, ConsumerProcessContext>('kafkats:consumer:process')
/** Records handed out, {@link ConsumerReceiveMessage}. */
export const consumerReceiveChannel = diagnostics.channel('kafkats:consumer:receive')
/** Consumers made, {@link ConsumerLifecycleMessage}. */
export const consumerOpenChannel = diagnostics.channel('kafkats:consumer:open')
/** Consumers stopped, {@link ConsumerLifecycleMessage}. */
export const consumerCloseChannel = diagnostics.channel('kafkats:consumer:close')
