/**
 * The client's options, validated with zod into a {@link ConfigError} that names the bad field.
 * Names follow the Java client's config names in camelCase where one exists.
 */
import { z } from 'zod'
import { ConfigError } from './errors.js'
import { DEBUG_CATEGORIES, LIBRDKAFKA_DEBUG_CATEGORIES, parseDebugCategories, type DebugCategory, type Logger } from './logger.js'
import { isSaslMechanism, type SaslMechanism, type SaslOptions } from './pool/sasl/index.js'
import type { ProxyOptions, SocketFactory, TlsOptions } from './pool/socket.js'

/** Options of `new Kafka(options)` (docs/connecting.md). */
export interface KafkaOptions {
  /** Sent with every request (Java's client.id). Default `kafkats`. */
  clientId?: string
  /** Bootstrap brokers: an array of `host:port` or one comma-separated string. */
  bootstrapServers: string[] | string
  /** SASL authentication (KIP-43, KIP-84, KIP-255). */
  sasl?: SaslOptions
  /** TLS: `true` for defaults (verify against Node's roots), or options. */
  ssl?: true | TlsOptions
  /** Tunnel every broker connection through this HTTP CONNECT proxy. */
  proxy?: ProxyOptions
  /**
   * Makes the byte stream to each broker yourself (an SSH tunnel, a port-forward, custom DNS, a
   * fault proxy): called with the broker's advertised `host`, `port` and `nodeId`, returns a
   * `net.Socket` or any Duplex stream (or a promise of one). TLS and SASL still run over it.
   * Not together with `proxy`. See docs/connecting.md, "Redirecting connections".
   */
  socketFactory?: SocketFactory
  /** Request timeout in ms (Java's request.timeout.ms). Default 30000. */
  requestTimeoutMs?: number
  /** Connect (and TLS/SASL handshake) timeout in ms. Default 10000. */
  connectionTimeoutMs?: number
  /**
   * First backoff before a retriable failure is retried, in ms (Java's retry.backoff.ms); it
   * doubles on each retry up to `retryBackoffMaxMs`, with ±20% jitter. Default 100.
   */
  retryBackoffMs?: number
  /** Largest backoff between retries, in ms (Java's retry.backoff.max.ms). Default 1000. */
  retryBackoffMaxMs?: number
  /**
   * How long an admin or consumer call (metadata, coordinator lookups, offsets, admin requests)
   * keeps retrying retriable failures before it rejects with the last one, in ms (Java's
   * default.api.timeout.ms). Default 60000. The producer is bounded by `deliveryTimeoutMs`.
   */
  defaultApiTimeoutMs?: number
  /** Metadata older than this is refreshed, in ms (Java's metadata.max.age.ms). Default 300000. */
  metadataMaxAgeMs?: number
  /** Requests in flight per connection (Java's max.in.flight.requests.per.connection). Default 5. */
  maxInFlightRequestsPerConnection?: number
  /** Connections per broker for ordinary requests (the pool leases the least busy). Default 1. */
  connectionsPerBroker?: number
  /** Largest response accepted, in bytes. Default 268435456 (256 MiB). */
  maxResponseBytes?: number
  /** A pino-style logger. Default: warnings and errors to the console. */
  logger?: Logger
  /**
   * Debug categories logged at debug level: an array, or a comma-separated string that may also
   * use librdkafka's names (`cgrp`, `topic`, `msg`, `fetch`, ...; see LIBRDKAFKA_DEBUG_CATEGORIES).
   */
  debug?: DebugCategory[] | string
}

const pemLike = z.union([z.string(), z.instanceof(Buffer)])

const builtinSaslSchema = z.discriminatedUnion('mechanism', [
  z.object({ mechanism: z.literal('PLAIN'), username: z.string(), password: z.string(), authorizationIdentity: z.string().optional() }),
  z.object({ mechanism: z.enum(['SCRAM-SHA-256', 'SCRAM-SHA-512']), username: z.string().min(1), password: z.string() }),
  z.object({ mechanism: z.literal('OAUTHBEARER'), oauthBearerProvider: z.custom<() => unknown>((v) => typeof v === 'function', 'must be a function') }),
])

// A user's mechanism object, or one of the built-in names: chosen by the type of `mechanism`,
// so a bad field of either shape is named in the ConfigError.
const customSaslSchema = z.object({
  mechanism: z.custom<SaslMechanism>(isSaslMechanism, 'must be a SaslMechanism ({ name: a non-empty string, createExchange: a function })'),
}).strict()
const saslSchema = z.unknown().transform((v, ctx) => {
  const mechanism = typeof v === 'object' && v !== null ? (v as { mechanism?: unknown }).mechanism : undefined
  const r = typeof mechanism === 'object' && mechanism !== null ? customSaslSchema.safeParse(v) : builtinSaslSchema.safeParse(v)
  if (r.success) return r.data as SaslOptions
  for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
  return z.NEVER
})

const tlsSchema = z.object({
  ca: z.union([pemLike, z.array(pemLike)]).optional(),
  cert: pemLike.optional(),
  key: pemLike.optional(),
  passphrase: z.string().optional(),
  servername: z.string().optional(),
  rejectUnauthorized: z.boolean().optional(),
})

const positiveInt = z.number().int().positive()

const optionsSchema = z.object({
  clientId: z.string().default('kafkats'),
  bootstrapServers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  sasl: saslSchema.optional(),
  ssl: z.union([z.literal(true), tlsSchema]).optional(),
  proxy: z
    .object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      auth: z.object({ username: z.string(), password: z.string() }).optional(),
    })
    .optional(),
  socketFactory: z.custom<SocketFactory>((v) => typeof v === 'function', 'must be a function').optional(),
  requestTimeoutMs: positiveInt.default(30_000),
  connectionTimeoutMs: positiveInt.default(10_000),
  retryBackoffMs: positiveInt.default(100),
  retryBackoffMaxMs: positiveInt.default(1000),
  defaultApiTimeoutMs: positiveInt.default(60_000),
  metadataMaxAgeMs: positiveInt.default(300_000),
  maxInFlightRequestsPerConnection: positiveInt.default(5),
  connectionsPerBroker: positiveInt.default(1),
  maxResponseBytes: positiveInt.default(256 * 1024 * 1024),
  logger: z
    .custom<Logger>((v) => typeof v === 'object' && v !== null && ['debug', 'info', 'warn', 'error'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'), 'must have debug/info/warn/error methods')
    .optional(),
  debug: z.union([z.string(), z.array(z.enum(DEBUG_CATEGORIES as [DebugCategory, ...DebugCategory[]]))]).optional(),
}).strict()

export interface ResolvedKafkaOptions {
  clientId: string
  bootstrapServers: string[]
  sasl: SaslOptions | null
  ssl: TlsOptions | null
  proxy: ProxyOptions | null
  socketFactory: SocketFactory | null
  requestTimeoutMs: number
  connectionTimeoutMs: number
  retryBackoffMs: number
  retryBackoffMaxMs: number
  defaultApiTimeoutMs: number
  metadataMaxAgeMs: number
  maxInFlightRequestsPerConnection: number
  connectionsPerBroker: number
  maxResponseBytes: number
  logger: Logger | undefined
  debug: DebugCategory[]
}

/** Turns a zod failure into one ConfigError naming every bad field. */
export function configErrorFrom(what: string, error: z.ZodError): ConfigError {
  const issues = error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(options)'}: ${i.message}`)
  return new ConfigError(`invalid ${what}: ${issues.join('; ')}`, error)
}

/** Validates client options. Throws ConfigError naming the bad field. */
export function resolveKafkaOptions(options: KafkaOptions): ResolvedKafkaOptions {
  const parsed = optionsSchema.safeParse(options)
  if (!parsed.success) throw configErrorFrom('Kafka options', parsed.error)
  const o = parsed.data
  if (o.proxy !== undefined && o.socketFactory !== undefined) throw new ConfigError('invalid Kafka options: socketFactory: not together with proxy (the factory makes the whole connection)')
  if (o.retryBackoffMaxMs < o.retryBackoffMs) throw new ConfigError('invalid Kafka options: retryBackoffMaxMs: must be at least retryBackoffMs')
  const servers = (Array.isArray(o.bootstrapServers) ? o.bootstrapServers : o.bootstrapServers.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (servers.length === 0) throw new ConfigError('invalid Kafka options: bootstrapServers: no broker address given')
  let debug: DebugCategory[] = []
  if (typeof o.debug === 'string') {
    const parsed = parseDebugCategories(o.debug)
    if ('unknown' in parsed) {
      throw new ConfigError(`invalid Kafka options: debug: unknown category ${JSON.stringify(parsed.unknown)} (known: ${DEBUG_CATEGORIES.join(', ')}, and librdkafka's ${Object.keys(LIBRDKAFKA_DEBUG_CATEGORIES).join(', ')})`)
    }
    debug = parsed.categories
  } else if (o.debug) {
    debug = o.debug
  }
  return {
    clientId: o.clientId,
    bootstrapServers: servers,
    sasl: (o.sasl as SaslOptions | undefined) ?? null,
    ssl: o.ssl === true ? {} : (o.ssl ?? null),
    proxy: o.proxy ?? null,
    socketFactory: o.socketFactory ?? null,
    requestTimeoutMs: o.requestTimeoutMs,
    connectionTimeoutMs: o.connectionTimeoutMs,
    retryBackoffMs: o.retryBackoffMs,
    retryBackoffMaxMs: o.retryBackoffMaxMs,
    defaultApiTimeoutMs: o.defaultApiTimeoutMs,
    metadataMaxAgeMs: o.metadataMaxAgeMs,
    maxInFlightRequestsPerConnection: o.maxInFlightRequestsPerConnection,
    connectionsPerBroker: o.connectionsPerBroker,
    maxResponseBytes: o.maxResponseBytes,
    logger: o.logger,
    debug,
  }
}
