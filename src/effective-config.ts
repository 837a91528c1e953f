/**
 * `kafka.config()`: every effective client option, defaults included, under its Java (or,
 * where Java has none, librdkafka) property name: KafkaTcl's `config` with no arguments,
 * rkt-kafka's `-X dump`. Secrets are never listed: a password shows as `[hidden]`.
 */
import type { ResolvedKafkaOptions } from './options.js'

/** A property value as `kafka.config()` lists it. */
export type ConfigValue = string | number | boolean | null

/**
 * The effective configuration of a client as property name → value. Names: `bootstrap.servers`,
 * `client.id`, `request.timeout.ms`, `socket.connection.setup.timeout.ms`, `retry.backoff.ms`,
 * `retry.backoff.max.ms`, `default.api.timeout.ms`, `metadata.max.age.ms`,
 * `max.in.flight.requests.per.connection`, `connections.per.broker` (kafkats),
 * `receive.message.max.bytes` (librdkafka), `security.protocol`, `sasl.mechanism`,
 * `sasl.username`, `sasl.password`, `ssl.endpoint.identification.algorithm`, `proxy` (kafkats),
 * `socket.factory` (kafkats), `debug` (librdkafka).
 */
export function effectiveKafkaConfig(o: ResolvedKafkaOptions, bootstrapServers: readonly string[]): Record<string, ConfigValue> {
  const sasl = o.sasl
  const protocol = sasl !== null ? (o.ssl !== null ? 'SASL_SSL' : 'SASL_PLAINTEXT') : o.ssl !== null ? 'SSL' : 'PLAINTEXT'
  return {
    'bootstrap.servers': bootstrapServers.join(','),
    'client.id': o.clientId,
    'request.timeout.ms': o.requestTimeoutMs,
    'socket.connection.setup.timeout.ms': o.connectionTimeoutMs,
    'retry.backoff.ms': o.retryBackoffMs,
    'retry.backoff.max.ms': o.retryBackoffMaxMs,
    'default.api.timeout.ms': o.defaultApiTimeoutMs,
    'metadata.max.age.ms': o.metadataMaxAgeMs,
    'max.in.flight.requests.per.connection': o.maxInFlightRequestsPerConnection,
    'connections.per.broker': o.connectionsPerBroker,
    'receive.message.max.bytes': o.maxResponseBytes,
    'security.protocol': protocol,
    'sasl.mechanism': sasl === null ? null : typeof sasl.mechanism === 'string' ? sasl.mechanism : sasl.mechanism.name,
    'sasl.username': sasl !== null && 'username' in sasl ? sasl.username : null,
    'sasl.password': sasl !== null && 'password' in sasl ? '[hidden]' : null,
    'ssl.endpoint.identification.algorithm': o.ssl === null ? null : o.ssl.rejectUnauthorized === false ? 'none' : 'https',
    proxy: o.proxy === null ? null : `${o.proxy.host}:${o.proxy.port}`,
    'socket.factory': o.socketFactory !== null,
    debug: o.debug.join(','),
  }
}
