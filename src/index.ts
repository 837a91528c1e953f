/** kafkats: a pure-TypeScript Apache Kafka client. Public exports only. */
export { Kafka } from './client.js'
export type { KafkaOptions } from './options.js'
export type { Logger, DebugCategory } from './logger.js'
export type { SaslOptions, OAuthBearerToken } from './pool/sasl/index.js'
export type { TlsOptions, ProxyOptions } from './pool/socket.js'
export type { RetryOptions } from './pool/retry.js'
export type { TopicMetadata, PartitionMetadata } from './pool/cluster.js'
export {
  KafkaError,
  KafkaProtocolError,
  CorruptRecordError,
  ResponseError,
  ConnectionError,
  RequestTimeoutError,
  UnsupportedVersionError,
  AuthenticationError,
  ConfigError,
  ClosedError,
} from './errors.js'
export { Producer, type ProducerOptions } from './producer/producer.js'
export { Consumer, type ConsumerOptions } from './consumer/consumer.js'
export { Admin, type AdminOptions } from './admin/admin.js'
