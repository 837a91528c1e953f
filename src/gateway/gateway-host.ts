/**
 * What a gateway connection uses of its gateway (gateway.ts implements it): the shared Kafka
 * and producer, the live connections by id, the monitors, the stats and the resolved options.
 */
import type { Kafka } from '../client.js'
import type { Log } from '../logger.js'
import type { Producer } from '../producer/producer.js'
import type { GatewayConnection } from './gateway-connection.js'
import type { ResolvedGatewayOptions } from './gateway-options.js'
import type { GatewayStats } from './gateway-stats.js'

export interface GatewayHost {
  readonly kafka: Kafka
  readonly producer: Producer
  readonly log: Log
  readonly options: ResolvedGatewayOptions
  readonly stats: GatewayStats
  /** Live connections by Rafka client id (peer address, or the CLIENT SETNAME id). */
  readonly clients: Map<string, GatewayConnection>
  readonly monitors: Set<GatewayConnection>
  /** Topics known to exist: RPUSHX to them answers at once. */
  readonly knownTopics: Set<string>
  /** True once shutdown began: no new consumer, no new record. */
  readonly teardown: boolean
  /** Resolves once `topic` exists (created, when the producer may create topics). @throws its KafkaError */
  checkTopic(topic: string): Promise<void>
  /** Every topic of the cluster. */
  listTopics(): Promise<string[]>
  /** Streams a processed command to every MONITOR connection. */
  monitor(from: GatewayConnection, args: readonly Buffer[]): void
}
