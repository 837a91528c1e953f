/**
 * The admin client: `kafka.admin()` (docs/admin.md). Each method is one batch operation whose
 * result keeps each item's error (a topic, partition, group, resource or ACL): some items of a
 * batch may succeed while others fail. A method rejects only when the request itself fails
 * (connection lost after retries, an error for the whole request, invalid arguments).
 */
import { z } from 'zod'
import type { ClientContext } from '../client-context.js'
import { ClosedError } from '../errors.js'
import { configErrorFrom } from '../options.js'
import { newConnectionOwner } from '../pool/connection-routing.js'
import type {
  AclBinding,
  AclFilter,
  createAcls,
  CreateAclResult,
  deleteAcls,
  DeleteAclsResult,
  describeAcls,
  DescribedAcl,
} from './acls.js'
import type { AdminContext } from './admin-context.js'
import { type AdminMethod, checkAdminArgs } from './admin-args.js'
import type {
  ClusterDescription,
  describeCluster,
  listTopics,
  metadata,
  MetadataResult,
} from './cluster-info.js'
import type {
  AlterConfigsResource,
  AlterConfigsResult,
  ConfigResource,
  describeConfigs,
  DescribeConfigsOptions,
  DescribeConfigsResult,
  incrementalAlterConfigs,
} from './configs.js'
import type {
  deleteGroups,
  DeleteGroupResult,
  describeGroups,
  GroupDescription,
  listGroups,
  ListedGroup,
  ListGroupsOptions,
} from './groups.js'
import type { TopicPartition } from './leader-routing.js'
import type {
  alterCommittedOffsets,
  AlterOffsetResult,
  CommittedOffset,
  CommittedOffsetsTopics,
  deleteCommittedOffsets,
  DeleteOffsetResult,
  deleteRecords,
  DeleteRecordsRequestItem,
  DeleteRecordsResult,
  fetchCommittedOffsets,
  IsolationLevel,
  listOffsets,
  ListOffsetsRequestItem,
  ListOffsetsResult,
  OffsetToCommit,
} from './offsets.js'
import type {
  deleteScramUser,
  describeUserScramCredentials,
  ScramAlterationResult,
  ScramMechanismName,
  ScramUpsertion,
  upsertScramUser,
  UserScramCredentials,
} from './scram-credentials.js'
import type {
  abortTransaction,
  AbortTransactionResult,
  AbortTransactionSpec,
  describeProducers,
  DescribeProducersResult,
  describeTransactions,
  ListedTransaction,
  listTransactions,
  ListTransactionsOptions,
  TransactionDescription,
} from './transactions.js'
import type {
  createPartitions,
  CreatePartitionsResult,
  createTopics,
  CreateTopicResult,
  CreateTopicsOptions,
  deleteTopics,
  DeleteTopicResult,
  NewPartitions,
  NewTopic,
} from './topics.js'

/** Options of `kafka.admin(options)`. */
export interface AdminOptions {
  /**
   * How long the broker may take over CreateTopics, DeleteTopics, CreatePartitions and
   * DeleteRecords, in ms (their `timeoutMs` field). Default 30000.
   */
  timeoutMs?: number
}

const adminOptionsSchema = z.object({ timeoutMs: z.number().int().positive().default(30_000) }).strict()

export class Admin {
  private readonly context: ClientContext
  private readonly ctx: AdminContext
  private closed = false

  /** @throws ConfigError on invalid options. */
  constructor(context: ClientContext, options: AdminOptions = {}) {
    const parsed = adminOptionsSchema.safeParse(options)
    if (!parsed.success) throw configErrorFrom('admin options', parsed.error)
    this.context = context
    this.ctx = { cluster: context.cluster, owner: newConnectionOwner('admin'), timeoutMs: parsed.data.timeoutMs, requestTimeoutMs: context.options.requestTimeoutMs }
    context.track(this)
  }

  /** The context of an open admin whose `method` got valid `args`. @throws ClosedError, then ConfigError. */
  private open(method: AdminMethod, ...args: unknown[]): AdminContext {
    if (this.closed) throw new ClosedError('the admin client is closed')
    checkAdminArgs(method, args)
    return this.ctx
  }

  /**
   * Creates topics (CreateTopics). One result per topic, in order: a topic that exists comes
   * back with TOPIC_ALREADY_EXISTS (36) beside the ones created. Partitions and replication
   * factor default to the broker's (KIP-464).
   */
  async createTopics(topics: readonly NewTopic[], options: CreateTopicsOptions = {}): Promise<CreateTopicResult[]> {
    return (await import('./topics.js')).createTopics(this.open('createTopics', topics, options), topics, options)
  }

  /**
   * Deletes topics by name (DeleteTopics). One result per topic; a missing topic comes back
   * with UNKNOWN_TOPIC_OR_PARTITION (3). Deletion completes asynchronously on the brokers.
   */
  async deleteTopics(names: readonly string[], options: { timeoutMs?: number } = {}): Promise<DeleteTopicResult[]> {
    return (await import('./topics.js')).deleteTopics(this.open('deleteTopics', names, options), names, options)
  }

  /** Grows topics to `count` partitions (CreatePartitions). One result per topic. */
  async createPartitions(topics: readonly NewPartitions[], options: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<CreatePartitionsResult[]> {
    return (await import('./topics.js')).createPartitions(this.open('createPartitions', topics, options), topics, options)
  }

  /**
   * Fresh cluster metadata (Metadata): brokers, controller, and `topics` (all topics when left
   * out). A topic that does not exist is listed with errorCode 3; none is auto-created.
   */
  async metadata(topics?: readonly string[]): Promise<MetadataResult> {
    return (await import('./cluster-info.js')).metadata(this.open('metadata', topics), topics)
  }

  /** Names of the cluster's topics, sorted; internal ones (`__consumer_offsets`) only if asked. */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    return (await import('./cluster-info.js')).listTopics(this.open('listTopics', options), options)
  }

  /** Cluster id, controller id and brokers (DescribeCluster, KIP-700, else Metadata). */
  async describeCluster(): Promise<ClusterDescription> {
    return (await import('./cluster-info.js')).describeCluster(this.open('describeCluster'))
  }

  /**
   * Configs of topics, brokers, broker loggers, groups (DescribeConfigs). One result per
   * resource, in order; broker resources are asked of that broker.
   */
  async describeConfigs(resources: readonly ConfigResource[], options: DescribeConfigsOptions = {}): Promise<DescribeConfigsResult[]> {
    return (await import('./configs.js')).describeConfigs(this.open('describeConfigs', resources, options), resources, options)
  }

  /**
   * Sets, deletes, appends to or subtracts from configs (IncrementalAlterConfigs, KIP-339).
   * One result per resource, in order.
   */
  async incrementalAlterConfigs(resources: readonly AlterConfigsResource[], options: { validateOnly?: boolean } = {}): Promise<AlterConfigsResult[]> {
    return (await import('./configs.js')).incrementalAlterConfigs(this.open('incrementalAlterConfigs', resources, options), resources, options)
  }

  /** Groups of every broker (ListGroups), sorted by id. Rejects when a broker answers with an error. */
  async listGroups(options: ListGroupsOptions = {}): Promise<ListedGroup[]> {
    return (await import('./groups.js')).listGroups(this.open('listGroups', options), options)
  }

  /**
   * Describes groups (DescribeGroups via each group's coordinator). Members of `consumer`
   * groups have their subscription and assignment decoded. An unknown group comes back with
   * state `Dead` and no members.
   */
  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    return (await import('./groups.js')).describeGroups(this.open('describeGroups', groupIds), groupIds)
  }

  /** Deletes empty groups (DeleteGroups); a group with members comes back NON_EMPTY_GROUP (68). */
  async deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupResult[]> {
    return (await import('./groups.js')).deleteGroups(this.open('deleteGroups', groupIds), groupIds)
  }

  /**
   * Offsets by time or position (ListOffsets at each partition's leader). One result per
   * partition, in order.
   */
  async listOffsets(partitions: readonly ListOffsetsRequestItem[], options: { isolationLevel?: IsolationLevel } = {}): Promise<ListOffsetsResult[]> {
    return (await import('./offsets.js')).listOffsets(this.open('listOffsets', partitions, options), partitions, options)
  }

  /**
   * A group's committed offsets (OffsetFetch): of the given topics (a name means all its
   * partitions; uncommitted ones have offset -1n), or every committed one when left out.
   * Rejects with the group-level error (e.g. GROUP_AUTHORIZATION_FAILED).
   */
  async fetchCommittedOffsets(groupId: string, topics?: CommittedOffsetsTopics, options: { requireStable?: boolean } = {}): Promise<CommittedOffset[]> {
    return (await import('./offsets.js')).fetchCommittedOffsets(this.open('fetchCommittedOffsets', groupId, topics, options), groupId, topics, options)
  }

  /**
   * Commits offsets for a group without joining it (OffsetCommit, generation -1). Works only
   * while the group has no members, as in Java; otherwise partitions fail UNKNOWN_MEMBER_ID.
   */
  async alterCommittedOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<AlterOffsetResult[]> {
    return (await import('./offsets.js')).alterCommittedOffsets(this.open('alterCommittedOffsets', groupId, offsets), groupId, offsets)
  }

  /** Deletes a group's committed offsets (OffsetDelete, KIP-496). One result per partition. */
  async deleteCommittedOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<DeleteOffsetResult[]> {
    return (await import('./offsets.js')).deleteCommittedOffsets(this.open('deleteCommittedOffsets', groupId, partitions), groupId, partitions)
  }

  /**
   * Deletes records before an offset (DeleteRecords at each leader, KIP-107); `beforeOffset`
   * -1 means the high watermark. One result per partition with its new low watermark.
   */
  async deleteRecords(partitions: readonly DeleteRecordsRequestItem[], options: { timeoutMs?: number } = {}): Promise<DeleteRecordsResult[]> {
    return (await import('./offsets.js')).deleteRecords(this.open('deleteRecords', partitions, options), partitions, options)
  }

  /** SCRAM credentials of users, all when left out (DescribeUserScramCredentials, KIP-554). */
  async describeUserScramCredentials(users?: readonly string[]): Promise<UserScramCredentials[]> {
    return (await import('./scram-credentials.js')).describeUserScramCredentials(this.open('describeUserScramCredentials', users), users)
  }

  /**
   * Creates or replaces a user's SCRAM credential (AlterUserScramCredentials): the salt is
   * random and the salted password is computed here (PBKDF2), the password never leaves.
   */
  async upsertScramUser(user: ScramUpsertion): Promise<ScramAlterationResult> {
    return (await import('./scram-credentials.js')).upsertScramUser(this.open('upsertScramUser', user), user)
  }

  /** Deletes a user's SCRAM credential of one mechanism. */
  async deleteScramUser(user: { name: string; mechanism: ScramMechanismName }): Promise<ScramAlterationResult> {
    return (await import('./scram-credentials.js')).deleteScramUser(this.open('deleteScramUser', user), user)
  }

  /** Creates ACLs (CreateAcls). One result per ACL, in order. Needs ALTER on the cluster. */
  async createAcls(acls: readonly AclBinding[]): Promise<CreateAclResult[]> {
    return (await import('./acls.js')).createAcls(this.open('createAcls', acls), acls)
  }

  /** ACLs matching a filter (DescribeAcls). Needs DESCRIBE on the cluster. */
  async describeAcls(filter: AclFilter = {}): Promise<DescribedAcl[]> {
    return (await import('./acls.js')).describeAcls(this.open('describeAcls', filter), filter)
  }

  /** Deletes the ACLs matching each filter (DeleteAcls). One result per filter. */
  async deleteAcls(filters: readonly AclFilter[]): Promise<DeleteAclsResult[]> {
    return (await import('./acls.js')).deleteAcls(this.open('deleteAcls', filters), filters)
  }

  /**
   * Transactions known to the transaction coordinators (ListTransactions, asked of every broker;
   * KIP-664), sorted by transactional id. Filters: `states` (e.g. `['Ongoing']`), `producerIds`,
   * `durationMs` (only transactions open longer than this many ms; ListTransactions v1+,
   * KIP-994) and `transactionalIdPattern` (a regular expression; v2+, KIP-1152). Each result is
   * `{ transactionalId, producerId: bigint, state, coordinator }`.
   * @throws ConfigError on bad arguments (nothing sent); UnsupportedVersionError when a broker
   * cannot apply a filter; the broker's error (e.g. INVALID_REGULAR_EXPRESSION) when one answers
   * with an error after retries.
   */
  async listTransactions(options: ListTransactionsOptions = {}): Promise<ListedTransaction[]> {
    return (await import('./transactions.js')).listTransactions(this.open('listTransactions', options), options)
  }

  /**
   * Describes transactions (DescribeTransactions via each transactional id's transaction
   * coordinator, FindCoordinator key type 1; KIP-664). One result per id, in order: state,
   * producer id and epoch, `transactionTimeoutMs`, `transactionStartTimeMs` (ms since the epoch,
   * -1 when none is open) and the open transaction's partitions. An unknown id comes back with
   * TRANSACTIONAL_ID_NOT_FOUND (105); coordinator moves and loads are retried.
   * @throws ConfigError on bad arguments.
   */
  async describeTransactions(transactionalIds: readonly string[]): Promise<TransactionDescription[]> {
    return (await import('./transactions.js')).describeTransactions(this.open('describeTransactions', transactionalIds), transactionalIds)
  }

  /**
   * The producers each partition's leader keeps state for (DescribeProducers; KIP-664), one result
   * per partition, in order: producer id and epoch, last sequence, last timestamp (ms),
   * `coordinatorEpoch` and `currentTransactionStartOffset` (-1n when no transaction is open). A
   * producer whose transaction start offset holds back the last stable offset while no
   * coordinator knows its transaction is a hanging transaction: see {@link abortTransaction}.
   * @throws ConfigError on bad arguments.
   */
  async describeProducers(partitions: readonly TopicPartition[]): Promise<DescribeProducersResult[]> {
    return (await import('./transactions.js')).describeProducers(this.open('describeProducers', partitions), partitions)
  }

  /**
   * Aborts a hanging transaction on one partition: the partition's leader writes an abort marker
   * for `producerId`/`producerEpoch` (WriteTxnMarkers, as Java's Admin#abortTransaction; KIP-664),
   * so the last stable offset moves past the transaction's records and read_committed consumers
   * proceed. Take the ids and epochs from {@link describeProducers}. This bypasses the
   * transaction coordinator: use it only for a transaction the coordinator no longer knows.
   * Resolves with `{ topic, partition, errorCode, ... }`: e.g. INVALID_PRODUCER_EPOCH (47) when
   * the epoch is older than the partition's, TRANSACTION_COORDINATOR_FENCED (52) when
   * `coordinatorEpoch` is, CLUSTER_AUTHORIZATION_FAILED (31) without ClusterAction.
   * @throws ConfigError on bad arguments.
   */
  async abortTransaction(spec: AbortTransactionSpec): Promise<AbortTransactionResult> {
    return (await import('./transactions.js')).abortTransaction(this.open('abortTransaction', spec), spec)
  }

  /**
   * Closes the admin client and the connections it owns (those of its slow requests, after they
   * settle). The shared connections are the Kafka instance's: `disconnectAll()` closes them.
   */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.context.untrack(this)
    await this.ctx.cluster.release(this.ctx.owner)
  }
}
