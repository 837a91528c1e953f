/**
 * The entry point: `new Kafka(options)` validates options, owns the cluster view and its
 * connection pools, and makes producers, consumers and admin clients that share them.
 */
import { Admin, type AdminOptions } from './admin/admin.js'
import type { ClientContext, Closeable } from './client-context.js'
import { Consumer, type ConsumerOptions } from './consumer/consumer.js'
import { Log } from './logger.js'
import { resolveKafkaOptions, type KafkaOptions, type ResolvedKafkaOptions } from './options.js'
import { Cluster } from './pool/cluster.js'
import { Producer, type ProducerOptions } from './producer/producer.js'

export class Kafka {
  /** Validated options. */
  readonly options: ResolvedKafkaOptions
  /** The shared cluster view (metadata, brokers, connection pools). */
  readonly cluster: Cluster
  readonly log: Log
  private readonly clients = new Set<Closeable>()
  private readonly context: ClientContext

  /** @throws ConfigError naming the bad field when options are invalid. */
  constructor(options: KafkaOptions) {
    this.options = resolveKafkaOptions(options)
    const o = this.options
    this.log = new Log(o.logger, o.debug)
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
      },
    })
    const clients = this.clients
    this.context = {
      cluster: this.cluster,
      log: this.log,
      options: this.options,
      track: (c) => clients.add(c),
      untrack: (c) => clients.delete(c),
    }
  }

  /** A new batching producer (docs/producer.md). @throws ConfigError on invalid options. */
  producer(options: ProducerOptions = {}): Producer {
    return new Producer(this.context, options)
  }

  /** A new consumer, in a group or with fixed assignments (docs/consumer.md). @throws ConfigError. */
  consumer(options: ConsumerOptions): Consumer {
    return new Consumer(this.context, options)
  }

  /** A new admin client (docs/admin.md). */
  admin(options: AdminOptions = {}): Admin {
    return new Admin(this.context, options)
  }

  /** Closes every producer, consumer and admin made here, then every connection. */
  async disconnectAll(): Promise<void> {
    const all = [...this.clients]
    await Promise.allSettled(all.map((c) => c.close()))
    this.clients.clear()
    await this.cluster.close()
  }
}
