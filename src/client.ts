/**
 * The entry point: `new Kafka(options)` validates options, owns the cluster view and its
 * connection pools, and makes producers, consumers and admin clients that share them.
 */
import { Admin, type AdminOptions } from './admin/admin.js'
import type { ClientContext, Closeable } from './client-context.js'
import { ClientErrors, type ClientErrorListener } from './client-errors.js'
import { effectiveKafkaConfig, type ConfigValue } from './effective-config.js'
import { ConfigError } from './errors.js'
import { Consumer, type ConsumerOptions } from './consumer/consumer.js'
import { Log } from './logger.js'
import { resolveKafkaOptions, type KafkaOptions, type ResolvedKafkaOptions } from './options.js'
import { Cluster } from './pool/cluster.js'
import { Producer, type ProducerOptions } from './producer/producer.js'

/** Handle numbers of client names, process-wide and per kind, as librdkafka's `rdkafka#producer-1`. */
const handleCounts = { producer: 0, consumer: 0, admin: 0 }

export class Kafka {
  /** Validated options. */
  readonly options: ResolvedKafkaOptions
  /** The shared cluster view (metadata, brokers, connection pools). */
  readonly cluster: Cluster
  readonly log: Log
  private readonly clients = new Set<Closeable>()
  private readonly context: Omit<ClientContext, 'name'>
  private readonly clientErrors: ClientErrors

  /** @throws ConfigError naming the bad field when options are invalid. */
  constructor(options: KafkaOptions) {
    this.options = resolveKafkaOptions(options)
    const o = this.options
    this.log = new Log(o.logger, o.debug)
    const clientErrors = new ClientErrors(this.log)
    this.clientErrors = clientErrors
    this.cluster = new Cluster({
      bootstrapServers: o.bootstrapServers,
      metadataMaxAgeMs: o.metadataMaxAgeMs,
      retry: { retryBackoffMs: o.retryBackoffMs, retryBackoffMaxMs: o.retryBackoffMaxMs },
      defaultApiTimeoutMs: o.defaultApiTimeoutMs,
      connectionsPerBroker: o.connectionsPerBroker,
      log: this.log,
      connection: {
        clientId: o.clientId,
        tls: o.ssl,
        proxy: o.proxy,
        socketFactory: o.socketFactory,
        sasl: o.sasl,
        connectTimeoutMs: o.connectionTimeoutMs,
        requestTimeoutMs: o.requestTimeoutMs,
        maxInFlightRequests: o.maxInFlightRequestsPerConnection,
        maxResponseBytes: o.maxResponseBytes,
        log: this.log,
        health: clientErrors,
      },
    })
    const clients = this.clients
    this.context = {
      cluster: this.cluster,
      log: this.log,
      options: this.options,
      reportError: (error, context) => clientErrors.report(error, context),
      track: (c) => clients.add(c),
      untrack: (c) => clients.delete(c),
    }
  }

  /**
   * Listens to `error`: errors that belong to no single call and reach no promise (KafkaTcl's
   * `error_callback`, librdkafka's `error_cb`): a broker that failed 3 connection attempts in a
   * row (`ConnectionError` code `BROKER_UNREACHABLE`, once until it connects again), an
   * `AuthenticationError` on any connection, a producer turned fatal (its fatal error, e.g.
   * `PRODUCER_FENCED`). The client keeps retrying; the event only informs. Without a listener
   * these go to the debug log only (category `broker`), as before the event existed: the
   * failing calls still reject with their own errors. A listener that throws is logged, never rethrown.
   */
  on(event: 'error', listener: ClientErrorListener): this {
    if (event !== 'error') throw new ConfigError(`kafka.on: unknown event ${JSON.stringify(event)} (only 'error')`)
    if (typeof listener !== 'function') throw new ConfigError('kafka.on: the listener must be a function')
    this.clientErrors.on(listener)
    return this
  }

  /** Removes an `error` listener. */
  off(event: 'error', listener: ClientErrorListener): this {
    if (event === 'error') this.clientErrors.off(listener)
    return this
  }

  /**
   * Refreshes the cached metadata now (KafkaTcl's `meta refresh`): of these topics, or without
   * arguments of every topic in the cluster. Producers and consumers see the new partitions and
   * leaders at once.
   * @throws ConfigError when `topics` is not an array of non-empty strings; the last retriable
   *   error when no broker answered within `defaultApiTimeoutMs`; ClosedError after disconnectAll()
   */
  async refreshMetadata(topics?: readonly string[]): Promise<void> {
    if (topics === undefined) {
      await this.cluster.refreshAllTopics()
      return
    }
    if (!Array.isArray(topics) || !topics.every((t) => typeof t === 'string' && t.length > 0)) throw new ConfigError('refreshMetadata: topics must be an array of non-empty strings')
    if (topics.length > 0) await this.cluster.metadata(topics, { force: true })
  }

  /**
   * Adds bootstrap brokers at run time (KafkaTcl's `add_brokers`): \`host:port\` strings, or one
   * comma-separated string. Used for metadata and re-bootstrap from now on.
   * @returns the addresses that were not known yet
   * @throws ConfigError for a malformed address (nothing is added); ClosedError after disconnectAll()
   */
  addBrokers(brokers: readonly string[] | string): string[] {
    const list = typeof brokers === 'string' ? brokers.split(',') : brokers
    if (!Array.isArray(list) || !list.every((b) => typeof b === 'string')) throw new ConfigError('addBrokers: expected host:port strings')
    const trimmed = list.map((b) => b.trim()).filter((b) => b !== '')
    if (trimmed.length === 0) throw new ConfigError('addBrokers: no broker address given')
    return this.cluster.addBootstrapServers(trimmed)
  }

  /**
   * Every effective client option, defaults included, under its Java property name (KafkaTcl's
   * `config` without arguments): see {@link effectiveKafkaConfig} for the names. Passwords show
   * as `[hidden]`. `bootstrap.servers` includes brokers added by {@link addBrokers}.
   */
  config(): Record<string, ConfigValue> {
    return effectiveKafkaConfig(this.options, this.cluster.bootstrapServers())
  }

  /** The context of a new producer, consumer or admin: its name, and a log that names it. */
  private clientContext(kind: 'producer' | 'consumer' | 'admin'): ClientContext {
    const name = `${this.options.clientId}#${kind}-${++handleCounts[kind]}`
    return { ...this.context, name, log: this.log.child({ clientId: this.options.clientId, client: name }) }
  }

  /** A new batching producer (docs/producer.md). @throws ConfigError on invalid options. */
  producer(options: ProducerOptions = {}): Producer {
    return new Producer(this.clientContext('producer'), options)
  }

  /** A new consumer, in a group or with fixed assignments (docs/consumer.md). @throws ConfigError. */
  consumer(options: ConsumerOptions): Consumer {
    return new Consumer(this.clientContext('consumer'), options)
  }

  /** A new admin client (docs/admin.md). */
  admin(options: AdminOptions = {}): Admin {
    return new Admin(this.clientContext('admin'), options)
  }

  /** Closes every producer, consumer and admin made here, then every connection. */
  async disconnectAll(): Promise<void> {
    const all = [...this.clients]
    await Promise.allSettled(all.map((c) => c.close()))
    this.clients.clear()
    await this.cluster.close()
  }
}
