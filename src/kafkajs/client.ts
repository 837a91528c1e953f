/**
 * `new Kafka(config)` of KafkaJS 2.2 over kafkats. The config is translated once into kafkats's
 * {@link KafkaOptions}; every producer, consumer and admin gets its own kafkats `Kafka` when it
 * connects (KafkaJS gives each client its own cluster and connections, and `disconnect()` closes
 * them: so does this), made from those options and released by `disconnect()`.
 */
import type { ConnectionOptions } from 'node:tls'
import { Kafka as KafkatsKafka } from '../client.js'
import { ConfigError } from '../errors.js'
import { resolveKafkaOptions, type KafkaOptions } from '../options.js'
import type { SaslOptions } from '../pool/sasl/index.js'
import type { TlsOptions } from '../pool/socket.js'
import { Admin, type AdminConfig } from './admin.js'
import { Consumer, type ConsumerConfig } from './consumer.js'
import { KafkaJSNonRetriableError } from './errors.js'
import { defaultLogCreator, LogSink, logLevel, type Logger, type logCreator } from './logger.js'
import { Producer, type ProducerConfig } from './producer.js'

/** KafkaJS's retry options. kafkats retries by deadline, not by count: see docs/kafkajs.md. */
export interface RetryOptions {
  /** Largest backoff between retries, ms (→ retryBackoffMaxMs). Default 30000. */
  maxRetryTime?: number
  /** First backoff, ms (→ retryBackoffMs). Default 300. */
  initialRetryTime?: number
  factor?: number
  multiplier?: number
  /** Retries before giving up; the consumer's handler retries count these. Default 5. */
  retries?: number
  /** Consumer: whether to keep consuming after retries are exhausted (the CRASH event's `restart`). */
  restartOnFailure?: (e: Error) => Promise<boolean>
}

export type SASLOptions =
  | { mechanism: 'plain'; username: string; password: string }
  | { mechanism: 'scram-sha-256'; username: string; password: string }
  | { mechanism: 'scram-sha-512'; username: string; password: string }
  | { mechanism: 'oauthbearer'; oauthBearerProvider: () => Promise<{ value: string }> }
  | { mechanism: 'aws'; authorizationIdentity: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string }

export type BrokersFunction = () => string[] | Promise<string[]>

/** KafkaJS's client config. */
export interface KafkaConfig {
  brokers: string[] | BrokersFunction
  ssl?: ConnectionOptions | boolean
  sasl?: SASLOptions
  clientId?: string
  /** Connect timeout, ms (→ connectionTimeoutMs). KafkaJS's default 1000; kafkats keeps its 10000 when absent. */
  connectionTimeout?: number
  authenticationTimeout?: number
  reauthenticationThreshold?: number
  /** Request timeout, ms (→ requestTimeoutMs). Default 30000. */
  requestTimeout?: number
  enforceRequestTimeout?: boolean
  retry?: RetryOptions
  logLevel?: logLevel
  logCreator?: logCreator
}

/** What a facade client needs of its `Kafka`. */
export interface FacadeContext {
  /** A new kafkats client for one facade client's connect(), its logs under `namespace`; `metadataMaxAge` (ms) from the client's config. */
  connect(namespace: string, metadataMaxAge?: number): Promise<KafkatsKafka>
  readonly retry: Required<Pick<RetryOptions, 'retries' | 'initialRetryTime' | 'maxRetryTime'>> & Pick<RetryOptions, 'restartOnFailure'>
  readonly sink: LogSink
  readonly clientId: string
}

function tlsOf(ssl: ConnectionOptions | boolean | undefined): true | TlsOptions | undefined {
  if (ssl === undefined || ssl === false) return undefined
  if (ssl === true) return true
  const out: TlsOptions = {}
  if (ssl.ca !== undefined) out.ca = ssl.ca as TlsOptions['ca']
  if (ssl.cert !== undefined) out.cert = ssl.cert as TlsOptions['cert']
  if (ssl.key !== undefined) out.key = ssl.key as TlsOptions['key']
  if (ssl.passphrase !== undefined) out.passphrase = ssl.passphrase
  if (ssl.servername !== undefined) out.servername = ssl.servername
  if (ssl.rejectUnauthorized !== undefined) out.rejectUnauthorized = ssl.rejectUnauthorized
  return out
}

function saslOf(sasl: SASLOptions | undefined): SaslOptions | undefined {
  if (sasl === undefined) return undefined
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'PLAIN', username: sasl.username, password: sasl.password }
    case 'scram-sha-256':
      return { mechanism: 'SCRAM-SHA-256', username: sasl.username, password: sasl.password }
    case 'scram-sha-512':
      return { mechanism: 'SCRAM-SHA-512', username: sasl.username, password: sasl.password }
    case 'oauthbearer': {
      const provider = sasl.oauthBearerProvider
      return { mechanism: 'OAUTHBEARER', oauthBearerProvider: async () => ({ value: (await provider()).value }) }
    }
    default:
      throw new KafkaJSNonRetriableError(`SASL mechanism ${JSON.stringify((sasl as { mechanism: string }).mechanism)} is not supported by kafkats/kafkajs (supported: plain, scram-sha-256, scram-sha-512, oauthbearer)`)
  }
}

/** KafkaJS's entry point over kafkats. */
export class Kafka {
  private readonly config: KafkaConfig
  private readonly sink: LogSink
  private readonly base: Omit<KafkaOptions, 'bootstrapServers'>
  private readonly context: FacadeContext

  /** @throws KafkaJSNonRetriableError for a config kafkats cannot take (no brokers, the aws mechanism, a bad value) */
  constructor(config: KafkaConfig) {
    if (config === null || typeof config !== 'object') throw new KafkaJSNonRetriableError('Kafka config must be an object')
    if (config.brokers === undefined || config.brokers === null || (Array.isArray(config.brokers) && config.brokers.length === 0)) {
      throw new KafkaJSNonRetriableError('Failed to connect: expected brokers array and got nothing')
    }
    this.config = config
    this.sink = new LogSink(config.logLevel ?? logLevel.INFO, config.logCreator ?? defaultLogCreator)
    const retry = config.retry ?? {}
    const initialRetryTime = retry.initialRetryTime ?? 300
    const maxRetryTime = Math.max(retry.maxRetryTime ?? 30_000, initialRetryTime)
    this.base = {
      clientId: config.clientId ?? 'kafkajs',
      ssl: tlsOf(config.ssl),
      sasl: saslOf(config.sasl),
      connectionTimeoutMs: config.connectionTimeout,
      requestTimeoutMs: config.requestTimeout,
      retryBackoffMs: initialRetryTime,
      retryBackoffMaxMs: maxRetryTime,
      debug: (config.logLevel ?? logLevel.INFO) >= logLevel.DEBUG ? ['all'] : undefined,
    }
    // Validate once now (nothing connects), so a bad config fails here rather than at connect().
    try {
      resolveKafkaOptions({ ...this.base, bootstrapServers: Array.isArray(config.brokers) ? config.brokers : ['localhost:9092'] })
    } catch (err) {
      throw new KafkaJSNonRetriableError(err instanceof Error ? err.message : String(err), { cause: err })
    }
    const base = this.base
    const sink = this.sink
    const brokers = config.brokers
    this.context = {
      clientId: base.clientId as string,
      sink,
      retry: { retries: retry.retries ?? 5, initialRetryTime, maxRetryTime, restartOnFailure: retry.restartOnFailure },
      async connect(namespace: string, metadataMaxAge?: number): Promise<KafkatsKafka> {
        const list = typeof brokers === 'function' ? await brokers() : brokers
        if (!Array.isArray(list) || list.length === 0) throw new KafkaJSNonRetriableError('Failed to connect: brokers function returned no broker')
        try {
          return new KafkatsKafka({ ...base, bootstrapServers: list, logger: sink.kafkatsLogger(namespace), metadataMaxAgeMs: metadataMaxAge })
        } catch (err) {
          throw new KafkaJSNonRetriableError(err instanceof Error ? err.message : String(err), { cause: err })
        }
      },
    }
  }

  /** A producer (connect() before sending). */
  producer(config: ProducerConfig = {}): Producer {
    return new Producer(this.context, config)
  }

  /** A group consumer. @throws KafkaJSNonRetriableError without a groupId */
  consumer(config: ConsumerConfig): Consumer {
    if (config === undefined || config === null || typeof config.groupId !== 'string' || config.groupId.length === 0) {
      throw new KafkaJSNonRetriableError('Consumer groupId must be a non-empty string.')
    }
    return new Consumer(this.context, config)
  }

  /** An admin client. */
  admin(config: AdminConfig = {}): Admin {
    return new Admin(this.context, config)
  }

  /** KafkaJS's root logger. */
  logger(): Logger {
    return this.sink.logger()
  }
}

