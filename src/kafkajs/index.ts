/**
 * `kafkats/kafkajs`: KafkaJS 2.2's public API over kafkats, for services migrating off KafkaJS
 * (docs/kafkajs.md: what is supported, what differs, what is not). Public exports only.
 */
export { Kafka, type KafkaConfig, type RetryOptions, type SASLOptions, type BrokersFunction } from './client.js'
export { Producer, type ProducerConfig, type ProducerRecord, type ProducerBatch, type TopicMessages, type Transaction, type ProducerEvents } from './producer.js'
export {
  Consumer,
  type ConsumerConfig,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopic,
  type ConsumerSubscribeTopics,
  type EachMessagePayload,
  type EachBatchPayload,
  type EachMessageHandler,
  type EachBatchHandler,
  type OffsetsByTopicPartition,
  type ConsumerEvents,
} from './consumer.js'
export { Batch } from './batch.js'
export {
  Admin,
  ConfigResourceTypes,
  ConfigSource,
  type AdminConfig,
  type ITopicConfig,
  type ITopicPartitionConfig,
  type ITopicMetadata,
  type ReplicaAssignment,
  type ResourceConfigQuery,
  type IResourceConfig,
  type IResourceConfigEntry,
  type ConfigEntries,
  type ConfigSynonyms,
  type DescribeConfigResponse,
  type AlterConfigsResponse,
  type GroupDescription,
  type MemberDescription,
  type GroupOverview,
  type DeleteGroupsResult,
  type ConsumerGroupState,
  type FetchOffsetsPartition,
  type AdminEvents,
} from './admin.js'
export { Partitioners, DefaultPartitioner, LegacyPartitioner, type ICustomPartitioner, type PartitionerArgs } from './partitioners.js'
export { PartitionAssigners, AssignerProtocol, type PartitionAssigner, type MemberMetadata, type MemberAssignment, type ISerializer } from './assigners.js'
export {
  CompressionTypes,
  CompressionCodecs,
  type Message,
  type IHeaders,
  type KafkaMessage,
  type RecordMetadata,
  type PartitionMetadata,
  type PartitionOffset,
  type TopicOffsets,
  type Offsets,
  type TopicPartition,
  type TopicPartitionOffset,
  type TopicPartitionOffsetAndMetadata,
  type SeekEntry,
} from './shapes.js'
export { logLevel, type logCreator, type LogEntry, type Logger, type LoggerEntryContent } from './logger.js'
export type { InstrumentationEvent, RemoveInstrumentationEventListener } from './events.js'
export {
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  KafkaJSOffsetOutOfRange,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSConnectionError,
  KafkaJSConnectionClosedError,
  KafkaJSRequestTimeoutError,
  KafkaJSMetadataNotLoaded,
  KafkaJSTopicMetadataNotLoaded,
  KafkaJSServerDoesNotSupportApiKey,
  KafkaJSBrokerNotFound,
  KafkaJSSASLAuthenticationError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNotImplemented,
  KafkaJSTimeout,
  KafkaJSLockTimeout,
  KafkaJSCreateTopicError,
  KafkaJSDeleteGroupsError,
  KafkaJSAggregateError,
  KafkaJSNoBrokerAvailableError,
  type KafkaJSDeleteGroupsErrorGroups,
} from './errors.js'
