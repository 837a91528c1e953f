/**
 * KafkaJS's producer over kafkats's {@link KafkatsProducer}. `send` and `sendBatch` hand every
 * message to one kafkats `sendBatch` and turn its per-record results into KafkaJS's
 * per-partition RecordMetadata. acks, compression and timeout are per call in KafkaJS and per
 * producer in kafkats: a call with other values than the defaults (acks -1, no compression) goes
 * through a second kafkats producer made for those values on first use (not for a transactional
 * producer, which has one). The KafkaJS partitioner runs inside kafkats's partitioner hook.
 */
import type { Kafka as KafkatsKafka } from '../client.js'
import type { Producer as KafkatsProducer, ProducerRecord as KafkatsProducerRecord, RecordMetadata as KafkatsRecordMetadata } from '../producer/producer.js'
import type { PartitionerContext } from '../producer/partitioners/partitioner.js'
import type { TopicMetadata } from '../pool/cluster.js'
import type { CompressionCodec } from '../protocol/compression/index.js'
import type { FacadeContext, RetryOptions } from './client.js'
import { KafkaJSError, KafkaJSNonRetriableError, rethrow } from './errors.js'
import { Instrumentation, type InstrumentationEvent, type RemoveInstrumentationEventListener } from './events.js'
import type { Logger } from './logger.js'
import { DefaultPartitioner, type ICustomPartitioner } from './partitioners.js'
import { codecOf, CompressionTypes, parseOffset, toKafkatsRecord, toRecordMetadata, type Message, type Offsets, type PartitionMetadata, type RecordMetadata } from './shapes.js'

export interface ProducerConfig {
  createPartitioner?: ICustomPartitioner
  retry?: RetryOptions
  metadataMaxAge?: number
  allowAutoTopicCreation?: boolean
  idempotent?: boolean
  transactionalId?: string
  transactionTimeout?: number
  maxInFlightRequests?: number
}

export interface ProducerRecord {
  topic: string
  messages: Message[]
  acks?: number
  timeout?: number
  compression?: CompressionTypes
}

export interface TopicMessages {
  topic: string
  messages: Message[]
}

export interface ProducerBatch {
  acks?: number
  timeout?: number
  compression?: CompressionTypes
  topicMessages?: TopicMessages[]
}

export const PRODUCER_EVENTS = Object.freeze({
  CONNECT: 'producer.connect',
  DISCONNECT: 'producer.disconnect',
  REQUEST: 'producer.network.request',
  REQUEST_TIMEOUT: 'producer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'producer.network.request_queue_size',
} as const)
export type ProducerEvents = typeof PRODUCER_EVENTS
type ProducerEventName = ProducerEvents[keyof ProducerEvents]

/** KafkaJS's transaction: sends inside it, its offsets, commit or abort. */
export interface Transaction {
  send(record: ProducerRecord): Promise<RecordMetadata[]>
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>
  sendOffsets(offsets: Offsets & { consumerGroupId: string }): Promise<void>
  commit(): Promise<void>
  abort(): Promise<void>
  isActive(): boolean
}

interface Variant {
  acks: number
  codec: CompressionCodec
  timeout: number | undefined
}

export class Producer {
  readonly events: ProducerEvents = PRODUCER_EVENTS
  private readonly ctx: FacadeContext
  private readonly config: ProducerConfig
  private readonly idempotent: boolean
  private readonly instrumentation = new Instrumentation<ProducerEventName>(PRODUCER_EVENTS)
  private readonly partition: ReturnType<ICustomPartitioner>
  private kafka: KafkatsKafka | null = null
  private connecting: Promise<void> | null = null
  /** The kafkats producers: '' is the default one (acks -1, no compression). */
  private readonly producers = new Map<string, KafkatsProducer>()
  private readonly partitionMetadata = new WeakMap<TopicMetadata, PartitionMetadata[]>()
  private readonly partitionerMessage: Message = { key: null, value: null }
  private activeTransaction: Transaction | null = null
  /** The transactional kafkats producer (transaction()'s sends), made by the first transaction(). */
  private txProducer: KafkatsProducer | null = null
  private txStarting: Promise<KafkatsProducer> | null = null

  /** @throws KafkaJSNonRetriableError for a config KafkaJS also rejects */
  constructor(ctx: FacadeContext, config: ProducerConfig) {
    this.ctx = ctx
    this.config = config
    this.idempotent = config.idempotent === true
    if (this.idempotent && config.retry?.retries !== undefined && config.retry.retries < 1) {
      throw new KafkaJSNonRetriableError('Idempotent producer must allow retries to protect against transient errors')
    }
    if ((this.idempotent || config.transactionalId !== undefined) && config.maxInFlightRequests !== undefined && config.maxInFlightRequests > 5) {
      throw new KafkaJSNonRetriableError(`maxInFlightRequests must be at most 5 for an idempotent producer (kafkats/kafkajs), got ${config.maxInFlightRequests}`)
    }
    this.partition = (config.createPartitioner ?? DefaultPartitioner)()
  }

  isIdempotent(): boolean {
    return this.idempotent
  }

  logger(): Logger {
    return this.ctx.sink.logger('Producer')
  }

  on(eventName: ProducerEventName, listener: (event: InstrumentationEvent<unknown>) => void): RemoveInstrumentationEventListener<ProducerEventName> {
    return this.instrumentation.on(eventName, listener, (name) => new KafkaJSNonRetriableError(`Event name should be one of ${Object.values(PRODUCER_EVENTS).join(', ')}, got ${name}`))
  }

  /** Connects (a transactional producer registers its transactionalId at its first transaction(), as in KafkaJS). */
  async connect(): Promise<void> {
    if (this.kafka !== null) return
    if (this.connecting === null) {
      this.connecting = (async () => {
        const kafka = await this.ctx.connect('Producer', this.config.metadataMaxAge)
        try {
          await kafka.refreshMetadata()
          this.producers.set('', this.make(kafka, { acks: -1, codec: 'none', timeout: undefined }, false))
          this.kafka = kafka
        } catch (err) {
          await kafka.disconnectAll()
          rethrow(err)
        }
        this.instrumentation.emit(PRODUCER_EVENTS.CONNECT, null)
      })().finally(() => {
        this.connecting = null
      })
    }
    await this.connecting
  }

  /** Waits for sends in flight, closes the kafkats producers and the connections. */
  async disconnect(): Promise<void> {
    if (this.connecting !== null) await this.connecting.catch(() => {})
    const kafka = this.kafka
    if (kafka === null) return
    this.kafka = null
    const all = [...this.producers.values()]
    if (this.txProducer !== null) all.push(this.txProducer)
    this.producers.clear()
    this.txProducer = null
    this.activeTransaction = null
    await Promise.allSettled(all.map((p) => p.close()))
    await kafka.disconnectAll()
    this.instrumentation.emit(PRODUCER_EVENTS.DISCONNECT, null)
  }

  /** Sends `messages` to `topic`: resolves with one RecordMetadata per partition written. */
  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.sendRecords(checkRecord(record), this.producerFor(record))
  }

  /** Sends messages of several topics in one call. */
  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.sendRecords(checkBatch(batch), this.producerFor(batch))
  }

  /**
   * Begins a transaction (only one at a time). Only what is sent through the returned object is
   * in it; the producer's own send() stays outside, as in KafkaJS. The first call makes the
   * transactional kafkats producer and registers the transactionalId (InitProducerId), fencing
   * older producers with the same id.
   * @throws KafkaJSNonRetriableError without a transactionalId, or while one is active
   */
  async transaction(): Promise<Transaction> {
    if (this.config.transactionalId === undefined) throw new KafkaJSNonRetriableError('Must provide transactional id for transactional producer')
    if (this.activeTransaction !== null) throw new KafkaJSNonRetriableError('There is already an ongoing transaction for this producer. Please end the transaction before beginning another.')
    this.main()
    const main = await this.transactional()
    if (this.activeTransaction !== null) throw new KafkaJSNonRetriableError('There is already an ongoing transaction for this producer. Please end the transaction before beginning another.')
    try {
      main.beginTransaction()
    } catch (err) {
      rethrow(err)
    }
    let active = true
    const end = (): void => {
      active = false
      if (this.activeTransaction === tx) this.activeTransaction = null
    }
    const check = (): void => {
      if (!active) throw new KafkaJSNonRetriableError('Cannot continue to use transaction once ended')
    }
    const tx: Transaction = {
      send: async (record) => {
        check()
        return this.sendRecords(checkRecord(record), this.inTransaction(main, record))
      },
      sendBatch: async (batch) => {
        check()
        return this.sendRecords(checkBatch(batch), this.inTransaction(main, batch))
      },
      sendOffsets: async ({ consumerGroupId, topics }) => {
        check()
        if (typeof consumerGroupId !== 'string' || consumerGroupId.length === 0) throw new KafkaJSNonRetriableError('sendOffsets: consumerGroupId must be a non-empty string')
        const offsets = (topics ?? []).flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: parseOffset(p.offset, 'sendOffsets') })))
        try {
          // KafkaJS sends no member identity: generation -1, as the Java client's sendOffsetsToTransaction(offsets, groupId).
          await main.sendOffsetsToTransaction(offsets, { groupId: consumerGroupId, generationId: -1, memberId: '', groupInstanceId: null })
        } catch (err) {
          rethrow(err)
        }
      },
      commit: async () => {
        check()
        try {
          await main.commitTransaction()
        } catch (err) {
          rethrow(err)
        }
        end()
      },
      abort: async () => {
        check()
        try {
          await main.abortTransaction()
        } catch (err) {
          rethrow(err)
        }
        end()
      },
      isActive: () => active,
    }
    this.activeTransaction = tx
    return tx
  }

  private main(): KafkatsProducer {
    const p = this.producers.get('')
    if (p === undefined) throw new KafkaJSError('The producer is disconnected', { retriable: false })
    return p
  }

  /** The transactional kafkats producer, made and registered (InitProducerId) on first use. */
  private async transactional(): Promise<KafkatsProducer> {
    if (this.txProducer !== null) return this.txProducer
    if (this.txStarting === null) {
      this.txStarting = (async () => {
        const p = this.make(this.kafka as KafkatsKafka, { acks: -1, codec: 'none', timeout: undefined }, true)
        try {
          await p.initTransactions()
        } catch (err) {
          await p.close().catch(() => {})
          rethrow(err)
        }
        this.txProducer = p
        return p
      })().finally(() => {
        this.txStarting = null
      })
    }
    return this.txStarting
  }

  /** A transaction's sends: acks must be -1; compression and timeout are the transactional producer's. */
  private inTransaction(tx: KafkatsProducer, options: { acks?: number; timeout?: number; compression?: CompressionTypes }): KafkatsProducer {
    if (options.acks !== undefined && options.acks !== -1) throw new KafkaJSNonRetriableError("Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees")
    if ((options.compression !== undefined && options.compression !== CompressionTypes.None) || options.timeout !== undefined) {
      this.ctx.sink.logger('Producer').warn('kafkats/kafkajs: compression and timeout are not applied per send in a transaction', { compression: options.compression, timeout: options.timeout })
    }
    return tx
  }

  private async sendRecords(flat: KafkatsProducerRecord[], producer: KafkatsProducer): Promise<RecordMetadata[]> {
    let results: KafkatsRecordMetadata[]
    try {
      results = await producer.sendBatch(flat)
    } catch (err) {
      rethrow(err)
    }
    return toRecordMetadata(results)
  }

  /** The kafkats producer for a call's acks, compression and timeout. */
  private producerFor(options: { acks?: number; timeout?: number; compression?: CompressionTypes }): KafkatsProducer {
    const main = this.main()
    const acks = options.acks ?? -1
    if (acks !== -1 && acks !== 0 && acks !== 1) throw new KafkaJSNonRetriableError(`Invalid acks ${String(options.acks)}: -1, 0 or 1`)
    if (this.idempotent && acks !== -1) throw new KafkaJSNonRetriableError("Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees")
    let codec: CompressionCodec
    try {
      codec = codecOf(options.compression)
    } catch (err) {
      rethrow(err)
    }
    const timeout = options.timeout
    if (acks === -1 && codec === 'none' && timeout === undefined) return main
    const key = `${acks}/${codec}/${timeout ?? ''}`
    let p = this.producers.get(key)
    if (p === undefined) {
      p = this.make(this.kafka as KafkatsKafka, { acks, codec, timeout }, false)
      this.producers.set(key, p)
    }
    return p
  }

  private make(kafka: KafkatsKafka, v: Variant, transactional: boolean): KafkatsProducer {
    const c = this.config
    try {
      return kafka.producer({
        acks: v.acks === -1 ? 'all' : (v.acks as 0 | 1),
        idempotent: transactional || this.idempotent,
        compression: v.codec,
        // KafkaJS sends each call at once.
        lingerMs: 0,
        requestTimeoutMs: v.timeout,
        maxInFlightRequestsPerConnection: c.maxInFlightRequests,
        allowAutoTopicCreation: c.allowAutoTopicCreation ?? true,
        transactionalId: transactional ? c.transactionalId : undefined,
        transactionTimeoutMs: transactional ? c.transactionTimeout : undefined,
        retryBackoffMs: c.retry?.initialRetryTime,
        retryBackoffMaxMs: c.retry?.maxRetryTime,
        partitioner: (pc) => this.partitionFor(kafka, pc),
      })
    } catch (err) {
      rethrow(err)
    }
  }

  /** Runs the KafkaJS partitioner for one record (kafkats's partitioner hook). */
  private partitionFor(kafka: KafkatsKafka, pc: PartitionerContext): number {
    const meta = kafka.cluster.topic(pc.topic)
    let partitionMetadata = meta === undefined ? undefined : this.partitionMetadata.get(meta)
    if (partitionMetadata === undefined) {
      partitionMetadata =
        meta !== undefined && meta.partitions.length === pc.partitionCount
          ? meta.partitions.map((p) => ({ partitionErrorCode: p.errorCode, partitionId: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas }))
          : Array.from({ length: pc.partitionCount }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: pc.availablePartitions === undefined || pc.availablePartitions.includes(i) ? 0 : -1, replicas: [], isr: [] }))
      if (meta !== undefined) this.partitionMetadata.set(meta, partitionMetadata)
    }
    const message = this.partitionerMessage
    message.key = pc.key
    message.value = pc.value
    return this.partition({ topic: pc.topic, partitionMetadata, message })
  }
}

/** KafkaJS's checks of a send's record. */
function checkRecord(record: ProducerRecord): KafkatsProducerRecord[] {
  if (record === null || typeof record !== 'object') throw new KafkaJSNonRetriableError('Invalid ProducerRecord: expected an object')
  const { topic, messages } = record
  if (typeof topic !== 'string' || topic.length === 0) throw new KafkaJSNonRetriableError(`Invalid topic`)
  if (!Array.isArray(messages)) throw new KafkaJSNonRetriableError(`Invalid messages array [${String(messages)}] for topic "${topic}"`)
  return messages.map((m) => {
    if (m === null || typeof m !== 'object' || m.value === undefined) throw new KafkaJSNonRetriableError(`Invalid message without value for topic "${topic}": ${JSON.stringify(m)}`)
    try {
      return toKafkatsRecord(topic, m, m.partition ?? undefined)
    } catch (err) {
      rethrow(err)
    }
  })
}

function checkBatch(batch: ProducerBatch): KafkatsProducerRecord[] {
  if (batch === null || typeof batch !== 'object') throw new KafkaJSNonRetriableError('Invalid ProducerBatch: expected an object')
  const { topicMessages } = batch
  if (topicMessages !== undefined && !Array.isArray(topicMessages)) throw new KafkaJSNonRetriableError('Invalid topicMessages: expected an array')
  return (topicMessages ?? []).flatMap((t) => checkRecord({ topic: t.topic, messages: t.messages }))
}
