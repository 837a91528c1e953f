/**
 * Cluster and topic descriptions: Metadata (protocol guide, "Metadata API"; KIP-516 topic
 * ids) and DescribeCluster (KIP-700), always fresh from a broker rather than the client's cache.
 */
import { ZERO_UUID } from '../protocol/api.js'
import { responseError } from '../protocol/error-codes.js'
import { DescribeCluster } from '../protocol/messages/describe-cluster.js'
import { Metadata } from '../protocol/messages/metadata.js'
import type { AdminContext } from './admin-context.js'

/** A broker as Metadata or DescribeCluster names it. */
export interface BrokerDescription {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface PartitionDescription {
  partition: number
  /** Leader broker id, -1 when there is none. */
  leader: number
  /** Leader epoch (KIP-320), -1 when unknown. */
  leaderEpoch: number
  replicas: number[]
  /** In-sync replicas. */
  isr: number[]
  offlineReplicas: number[]
  errorCode: number
}

export interface TopicDescription {
  name: string
  /** Topic id (KIP-516) in text form, `ZERO_UUID` when unknown. */
  topicId: string
  isInternal: boolean
  /** 0, or e.g. UNKNOWN_TOPIC_OR_PARTITION (3) for a topic that does not exist. */
  errorCode: number
  /** Sorted by partition. */
  partitions: PartitionDescription[]
}

export interface ClusterDescription {
  clusterId: string | null
  /** The active controller's id as brokers report it (KRaft: a random broker), -1 when unknown. */
  controllerId: number
  brokers: BrokerDescription[]
}

export interface MetadataResult extends ClusterDescription {
  topics: TopicDescription[]
}

/** Metadata of `topics` (all topics when left out); see {@link Admin.metadata}. */
export async function metadata(ctx: AdminContext, topics?: readonly string[]): Promise<MetadataResult> {
  const { cluster } = ctx
  const res = await cluster.withRetry(() =>
    cluster.send('any', Metadata, (v) => ({
      topics: topics === undefined ? (v >= 1 ? null : []) : topics.map((name) => ({ name, topicId: ZERO_UUID })),
      ...(v >= 4 ? { allowAutoTopicCreation: false } : {}),
      ...(v >= 8 && v <= 10 ? { includeClusterAuthorizedOperations: false } : {}),
      ...(v >= 8 ? { includeTopicAuthorizedOperations: false } : {}),
    })),
  )
  return {
    clusterId: res.clusterId ?? null,
    controllerId: res.controllerId ?? -1,
    brokers: res.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })).sort((a, b) => a.nodeId - b.nodeId),
    topics: res.topics.map((t) => ({
      name: t.name ?? '',
      topicId: t.topicId ?? ZERO_UUID,
      isInternal: t.isInternal ?? false,
      errorCode: t.errorCode,
      partitions: t.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch ?? -1,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas ?? [],
          errorCode: p.errorCode,
        }))
        .sort((a, b) => a.partition - b.partition),
    })),
  }
}

/** Names of the topics in the cluster, sorted; see {@link Admin.listTopics}. */
export async function listTopics(ctx: AdminContext, options: { includeInternal?: boolean } = {}): Promise<string[]> {
  const m = await metadata(ctx)
  return m.topics
    .filter((t) => t.errorCode === 0 && (options.includeInternal === true || !t.isInternal))
    .map((t) => t.name)
    .sort()
}

/** Cluster id, controller and brokers; see {@link Admin.describeCluster}. */
export async function describeCluster(ctx: AdminContext): Promise<ClusterDescription> {
  const { cluster } = ctx
  // Asked of one broker: DescribeCluster where it speaks it, else the Metadata fallback below.
  const res = await cluster.withRetry(async () => {
    const broker = cluster.anyBroker()
    const conn = await broker.connection(DescribeCluster.apiKey)
    if (!conn.supports(DescribeCluster)) return null
    const r = await cluster.send(broker, DescribeCluster, (v) => ({
      includeClusterAuthorizedOperations: false,
      // Endpoint type 1: brokers (KIP-919), not controllers.
      ...(v >= 1 ? { endpointType: 1 } : {}),
    }))
    if (r.errorCode !== 0) throw responseError(r.errorCode, r.errorMessage ?? null, 'DescribeCluster')
    return r
  })
  if (res === null) {
    const { clusterId, controllerId, brokers } = await metadata(ctx, [])
    return { clusterId, controllerId, brokers }
  }
  return {
    clusterId: res.clusterId,
    controllerId: res.controllerId,
    brokers: res.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack ?? null })).sort((a, b) => a.nodeId - b.nodeId),
  }
}
