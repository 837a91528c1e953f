/**
 * KafkaJS's admin client over kafkats's {@link KafkatsAdmin}: each method is one or two kafkats
 * admin calls and a conversion of arguments and results (offsets as strings, KafkaJS's field
 * names and enums). Per-item errors become KafkaJS errors the way KafkaJS raises them.
 */
import type { Kafka as KafkatsKafka } from '../client.js'
import type { Admin as KafkatsAdmin } from '../admin/admin.js'
import type { GroupDescription as KafkatsGroupDescription } from '../admin/groups.js'
import type { ConfigResourceType, ConfigSource as KafkatsConfigSource } from '../admin/config-resources.js'
import type { FacadeContext, RetryOptions } from './client.js'
import { KafkaJSAggregateError, KafkaJSCreateTopicError, KafkaJSDeleteGroupsError, KafkaJSNonRetriableError, protocolError, rethrow } from './errors.js'
import { Instrumentation, type InstrumentationEvent, type RemoveInstrumentationEventListener } from './events.js'
import type { Logger } from './logger.js'
import { parseOffset, type PartitionMetadata, type SeekEntry } from './shapes.js'

export interface AdminConfig {
  retry?: RetryOptions
}

export interface ReplicaAssignment {
  partition: number
  replicas: number[]
}

export interface IResourceConfigEntry {
  name: string
  value: string
}

export interface ITopicConfig {
  topic: string
  numPartitions?: number
  replicationFactor?: number
  replicaAssignment?: ReplicaAssignment[]
  configEntries?: IResourceConfigEntry[]
}

export interface ITopicPartitionConfig {
  topic: string
  count: number
  assignments?: number[][]
}

export interface ITopicMetadata {
  name: string
  partitions: PartitionMetadata[]
}

export enum ConfigResourceTypes {
  UNKNOWN = 0,
  TOPIC = 2,
  BROKER = 4,
  BROKER_LOGGER = 8,
}

export enum ConfigSource {
  UNKNOWN = 0,
  TOPIC_CONFIG = 1,
  DYNAMIC_BROKER_CONFIG = 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG = 3,
  STATIC_BROKER_CONFIG = 4,
  DEFAULT_CONFIG = 5,
  DYNAMIC_BROKER_LOGGER_CONFIG = 6,
}

export interface ResourceConfigQuery {
  type: ConfigResourceTypes
  name: string
  configNames?: string[]
}

export interface ConfigSynonyms {
  configName: string
  configValue: string
  configSource: ConfigSource
}

export interface ConfigEntries {
  configName: string
  configValue: string
  isDefault: boolean
  configSource: ConfigSource
  isSensitive: boolean
  readOnly: boolean
  configSynonyms: ConfigSynonyms[]
}

export interface DescribeConfigResponse {
  resources: Array<{
    configEntries: ConfigEntries[]
    errorCode: number
    errorMessage: string
    resourceName: string
    resourceType: ConfigResourceTypes
  }>
  throttleTime: number
}

export interface IResourceConfig {
  type: ConfigResourceTypes
  name: string
  configEntries: IResourceConfigEntry[]
}

export interface AlterConfigsResponse {
  resources: Array<{ errorCode: number; errorMessage: string; resourceName: string; resourceType: ConfigResourceTypes }>
  throttleTime: number
}

export interface MemberDescription {
  clientHost: string
  clientId: string
  memberId: string
  memberAssignment: Buffer
  memberMetadata: Buffer
}

export type ConsumerGroupState = 'Unknown' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead' | 'Empty'

export interface GroupDescription {
  groupId: string
  members: MemberDescription[]
  protocol: string
  protocolType: string
  state: ConsumerGroupState
  errorCode: number
}

export interface GroupOverview {
  groupId: string
  protocolType: string
}

export interface DeleteGroupsResult {
  groupId: string
  errorCode?: number
  error?: Error
}

export type FetchOffsetsPartition = SeekEntry & { metadata: string | null }

export const ADMIN_EVENTS = Object.freeze({
  CONNECT: 'admin.connect',
  DISCONNECT: 'admin.disconnect',
  REQUEST: 'admin.network.request',
  REQUEST_TIMEOUT: 'admin.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'admin.network.request_queue_size',
} as const)
export type AdminEvents = typeof ADMIN_EVENTS
type AdminEventName = AdminEvents[keyof AdminEvents]

const RESOURCE_TYPES: Record<number, ConfigResourceType> = { 2: 'topic', 4: 'broker', 8: 'brokerLogger' }
const RESOURCE_CODES: Record<string, ConfigResourceTypes> = { topic: ConfigResourceTypes.TOPIC, broker: ConfigResourceTypes.BROKER, brokerLogger: ConfigResourceTypes.BROKER_LOGGER }
const SOURCES: Record<KafkatsConfigSource, ConfigSource> = {
  unknown: ConfigSource.UNKNOWN,
  topicConfig: ConfigSource.TOPIC_CONFIG,
  dynamicBrokerConfig: ConfigSource.DYNAMIC_BROKER_CONFIG,
  dynamicDefaultBrokerConfig: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
  staticBrokerConfig: ConfigSource.STATIC_BROKER_CONFIG,
  defaultConfig: ConfigSource.DEFAULT_CONFIG,
  dynamicBrokerLoggerConfig: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
} as Record<KafkatsConfigSource, ConfigSource>

function resourceType(type: ConfigResourceTypes): ConfigResourceType {
  const t = RESOURCE_TYPES[type]
  if (t === undefined) throw new KafkaJSNonRetriableError(`Invalid resource type ${String(type)} (use ConfigResourceTypes)`)
  return t
}

/** kafkats's group description → KafkaJS's. */
export function toGroupDescription(g: KafkatsGroupDescription): GroupDescription {
  return {
    groupId: g.groupId,
    members: g.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, memberMetadata: m.memberMetadata, memberAssignment: m.memberAssignment })),
    protocol: g.protocol,
    protocolType: g.protocolType,
    state: g.state as ConsumerGroupState,
    errorCode: g.errorCode,
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export class Admin {
  readonly events: AdminEvents = ADMIN_EVENTS
  private readonly ctx: FacadeContext
  private readonly instrumentation = new Instrumentation<AdminEventName>(ADMIN_EVENTS)
  private kafka: KafkatsKafka | null = null
  private admin: KafkatsAdmin | null = null

  constructor(ctx: FacadeContext, _config: AdminConfig) {
    this.ctx = ctx
  }

  logger(): Logger {
    return this.ctx.sink.logger('Admin')
  }

  on(eventName: AdminEventName, listener: (event: InstrumentationEvent<unknown>) => void): RemoveInstrumentationEventListener<AdminEventName> {
    return this.instrumentation.on(eventName, listener, (name) => new KafkaJSNonRetriableError(`Event name should be one of ${Object.values(ADMIN_EVENTS).join(', ')}, got ${name}`))
  }

  async connect(): Promise<void> {
    if (this.kafka !== null) return
    const kafka = await this.ctx.connect('Admin')
    try {
      await kafka.refreshMetadata()
    } catch (err) {
      await kafka.disconnectAll()
      rethrow(err)
    }
    this.kafka = kafka
    this.admin = kafka.admin()
    this.instrumentation.emit(ADMIN_EVENTS.CONNECT, null)
  }

  async disconnect(): Promise<void> {
    const kafka = this.kafka
    if (kafka === null) return
    this.kafka = null
    this.admin = null
    await kafka.disconnectAll()
    this.instrumentation.emit(ADMIN_EVENTS.DISCONNECT, null)
  }

  private a(): KafkatsAdmin {
    if (this.admin === null) throw new KafkaJSNonRetriableError('The admin client is not connected: call connect() first')
    return this.admin
  }

  /** Every topic name, internal ones included (KafkaJS lists what Metadata returns). */
  async listTopics(): Promise<string[]> {
    try {
      return await this.a().listTopics({ includeInternal: true })
    } catch (err) {
      rethrow(err)
    }
  }

  /**
   * Creates topics. Resolves true when created, false when every failure was
   * TOPIC_ALREADY_EXISTS; else rejects with KafkaJSAggregateError of KafkaJSCreateTopicError.
   * waitForLeaders (default true) waits until every new partition has a leader (up to `timeout`).
   */
  async createTopics(options: { validateOnly?: boolean; waitForLeaders?: boolean; timeout?: number; topics: ITopicConfig[] }): Promise<boolean> {
    const admin = this.a()
    const { topics, validateOnly, waitForLeaders = true, timeout = 5000 } = options ?? ({} as typeof options)
    if (!Array.isArray(topics)) throw new KafkaJSNonRetriableError(`Invalid topics array ${String(topics)}`)
    if (topics.some((t) => t === null || typeof t !== 'object' || typeof t.topic !== 'string')) throw new KafkaJSNonRetriableError('Invalid topics array, the topic names have to be a valid string')
    if (new Set(topics.map((t) => t.topic)).size < topics.length) throw new KafkaJSNonRetriableError('Invalid topics array, it cannot have multiple entries for the same topic')
    let results
    try {
      results = await admin.createTopics(
        topics.map((t) => ({
          name: t.topic,
          ...(t.replicaAssignment !== undefined && t.replicaAssignment.length > 0
            ? { assignments: t.replicaAssignment.map((r) => ({ partition: r.partition, replicas: r.replicas })) }
            : { partitions: t.numPartitions ?? -1, replicationFactor: t.replicationFactor ?? -1 }),
          configs: Object.fromEntries((t.configEntries ?? []).map((e) => [e.name, e.value])),
        })),
        { validateOnly: validateOnly === true, timeoutMs: timeout },
      )
    } catch (err) {
      rethrow(err)
    }
    const errors = results.filter((r) => r.errorCode !== 0).map((r) => new KafkaJSCreateTopicError({ message: r.errorMessage ?? r.errorName, type: r.errorName, code: r.errorCode, retriable: false }, r.name))
    if (errors.length > 0) {
      if (errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) return false
      throw new KafkaJSAggregateError('Topic creation errors', errors)
    }
    if (waitForLeaders && validateOnly !== true) await this.waitForLeaders(topics.map((t) => t.topic), timeout)
    return true
  }

  /** Waits (bounded by `timeoutMs`) until every partition of `topics` has a leader in fresh metadata. */
  private async waitForLeaders(topics: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      try {
        const meta = await this.a().metadata(topics)
        if (meta.topics.every((t) => t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return
      } catch {
        // Checked again below until the deadline.
      }
      if (Date.now() >= deadline) return
      await sleep(100)
    }
  }

  /** Deletes topics. Rejects with the first topic's KafkaJSProtocolError. */
  async deleteTopics(options: { topics: string[]; timeout?: number }): Promise<void> {
    const admin = this.a()
    const { topics, timeout } = options ?? ({} as typeof options)
    if (!Array.isArray(topics)) throw new KafkaJSNonRetriableError(`Invalid topics array ${String(topics)}`)
    if (topics.some((t) => typeof t !== 'string')) throw new KafkaJSNonRetriableError('Invalid topics array, the names must be a valid string')
    let results
    try {
      results = await admin.deleteTopics(topics, { timeoutMs: timeout })
    } catch (err) {
      rethrow(err)
    }
    const failed = results.find((r) => r.errorCode !== 0)
    if (failed !== undefined) throw protocolError(failed.errorCode, failed.errorMessage)
  }

  /** Adds partitions (`count` is the new total). Resolves true; rejects with the first topic's KafkaJSProtocolError. */
  async createPartitions(options: { validateOnly?: boolean; timeout?: number; topicPartitions: ITopicPartitionConfig[] }): Promise<boolean> {
    const admin = this.a()
    const { topicPartitions, validateOnly, timeout } = options ?? ({} as typeof options)
    if (!Array.isArray(topicPartitions)) throw new KafkaJSNonRetriableError(`Invalid topic partitions array ${String(topicPartitions)}`)
    if (topicPartitions.length === 0) throw new KafkaJSNonRetriableError('Empty topic partitions array')
    let results
    try {
      results = await admin.createPartitions(
        topicPartitions.map((t) => ({ topic: t.topic, count: t.count, assignments: t.assignments })),
        { validateOnly: validateOnly === true, timeoutMs: timeout },
      )
    } catch (err) {
      rethrow(err)
    }
    const failed = results.find((r) => r.errorCode !== 0)
    if (failed !== undefined) throw protocolError(failed.errorCode, failed.errorMessage)
    return true
  }

  /** Topics' partitions in KafkaJS's shape; every topic when `topics` is left out. A missing topic rejects (UNKNOWN_TOPIC_OR_PARTITION). */
  async fetchTopicMetadata(options: { topics?: string[] } = {}): Promise<{ topics: ITopicMetadata[] }> {
    const admin = this.a()
    const topics = options.topics === undefined || options.topics.length === 0 ? undefined : options.topics
    let meta
    try {
      meta = await admin.metadata(topics)
    } catch (err) {
      rethrow(err)
    }
    const failed = meta.topics.find((t) => t.errorCode !== 0)
    if (failed !== undefined) throw protocolError(failed.errorCode)
    return {
      topics: meta.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionErrorCode: p.errorCode, partitionId: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas })),
      })),
    }
  }

  /**
   * A group's committed offsets ('-1' where none), by topic: of `topics` (every partition of
   * each), or every topic the group committed to when left out. `resolveOffsets` replaces a
   * committed -1/-2 (latest/earliest, as KafkaJS's resetOffsets leaves them) by the real offset.
   */
  async fetchOffsets(options: { groupId: string; topics?: string[]; resolveOffsets?: boolean }): Promise<Array<{ topic: string; partitions: FetchOffsetsPartition[] }>> {
    const admin = this.a()
    const { groupId, topics, resolveOffsets } = options ?? ({} as typeof options)
    if (typeof groupId !== 'string' || groupId.length === 0) throw new KafkaJSNonRetriableError(`Invalid groupId ${String(groupId)}`)
    if (topics !== undefined && !Array.isArray(topics)) throw new KafkaJSNonRetriableError('Expected topics array to be set')
    let committed
    try {
      committed = await admin.fetchCommittedOffsets(groupId, topics === undefined || topics.length === 0 ? undefined : topics)
    } catch (err) {
      rethrow(err)
    }
    const failed = committed.find((c) => c.errorCode !== 0)
    if (failed !== undefined) throw protocolError(failed.errorCode, failed.errorMessage)
    const order = topics ?? [...new Set(committed.map((c) => c.topic))]
    const out: Array<{ topic: string; partitions: FetchOffsetsPartition[] }> = []
    for (const topic of order) {
      const partitions = committed.filter((c) => c.topic === topic).sort((a, b) => a.partition - b.partition)
      let list: FetchOffsetsPartition[] = partitions.map((c) => ({ partition: c.partition, offset: c.offset.toString(), metadata: c.metadata === '' ? null : c.metadata }))
      if (resolveOffsets === true && list.some((p) => p.offset === '-1' || p.offset === '-2')) {
        const ends = await this.fetchTopicOffsets(topic)
        list = list.map((p) => {
          const e = ends.find((x) => x.partition === p.partition)
          if (e === undefined) return p
          return p.offset === '-2' ? { ...p, offset: e.low } : p.offset === '-1' ? { ...p, offset: e.high } : p
        })
        await this.setOffsets({ groupId, topic, partitions: list.map((p) => ({ partition: p.partition, offset: p.offset })) })
      }
      out.push({ topic, partitions: list })
    }
    return out
  }

  /** Earliest (`low`) and latest (`high`, also `offset`) offset of every partition of `topic` (read_committed). */
  async fetchTopicOffsets(topic: string): Promise<Array<SeekEntry & { high: string; low: string }>> {
    const partitions = await this.partitionsOf(topic)
    try {
      const admin = this.a()
      const [high, low] = await Promise.all([
        admin.listOffsets(partitions.map((partition) => ({ topic, partition, at: 'latest' as const })), { isolationLevel: 'read_committed' }),
        admin.listOffsets(partitions.map((partition) => ({ topic, partition, at: 'earliest' as const })), { isolationLevel: 'read_committed' }),
      ])
      const failed = [...high, ...low].find((r) => r.errorCode !== 0)
      if (failed !== undefined) throw protocolError(failed.errorCode, failed.errorMessage)
      return high.map((h, i) => ({ partition: h.partition, offset: h.offset.toString(), high: h.offset.toString(), low: low[i].offset.toString() }))
    } catch (err) {
      rethrow(err)
    }
  }

  /**
   * The offset of the first record at or after `timestamp` in every partition of `topic`; the
   * latest offset where there is none (as KafkaJS). Without a timestamp: the latest offsets.
   */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<SeekEntry[]> {
    const partitions = await this.partitionsOf(topic)
    try {
      const admin = this.a()
      const [high, at] = await Promise.all([
        admin.listOffsets(partitions.map((partition) => ({ topic, partition, at: 'latest' as const })), { isolationLevel: 'read_committed' }),
        timestamp === undefined ? Promise.resolve(null) : admin.listOffsets(partitions.map((partition) => ({ topic, partition, at: timestamp })), { isolationLevel: 'read_committed' }),
      ])
      const failed = [...high, ...(at ?? [])].find((r) => r.errorCode !== 0)
      if (failed !== undefined) throw protocolError(failed.errorCode, failed.errorMessage)
      return high.map((h, i) => {
        const t = at?.[i]
        return { partition: h.partition, offset: (t === undefined || t.offset < 0n ? h.offset : t.offset).toString() }
      })
    } catch (err) {
      rethrow(err)
    }
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    if (typeof topic !== 'string' || topic.length === 0) throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`)
    let meta
    try {
      meta = await this.a().metadata([topic])
    } catch (err) {
      rethrow(err)
    }
    const t = meta.topics[0]
    if (t === undefined || t.errorCode !== 0) throw protocolError(t?.errorCode ?? 3)
    return t.partitions.map((p) => p.partition)
  }

  /**
   * Commits offsets for a group that has no running member (OffsetCommit, generation -1).
   * @throws KafkaJSNonRetriableError when the group has members, as KafkaJS
   */
  async setOffsets(options: { groupId: string; topic: string; partitions: SeekEntry[] }): Promise<void> {
    const admin = this.a()
    const { groupId, topic, partitions } = options ?? ({} as typeof options)
    if (typeof groupId !== 'string' || groupId.length === 0) throw new KafkaJSNonRetriableError(`Invalid groupId ${String(groupId)}`)
    if (typeof topic !== 'string' || topic.length === 0) throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`)
    if (!Array.isArray(partitions) || partitions.length === 0) throw new KafkaJSNonRetriableError('Invalid partitions')
    try {
      const [g] = await admin.describeGroups([groupId])
      if (g !== undefined && g.state !== 'Empty' && g.state !== 'Dead') throw new KafkaJSNonRetriableError(`The consumer group must have no running instances, current state: ${g.state}`)
      const results = await admin.alterCommittedOffsets(groupId, partitions.map((p) => ({ topic, partition: p.partition, offset: parseOffset(p.offset, 'setOffsets') })))
      const failed = results.find((r) => r.errorCode !== 0)
      if (failed !== undefined) throw protocolError(failed.errorCode, failed.errorMessage)
    } catch (err) {
      rethrow(err)
    }
  }

  /** Commits the earliest (or latest, the default) offset of every partition of `topic` for the group. */
  async resetOffsets(options: { groupId: string; topic: string; earliest?: boolean }): Promise<void> {
    const { groupId, topic, earliest = false } = options ?? ({} as typeof options)
    if (typeof groupId !== 'string' || groupId.length === 0) throw new KafkaJSNonRetriableError(`Invalid groupId ${String(groupId)}`)
    if (typeof topic !== 'string' || topic.length === 0) throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`)
    const ends = await this.fetchTopicOffsets(topic)
    await this.setOffsets({ groupId, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: earliest ? e.low : e.high })) })
  }

  async describeGroups(groupIds: string[]): Promise<{ groups: GroupDescription[] }> {
    try {
      return { groups: (await this.a().describeGroups(groupIds)).map(toGroupDescription) }
    } catch (err) {
      rethrow(err)
    }
  }

  async listGroups(): Promise<{ groups: GroupOverview[] }> {
    try {
      return { groups: (await this.a().listGroups()).map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })) }
    } catch (err) {
      rethrow(err)
    }
  }

  /** Deletes groups. @throws KafkaJSDeleteGroupsError listing the groups that failed (with their error) */
  async deleteGroups(groupIds: string[]): Promise<DeleteGroupsResult[]> {
    if (!Array.isArray(groupIds)) throw new KafkaJSNonRetriableError(`Invalid groupIds array ${String(groupIds)}`)
    const bad = groupIds.find((g) => typeof g !== 'string' || g.length === 0)
    if (bad !== undefined) throw new KafkaJSNonRetriableError(`Invalid groupId name: ${JSON.stringify(bad)}`)
    let results
    try {
      results = await this.a().deleteGroups(groupIds)
    } catch (err) {
      rethrow(err)
    }
    const errors = results.filter((r) => r.errorCode !== 0).map((r) => ({ groupId: r.groupId, errorCode: r.errorCode, error: protocolError(r.errorCode, r.errorMessage) }))
    if (errors.length > 0) throw new KafkaJSDeleteGroupsError('Error in DeleteGroups', errors)
    return results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode }))
  }

  async describeConfigs(configs: { resources: ResourceConfigQuery[]; includeSynonyms?: boolean }): Promise<DescribeConfigResponse> {
    const admin = this.a()
    const { resources, includeSynonyms } = configs ?? ({} as typeof configs)
    if (!Array.isArray(resources) || resources.length === 0) throw new KafkaJSNonRetriableError('Invalid resources array')
    let results
    try {
      results = await admin.describeConfigs(
        resources.map((r) => ({ type: resourceType(r.type), name: r.name, keys: r.configNames !== undefined && r.configNames.length > 0 ? r.configNames : undefined })),
        { includeSynonyms: includeSynonyms === true },
      )
    } catch (err) {
      rethrow(err)
    }
    return {
      resources: results.map((r) => ({
        configEntries: r.configs.map((c) => ({
          configName: c.name,
          configValue: c.value as string,
          isDefault: c.isDefault,
          configSource: SOURCES[c.source] ?? ConfigSource.UNKNOWN,
          isSensitive: c.isSensitive,
          readOnly: c.readOnly,
          configSynonyms: c.synonyms.map((s) => ({ configName: s.name, configValue: s.value as string, configSource: SOURCES[s.source] ?? ConfigSource.UNKNOWN })),
        })),
        errorCode: r.errorCode,
        errorMessage: r.errorMessage as string,
        resourceName: r.name,
        resourceType: RESOURCE_CODES[r.type] ?? ConfigResourceTypes.UNKNOWN,
      })),
      throttleTime: 0,
    }
  }

  /**
   * Sets configs (IncrementalAlterConfigs, op set: configs not named keep their values, where
   * KafkaJS's AlterConfigs resets them). Per-resource errors are in the result, as in KafkaJS.
   */
  async alterConfigs(configs: { validateOnly: boolean; resources: IResourceConfig[] }): Promise<AlterConfigsResponse> {
    const admin = this.a()
    const { resources, validateOnly } = configs ?? ({} as typeof configs)
    if (!Array.isArray(resources) || resources.length === 0) throw new KafkaJSNonRetriableError('Invalid resources array')
    let results
    try {
      results = await admin.incrementalAlterConfigs(
        resources.map((r) => ({ type: resourceType(r.type), name: r.name, configs: (r.configEntries ?? []).map((e) => ({ name: e.name, value: e.value, op: 'set' as const })) })),
        { validateOnly: validateOnly === true },
      )
    } catch (err) {
      rethrow(err)
    }
    return {
      resources: results.map((r) => ({ errorCode: r.errorCode, errorMessage: r.errorMessage as string, resourceName: r.name, resourceType: RESOURCE_CODES[r.type] ?? ConfigResourceTypes.UNKNOWN })),
      throttleTime: 0,
    }
  }

  /**
   * Deletes the records of `topic` before each partition's `offset` (DeleteRecords; '-1': the
   * high watermark). Rejects with the first partition's KafkaJSProtocolError.
   */
  async deleteTopicRecords(options: { topic: string; partitions: SeekEntry[] }): Promise<void> {
    const admin = this.a()
    const { topic, partitions } = options ?? ({} as typeof options)
    if (typeof topic !== 'string' || topic.length === 0) throw new KafkaJSNonRetriableError(`Invalid topic "${String(topic)}"`)
    if (!Array.isArray(partitions) || partitions.length === 0) throw new KafkaJSNonRetriableError('Invalid partitions')
    let results
    try {
      results = await admin.deleteRecords(partitions.map((p) => ({ topic, partition: p.partition, beforeOffset: parseOffset(p.offset, 'deleteTopicRecords') })))
    } catch (err) {
      rethrow(err)
    }
    const failed = results.find((r) => r.errorCode !== 0)
    if (failed !== undefined) throw protocolError(failed.errorCode, failed.errorMessage)
  }

  async describeCluster(): Promise<{ brokers: Array<{ nodeId: number; host: string; port: number }>; controller: number | null; clusterId: string }> {
    try {
      const c = await this.a().describeCluster()
      return { brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })), controller: c.controllerId < 0 ? null : c.controllerId, clusterId: c.clusterId ?? '' }
    } catch (err) {
      rethrow(err)
    }
  }
}
