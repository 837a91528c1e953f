/** kafkats: a pure-TypeScript Apache Kafka client. Public exports only. */
export { Kafka } from './client.js'
export type { KafkaOptions } from './options.js'
export type { Logger, DebugCategory } from './logger.js'
export { LIBRDKAFKA_DEBUG_CATEGORIES } from './logger.js'
export type { ClientErrorListener } from './client-errors.js'
export type { ConfigValue } from './effective-config.js'
export type { SaslOptions, OAuthBearerToken, SaslMechanism, SaslExchange, SaslContext } from './pool/sasl/index.js'
export type { TlsOptions, ProxyOptions, SocketFactory, SocketFactoryArgs } from './pool/socket.js'
export type {
  RequestMessage,
  ResponseMessage,
  ProducerSendContext,
  ConsumerProcessContext,
  ConsumerReceiveMessage,
  ConsumerLifecycleMessage,
  ObservedConsumer,
} from './diagnostics.js'
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
export { ClientErrorCode, type ClientErrorCodeName } from './client-error-codes.js'
export { CodecUnavailableError } from './protocol/compression/native-codec.js'
export {
  Producer,
  DeliveryTimeoutError,
  RecordTooLargeError,
  ProducerFencedError,
  TransactionAbortableError,
  TransactionStateError,
  type Transaction,
  type TransactionOffset,
  type ConsumerGroupMetadata,
  type ProducerOptions,
  type Acks,
  type DeliveryReport,
  type ProducerHeaders,
  type ProducerRecord,
  type RecordMetadata,
  type BrokerProduceStats,
  type ProducerStats,
  type ProducerEvents,
  type PartitionForOptions,
} from './producer/producer.js'
export { Consumer, type PollOptions, type ConsumerStats, type PartitionConsumeStats } from './consumer/consumer.js'
export type { ConsumerOptions, ResetStrategy, StartOffset, PartitionAssignment } from './consumer/consumer-options.js'
export type {
  ConsumerRecord,
  ConsumerBatch,
  PartitionOffsets,
  TopicPartition,
  TopicPartitions,
  RebalanceEvent,
  RecordsEvent,
  ConsumerEvent,
  CommitOffset,
  PartitionLag,
} from './consumer/consumer-record.js'
export { LogTruncationError, StaleCommitError } from './consumer/consumer-errors.js'
export { Admin, type AdminOptions } from './admin/admin.js'
// Every admin result and option type; consumer's TopicPartition(s) above take precedence.
export type * from './admin/index.js'
export type { CompressionCodec } from './protocol/compression/index.js'
export { ErrorCode, errorInfo } from './protocol/error-codes.js'
export { Gateway, type GatewayOptions } from './gateway/gateway.js'
export type { GatewayConsumerOptions } from './gateway/gateway-config.js'
export { RespProtocolError } from './gateway/gateway-errors.js'
