/** What producers, consumers and admin clients get from the {@link Kafka} that made them. */
import type { KafkaError } from './errors.js'
import type { Log } from './logger.js'
import type { ResolvedKafkaOptions } from './options.js'
import type { Cluster } from './pool/cluster.js'

export interface Closeable {
  close(): Promise<void>
}

export interface ClientContext {
  /** Shared cluster view and connection pools of this Kafka instance. */
  readonly cluster: Cluster
  /** The client's log: entries carry `clientId` and `client` (its name). */
  readonly log: Log
  readonly options: ResolvedKafkaOptions
  /**
   * This producer's, consumer's or admin's name, `<clientId>#<kind>-<n>` (librdkafka's handle
   * name): in its stats, and in every entry of its `log` (with `clientId`).
   */
  readonly name: string
  /** Hands an error that no promise carries to `kafka.on('error')` listeners (else logs it). */
  reportError(error: KafkaError, context?: object): void
  /** Tracks a producer/consumer/admin so `disconnectAll()` closes it. */
  track(c: Closeable): void
  untrack(c: Closeable): void
}
