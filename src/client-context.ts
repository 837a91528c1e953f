/** What producers, consumers and admin clients get from the {@link Kafka} that made them. */
import type { Log } from './logger.js'
import type { ResolvedKafkaOptions } from './options.js'
import type { Cluster } from './pool/cluster.js'

export interface Closeable {
  close(): Promise<void>
}

export interface ClientContext {
  /** Shared cluster view and connection pools of this Kafka instance. */
  readonly cluster: Cluster
  readonly log: Log
  readonly options: ResolvedKafkaOptions
  /** Tracks a producer/consumer/admin so `disconnectAll()` closes it. */
  track(c: Closeable): void
  untrack(c: Closeable): void
}
