/** The admin client and its types (docs/admin.md). */
export { Admin, type AdminOptions } from './admin.js'
export type { ItemError } from './item-error.js'
export type { NewTopic, CreateTopicResult, CreateTopicsOptions, CreatedTopicConfig, DeleteTopicResult, NewPartitions, CreatePartitionsResult } from './topics.js'
export type { BrokerDescription, ClusterDescription, MetadataResult, PartitionDescription, TopicDescription } from './cluster-info.js'
export type { AlterConfigsResource, AlterConfigsResult, ConfigEntry, ConfigResource, ConfigSynonym, DescribeConfigsOptions, DescribeConfigsResult } from './configs.js'
export type { AlterConfigOp, ConfigResourceType, ConfigSource, ConfigType } from './config-resources.js'
export type { DeleteGroupResult, GroupDescription, GroupMember, ListedGroup, ListGroupsOptions } from './groups.js'
export type { MemberAssignment, MemberSubscription, TopicPartitions } from './member-protocol.js'
export type { TopicPartition } from './leader-routing.js'
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
} from './offsets.js'
export type { ScramAlterationResult, ScramMechanismName, ScramUpsertion, UserScramCredentials } from './scram-credentials.js'
export type { AclBinding, AclFilter, CreateAclResult, DeleteAclsResult, DescribedAcl } from './acls.js'
export type { AclOperation, AclPatternType, AclPermissionType, AclResourceType } from './acl-codes.js'
export type {
  AbortTransactionResult,
  AbortTransactionSpec,
  DescribeProducersResult,
  ListedTransaction,
  ListTransactionsOptions,
  ActiveProducer,
  TransactionDescription,
} from './transactions.js'
export type { TransactionState } from './transaction-states.js'
