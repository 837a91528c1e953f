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
export {
  Producer,
  DeliveryTimeoutError,
  RecordTooLargeError,
  type ProducerOptions,
  type Acks,
  type DeliveryReport,
  type ProducerHeaders,
  type ProducerRecord,
  type RecordMetadata,
  type BrokerProduceStats,
  type ProducerStats,
  type ProducerEvents,
} from './producer/producer.js'
export { Consumer } from './consumer/consumer.js'
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
export { StaleCommitError } from './consumer/consumer-errors.js'
export { Admin, type AdminOptions } from './admin/admin.js'
export type { ItemError } from './admin/item-error.js'
export type { NewTopic, CreateTopicResult, CreateTopicsOptions, CreatedTopicConfig, DeleteTopicResult, NewPartitions, CreatePartitionsResult } from './admin/topics.js'
export type { BrokerDescription, ClusterDescription, MetadataResult, PartitionDescription, TopicDescription } from './admin/cluster-info.js'
export type { AlterConfigsResource, AlterConfigsResult, ConfigEntry, ConfigResource, ConfigSynonym, DescribeConfigsOptions, DescribeConfigsResult } from './admin/configs.js'
export type { AlterConfigOp, ConfigResourceType, ConfigSource, ConfigType } from './admin/config-resources.js'
export type { DeleteGroupResult, GroupDescription, GroupMember, ListedGroup, ListGroupsOptions } from './admin/groups.js'
export type { MemberAssignment, MemberSubscription } from './admin/member-protocol.js'
export type {
  AlterOffsetResult,
  CommittedOffset,
  CommittedOffsetsTopics,
  DeleteOffsetResult,
  DeleteRecordsRequestItem,
  DeleteRecordsResult,
  IsolationLevel,
  ListOffsetsRequestItem,
  ListOffsetsResult,
  OffsetSpec,
  OffsetToCommit,
} from './admin/offsets.js'
export type { ScramAlterationResult, ScramMechanismName, ScramUpsertion, UserScramCredentials } from './admin/scram-credentials.js'
export type { AclBinding, AclFilter, CreateAclResult, DeleteAclsResult, DescribedAcl } from './admin/acls.js'
export type { AclOperation, AclPatternType, AclPermissionType, AclResourceType } from './admin/acl-codes.js'
export type { CompressionCodec } from './protocol/compression/index.js'
export { ErrorCode, errorInfo } from './protocol/error-codes.js'
