/**
 * The client's view of the cluster: bootstrap, a metadata cache (brokers, topics, partitions,
 * leaders and epochs, ISR, topic ids) refreshed single-flight on demand, on errors and when
 * older than `metadataMaxAgeMs`, and routing to a partition's leader, the controller, or a
 * group/transaction coordinator (FindCoordinator, KIP-699 batching).
 */
import { ClosedError, ConfigError, KafkaError } from '../errors.js'
import type { ApiDefinition } from '../protocol/api.js'
import { ZERO_UUID } from '../protocol/api.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { FindCoordinator } from '../protocol/messages/find-coordinator.js'
import { Metadata, type MetadataResponse } from '../protocol/messages/metadata.js'
import { Log } from '../logger.js'
import { Broker, type BrokerAddress, type BrokerRequestOptions } from './broker.js'
import type { ConnectionOptions } from './connection.js'
import type { ConnectionOwner } from './connection-routing.js'
import { DEFAULT_RETRY_POLICY, retry, type RetryPolicy } from './retry.js'

export interface PartitionMetadata {
  partition: number
  /** Leader node id, -1 when there is none. */
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
  errorCode: number
}

export interface TopicMetadata {
  name: string
  /** Kafka's topic id (KIP-516) in text form, ZERO_UUID when unknown. */
  topicId: string
  isInternal: boolean
  errorCode: number
  /** Indexed by partition number. */
  partitions: PartitionMetadata[]
}

export interface ClusterOptions {
  bootstrapServers: string[]
  connection: Omit<ConnectionOptions, 'host' | 'port' | 'nodeId'>
  /** Refresh metadata older than this, in ms. Default 300000 (Java's metadata.max.age.ms). */
  metadataMaxAgeMs?: number
  /** Backoff between retries. Default 100 ms doubling to 1000 ms, ±20% jitter. */
  retry?: RetryPolicy
  /** How long a call retries by default, in ms (Java's default.api.timeout.ms). Default 60000. */
  defaultApiTimeoutMs?: number
  /** Connections per broker of each shared lane (default, produce). Default 1. */
  connectionsPerBroker?: number
  log?: Log
}

export type CoordinatorType = 'group' | 'transaction'

const COORDINATOR_KEY_TYPE: Record<CoordinatorType, number> = { group: 0, transaction: 1 }

/** Parses `host:port` (IPv6 as `[::1]:9092`). Throws ConfigError. */
export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^\s*(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})\s*$/.exec(s)
  if (!m) throw new ConfigError(`invalid broker address ${JSON.stringify(s)}: expected host:port`)
  const port = Number(m[3])
  if (port < 1 || port > 65535) throw new ConfigError(`invalid port in broker address ${JSON.stringify(s)}`)
  return { host: m[1] ?? m[2], port }
}

export class Cluster {
  readonly log: Log
  private readonly options: ClusterOptions
  private readonly retry: RetryPolicy
  /** Default bound of a retried call, in ms (Java's default.api.timeout.ms). */
  readonly defaultApiTimeoutMs: number
  private readonly bootstrap: Broker[]
  private readonly brokers = new Map<number, Broker>()
  private readonly topics = new Map<string, TopicMetadata>()
  private readonly topicNamesById = new Map<string, string>()
  private readonly topicFetchedAt = new Map<string, number>()
  private readonly coordinators = new Map<string, number>()
  private refreshing: Promise<void> | null = null
  private refreshWanted: Set<string> | null = null
  private refreshAll = false
  private closed = false
  clusterId: string | null = null
  controllerId = -1
  private allFetchedAt = 0

  constructor(options: ClusterOptions) {
    if (options.bootstrapServers.length === 0) throw new ConfigError('bootstrapServers is empty')
    this.options = options
    this.log = options.log ?? new Log()
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY
    this.defaultApiTimeoutMs = options.defaultApiTimeoutMs ?? 60_000
    this.bootstrap = options.bootstrapServers.map((s, i) => {
      const { host, port } = parseHostPort(s)
      return this.newBroker({ nodeId: -1 - i, host, port })
    })
  }

  private newBroker(address: BrokerAddress): Broker {
    return new Broker(address, this.options.connection, this.options.connectionsPerBroker ?? 1, this.retry)
  }

  /** The backoff settings every retry of this cluster's clients uses. */
  get retryPolicy(): RetryPolicy {
    return this.retry
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.closed
  }

  /** Known brokers from the last metadata response. */
  brokerList(): BrokerAddress[] {
    return [...this.brokers.values()].map((b) => b.address)
  }

  /** The broker with this node id. Throws a retriable KafkaError when it is unknown. */
  broker(nodeId: number): Broker {
    const b = this.brokers.get(nodeId)
    if (!b) throw new KafkaError(`broker ${nodeId} is not in the cluster metadata`, { code: 'BROKER_NOT_AVAILABLE', retriable: true, refreshMetadata: true })
    return b
  }

  /** The known broker (or a bootstrap address, before the first metadata) with the fewest requests in flight. */
  anyBroker(): Broker {
    this.assertOpen()
    const all = this.brokers.size > 0 ? [...this.brokers.values()] : this.bootstrap
    // A broker whose last connect failed has nothing in flight, so "least loaded" alone would
    // pick exactly the broker that is down, again and again (a killed leader drew every
    // InitProducerId and Metadata retry this way). Brokers that look down are left out while
    // any other is known.
    const up = all.filter((b) => !b.unreachable)
    const pool = up.length > 0 ? up : all
    let best = pool[Math.floor(Math.random() * pool.length)]
    for (const b of pool) if (b.inFlight < best.inFlight) best = b
    return best
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('the client is closed')
  }

  /** The bootstrap addresses (`host:port`), those added by {@link addBootstrapServers} included. */
  bootstrapServers(): string[] {
    return this.bootstrap.map((b) => (b.address.host.includes(':') ? `[${b.address.host}]:${b.address.port}` : `${b.address.host}:${b.address.port}`))
  }

  /**
   * Adds bootstrap addresses at run time (KafkaTcl's `add_brokers`): metadata look-ups and
   * re-bootstrap (KIP-1102) use them from now on; addresses already known are skipped.
   * @returns the addresses that were new
   * @throws ConfigError for a malformed address (nothing is added); ClosedError after close()
   */
  addBootstrapServers(addresses: readonly string[]): string[] {
    this.assertOpen()
    const parsed = addresses.map((s) => parseHostPort(s))
    const added: string[] = []
    for (const { host, port } of parsed) {
      if (this.bootstrap.some((b) => b.address.host === host && b.address.port === port)) continue
      this.bootstrap.push(this.newBroker({ nodeId: -1 - this.bootstrap.length, host, port }))
      added.push(`${host}:${port}`)
    }
    return added
  }

  /** Cached metadata of a topic, if any. */
  topic(name: string): TopicMetadata | undefined {
    return this.topics.get(name)
  }

  /** The name of a topic id from cached metadata (the one topic-id cache, KIP-516). */
  topicName(topicId: string): string | undefined {
    return this.topicNamesById.get(topicId)
  }

  /** The id of a topic from cached metadata, undefined when not known (no metadata yet, or a broker without ids). */
  topicId(name: string): string | undefined {
    const id = this.topics.get(name)?.topicId
    return id === undefined || id === ZERO_UUID ? undefined : id
  }

  /**
   * The ids of these topics (KIP-516), refreshing metadata first for those not in the cache.
   * Topics that still have no id (missing, or a broker that gives none) are absent.
   */
  async topicIds(names: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>()
    const missing: string[] = []
    for (const n of names) {
      const id = this.topicId(n)
      if (id === undefined) missing.push(n)
      else out.set(n, id)
    }
    if (missing.length > 0) {
      await this.metadata(missing, { force: true })
      for (const n of missing) {
        const id = this.topicId(n)
        if (id !== undefined) out.set(n, id)
      }
    }
    return out
  }

  /** Forgets a topic's metadata (or all) so the next use refreshes it. */
  invalidate(topic?: string): void {
    if (topic === undefined) {
      this.topicFetchedAt.clear()
      this.allFetchedAt = 0
    } else {
      this.topicFetchedAt.delete(topic)
    }
  }

  /**
   * Metadata of these topics, from the cache when fresh, else refreshed. Topics the broker
   * reports with an error keep their error code in the result (the caller decides).
   */
  async metadata(topics: readonly string[], options: { force?: boolean; allowAutoTopicCreation?: boolean } = {}): Promise<Map<string, TopicMetadata>> {
    const maxAge = this.options.metadataMaxAgeMs ?? 300_000
    const now = Date.now()
    const stale = options.force ? [...topics] : topics.filter((t) => !this.topics.has(t) || now - (this.topicFetchedAt.get(t) ?? 0) > maxAge)
    if (stale.length > 0) await this.refresh(stale, options.allowAutoTopicCreation ?? false)
    const out = new Map<string, TopicMetadata>()
    for (const t of topics) {
      const m = this.topics.get(t)
      if (m) out.set(t, m)
    }
    return out
  }

  /** Refreshes metadata of every topic in the cluster. */
  async refreshAllTopics(): Promise<void> {
    await this.refresh(null, false)
  }

  /** Whether all-topic metadata is older than `metadataMaxAgeMs`. */
  get allTopicsStale(): boolean {
    return Date.now() - this.allFetchedAt > (this.options.metadataMaxAgeMs ?? 300_000)
  }

  /** All topics known from the last full refresh. */
  topicList(): TopicMetadata[] {
    return [...this.topics.values()]
  }

  /**
   * Single-flight: concurrent callers share one Metadata request; topics asked for while one
   * is in flight are fetched by the next.
   */
  private async refresh(topics: string[] | null, allowAutoTopicCreation: boolean): Promise<void> {
    if (this.refreshing) {
      if (topics === null) this.refreshAll = true
      else {
        this.refreshWanted ??= new Set()
        for (const t of topics) this.refreshWanted.add(t)
      }
      const current = this.refreshing
      await current.catch(() => {})
      if (this.refreshing && this.refreshing !== current) return this.refreshing
      if (topics === null ? this.allFetchedAt === 0 || this.refreshAll : topics.some((t) => !this.topicFetchedAt.has(t) || this.refreshWanted?.has(t))) {
        const all = this.refreshAll
        const wanted = this.refreshWanted
        this.refreshAll = false
        this.refreshWanted = null
        return this.refresh(all ? null : [...(wanted ?? topics ?? [])], allowAutoTopicCreation)
      }
      return
    }
    this.refreshing = this.fetchMetadata(topics, allowAutoTopicCreation).finally(() => {
      this.refreshing = null
    })
    return this.refreshing
  }

  private async fetchMetadata(topics: string[] | null, allowAutoTopicCreation: boolean): Promise<void> {
    // KIP-1102 re-bootstrap. Even attempts ask a known broker, odd ones a bootstrap address: when
    // every known broker is gone (or moved) the client finds the cluster again from the bootstrap
    // list. A Metadata v13+ answer REBOOTSTRAP_REQUIRED sends the next attempt to the bootstrap
    // list at once.
    let rebootstrap = false
    await this.withRetry(async (attempt) => {
      this.assertOpen()
      const fromBootstrap = rebootstrap || this.brokers.size === 0 || attempt % 2 === 1
      rebootstrap = false
      const broker = fromBootstrap ? this.bootstrap[(attempt + Math.floor(Math.random() * this.bootstrap.length)) % this.bootstrap.length] : this.anyBroker()
      try {
        const res = await broker.send(Metadata, (v) => ({
          topics: topics === null ? (v >= 1 ? null : []) : topics.map((name) => ({ name, topicId: ZERO_UUID })),
          allowAutoTopicCreation,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        }))
        if (res.errorCode === ErrorCode.REBOOTSTRAP_REQUIRED) {
          rebootstrap = true
          throw new KafkaError(`${broker.toString()} answered Metadata with REBOOTSTRAP_REQUIRED: asking the bootstrap servers (KIP-1102)`, { code: 'REBOOTSTRAP_REQUIRED', retriable: true })
        }
        this.apply(res, topics === null)
        if (this.log.on('metadata')) this.log.debug('metadata', { broker: broker.toString(), topics: topics ?? 'all', brokers: res.brokers.length }, 'metadata refreshed')
      } catch (err) {
        this.log.debug('metadata', { broker: broker.toString(), error: (err as Error).message, attempt }, 'metadata request failed')
        throw err
      }
    }, { refreshMetadata: false })
  }

  private apply(res: MetadataResponse, all: boolean): void {
    // Metadata v13+: a top-level error (REBOOTSTRAP_REQUIRED, KIP-1102) means the response holds
    // no usable view of the cluster; surface it as a typed error, apply nothing.
    if (res.errorCode !== undefined && res.errorCode !== 0) throw responseError(res.errorCode, null, 'Metadata')
    const now = Date.now()
    this.clusterId = res.clusterId ?? null
    this.controllerId = res.controllerId ?? -1
    const seen = new Set<number>()
    for (const b of res.brokers) {
      seen.add(b.nodeId)
      const old = this.brokers.get(b.nodeId)
      if (old && old.address.host === b.host && old.address.port === b.port) continue
      old?.destroy()
      this.brokers.set(b.nodeId, this.newBroker({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null }))
    }
    for (const [id, b] of this.brokers) {
      if (!seen.has(id)) {
        void b.close()
        this.brokers.delete(id)
      }
    }
    if (all) {
      this.allFetchedAt = now
      const names = new Set(res.topics.map((t) => t.name))
      for (const name of this.topics.keys()) {
        if (!names.has(name)) {
          const id = this.topics.get(name)?.topicId
          if (id !== undefined && this.topicNamesById.get(id) === name) this.topicNamesById.delete(id)
          this.topics.delete(name)
          this.topicFetchedAt.delete(name)
        }
      }
    }
    for (const t of res.topics) {
      if (t.name === null || t.name === undefined) continue
      if (t.errorCode !== 0 && t.partitions.length === 0) {
        // Keep the error visible to callers without caching a partition-less topic as fresh.
        this.setTopicId(t.name, t.topicId ?? ZERO_UUID)
        this.topics.set(t.name, { name: t.name, topicId: t.topicId ?? ZERO_UUID, isInternal: t.isInternal ?? false, errorCode: t.errorCode, partitions: [] })
        this.topicFetchedAt.delete(t.name)
        continue
      }
      const partitions: PartitionMetadata[] = []
      for (const p of t.partitions) {
        partitions[p.partitionIndex] = {
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch ?? -1,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas ?? [],
          errorCode: p.errorCode,
        }
      }
      const topicId = t.topicId ?? ZERO_UUID
      this.setTopicId(t.name, topicId)
      this.topics.set(t.name, { name: t.name, topicId, isInternal: t.isInternal ?? false, errorCode: t.errorCode, partitions })
      this.topicFetchedAt.set(t.name, now)
    }
  }

  /**
   * Records `name`'s id from a Metadata answer. A different non-zero id than the cached one means
   * the topic was deleted and created again under the same name: the old id is forgotten (requests
   * still naming it get UNKNOWN_TOPIC_ID, and answers naming it no longer map to the name).
   */
  private setTopicId(name: string, topicId: string): void {
    const old = this.topics.get(name)?.topicId
    if (old !== undefined && old !== ZERO_UUID && old !== topicId) {
      if (topicId !== ZERO_UUID) this.log.debug('metadata', { topic: name, oldTopicId: old, topicId }, 'topic re-created: new topic id')
      if (this.topicNamesById.get(old) === name) this.topicNamesById.delete(old)
    }
    if (topicId !== ZERO_UUID) this.topicNamesById.set(topicId, name)
  }

  /**
   * The leader of a partition, refreshing metadata when unknown. Rejects with a retriable
   * ResponseError (LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION) when there is none.
   */
  async leaderFor(topic: string, partition: number): Promise<Broker> {
    let meta = (await this.metadata([topic])).get(topic)
    let p = meta?.partitions[partition]
    if (!p || p.leader < 0 || !this.brokers.has(p.leader)) {
      meta = (await this.metadata([topic], { force: true })).get(topic)
      p = meta?.partitions[partition]
    }
    if (!meta || meta.errorCode !== 0) throw responseError(meta?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, `topic ${topic}`)
    if (!p) throw responseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, `${topic}-${partition}`)
    if (p.leader < 0) throw responseError(ErrorCode.LEADER_NOT_AVAILABLE, null, `${topic}-${partition}`)
    return this.broker(p.leader)
  }

  /** The controller as the last metadata named it (KRaft: a broker that forwards), or any broker. */
  async controller(): Promise<Broker> {
    if (this.controllerId < 0 || !this.brokers.has(this.controllerId)) await this.refresh([], false)
    return this.brokers.get(this.controllerId) ?? this.anyBroker()
  }

  /** The group or transaction coordinator of `key` (FindCoordinator), cached until invalidated. */
  async coordinator(type: CoordinatorType, key: string, options: { force?: boolean; deadline?: number } = {}): Promise<Broker> {
    const cacheKey = `${type}:${key}`
    if (!options.force) {
      const id = this.coordinators.get(cacheKey)
      if (id !== undefined && this.brokers.has(id)) return this.broker(id)
    }
    return this.withRetry(async () => {
      const broker = this.anyBroker()
      const res = await broker.send(FindCoordinator, (v) =>
        v >= 4 ? { keyType: COORDINATOR_KEY_TYPE[type], coordinatorKeys: [key] } : { key, keyType: COORDINATOR_KEY_TYPE[type] },
      )
      const c = res.coordinators && res.coordinators.length > 0
        ? res.coordinators[0]
        : { errorCode: res.errorCode ?? 0, errorMessage: res.errorMessage ?? null, nodeId: res.nodeId ?? -1, host: res.host ?? '', port: res.port ?? -1 }
      if (c.errorCode !== 0) throw responseError(c.errorCode, c.errorMessage, `FindCoordinator ${type} ${key}`)
      if (!this.brokers.has(c.nodeId)) this.brokers.set(c.nodeId, this.newBroker({ nodeId: c.nodeId, host: c.host, port: c.port }))
      this.coordinators.set(cacheKey, c.nodeId)
      return this.broker(c.nodeId)
    }, { deadline: options.deadline })
  }

  /** Forgets a cached coordinator (after NOT_COORDINATOR or a disconnect). */
  invalidateCoordinator(type: CoordinatorType, key: string): void {
    this.coordinators.delete(`${type}:${key}`)
  }

  /**
   * Sends a request to a broker chosen by `target`: a node id, 'any' (least loaded) or
   * 'controller'. Broker error codes stay in the response. No retry here.
   */
  async send<Req, Res>(target: number | 'any' | 'controller' | Broker, api: ApiDefinition<Req, Res>, build: (version: number) => Req, options: BrokerRequestOptions = {}): Promise<Res> {
    this.assertOpen()
    const broker = target instanceof Broker ? target : target === 'any' ? this.anyBroker() : target === 'controller' ? await this.controller() : this.broker(target)
    return broker.send(api, build, options)
  }

  /**
   * Runs `fn` under the one retry policy (src/pool/retry.ts): retriable KafkaErrors are retried
   * with backoff until `deadline` (default: now + `defaultApiTimeoutMs`), refreshing metadata
   * first when the error says so (unless `refreshMetadata: false`); anything else, and the last
   * error at the deadline, is thrown as it is. A retriable error that ends the call because the
   * client was closed meanwhile becomes a {@link ClosedError} (with that error as its cause).
   */
  async withRetry<T>(fn: (attempt: number) => Promise<T>, options: { deadline?: number; signal?: AbortSignal; refreshMetadata?: boolean; beforeRetry?: (err: KafkaError, attempt: number) => void } = {}): Promise<T> {
    const refresh = options.refreshMetadata ?? true
    return retry(fn, {
      deadline: options.deadline ?? Date.now() + this.defaultApiTimeoutMs,
      signal: options.signal,
      policy: this.retry,
      stopped: () => this.closed,
      beforeRetry: (err, attempt) => {
        if (refresh && err.refreshMetadata) this.invalidate()
        options.beforeRetry?.(err, attempt)
      },
    }).catch((err: unknown) => {
      if (this.closed && err instanceof KafkaError && err.retriable) throw new ClosedError(`the client is closed: ${err.message}`, err)
      throw err
    })
  }

  /** Closes the connections `owner` owns on every broker (its fetch and group connections). */
  async release(owner: ConnectionOwner): Promise<void> {
    await Promise.all([...this.bootstrap, ...this.brokers.values()].map((b) => b.release(owner)))
  }

  /** Closes every connection after in-flight requests settle. */
  async close(): Promise<void> {
    this.closed = true
    const all = [...this.bootstrap, ...this.brokers.values()]
    this.brokers.clear()
    await Promise.all(all.map((b) => b.close()))
  }
}

/** Throws the ResponseError for a non-zero error code. */
export function throwIfError(errorCode: number, errorMessage?: string | null, context?: string): void {
  if (errorCode !== 0) throw responseError(errorCode, errorMessage ?? null, context)
}
