/**
 * Consumer test fixtures that talk to the broker through the protocol layer directly (so the
 * consumer's tests do not depend on the producer or admin client): create a topic, produce
 * record batches with any codec, and write an aborted (or committed) transaction.
 */
import { errorInfo } from '../../src/protocol/error-codes.js'
import { CreateTopics } from '../../src/protocol/messages/create-topics.js'
import { Produce } from '../../src/protocol/messages/produce.js'
import { InitProducerId } from '../../src/protocol/messages/init-producer-id.js'
import { AddPartitionsToTxn } from '../../src/protocol/messages/add-partitions-to-txn.js'
import { EndTxn } from '../../src/protocol/messages/end-txn.js'
import { encodeRecordBatch, type ProduceRecord, type RecordBatchOptions } from '../../src/protocol/records/index.js'
import type { Kafka } from '../../src/client.js'

/** Creates a topic (replication factor 1) and waits until every partition has a leader. */
export async function createTopic(kafka: Kafka, name: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
  const res = await kafka.cluster.send('controller', CreateTopics, () => ({
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    validateOnly: false,
    timeoutMs: 30_000,
  }))
  const t = res.topics[0]
  if (t.errorCode !== 0 && t.errorCode !== 36) throw new Error(`CreateTopics ${name}: error ${t.errorCode} ${t.errorMessage ?? ''}`)
  for (let i = 0; i < 100; i++) {
    const m = (await kafka.cluster.metadata([name], { force: true })).get(name)
    if (m && m.errorCode === 0 && m.partitions.length === partitions && m.partitions.every((p) => p && p.leader >= 0)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`topic ${name} has no leaders`)
}

/** Produces records to one partition as one batch (acks all); returns the base offset. */
export async function produce(
  kafka: Kafka,
  topic: string,
  partition: number,
  records: ProduceRecord[],
  options: RecordBatchOptions & { transactionalId?: string } = {},
): Promise<bigint> {
  const batch = await encodeRecordBatch(records, options)
  for (let attempt = 0; ; attempt++) {
    const leader = await kafka.cluster.leaderFor(topic, partition)
    const res = await leader.send(
      Produce,
      // Produce v13 names the topic by id (KIP-516), from the metadata leaderFor just read.
      (v) => ({ transactionalId: options.transactionalId ?? null, acks: -1, timeoutMs: 30_000, topicData: [{ ...(v >= 13 ? { topicId: kafka.cluster.topicId(topic) } : { name: topic }), partitionData: [{ index: partition, records: batch }] }] }),
    )
    const p = res.responses[0].partitionResponses[0]
    if (p.errorCode === 0) return p.baseOffset
    // Retriable answers right after CreateTopics or a leader change (KRaft propagates both
    // asynchronously): NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_ID (Produce v13
    // names the topic by id), … : look the leader up again and retry.
    if (attempt < 20 && errorInfo(p.errorCode).retriable) {
      kafka.cluster.invalidate(topic)
      await new Promise((r) => setTimeout(r, 200))
      continue
    }
    throw new Error(`Produce ${topic}-${partition}: error ${p.errorCode}`)
  }
}

/** Values `prefix-i` for i in [from, to). */
export function numbered(prefix: string, from: number, to: number): ProduceRecord[] {
  const out: ProduceRecord[] = []
  for (let i = from; i < to; i++) out.push({ key: Buffer.from(String(i)), value: Buffer.from(`${prefix}-${i}`) })
  return out
}

/** A transaction left open by {@link openTransaction}. */
export interface OpenTransaction {
  transactionalId: string
  producerId: bigint
  producerEpoch: number
  /** Offset of the transaction's first record. */
  baseOffset: bigint
  /** Ends it through the coordinator (EndTxn): commit or abort. */
  end(commit: boolean): Promise<void>
}

/**
 * Writes `records` to a partition inside a transaction and leaves it open: InitProducerId,
 * AddPartitionsToTxn (v3 or lower: the client form), Produce with a transactional batch — via
 * the transaction coordinator. Until it ends (or times out after `transactionTimeoutMs`), it
 * holds the partition's last stable offset at its first record.
 */
export async function openTransaction(
  kafka: Kafka,
  topic: string,
  partition: number,
  records: ProduceRecord[],
  options: { transactionalId?: string; transactionTimeoutMs?: number } = {},
): Promise<OpenTransaction> {
  const transactionalId = options.transactionalId ?? `txn-${topic}-${Math.random().toString(36).slice(2)}`
  const retry = async <T>(fn: () => Promise<T>, ok: (r: T) => number): Promise<T> => {
    for (let i = 0; ; i++) {
      const r = await fn()
      const code = ok(r)
      if (code === 0) return r
      // COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS
      if (i < 40 && [14, 15, 16, 51].includes(code)) {
        if (code !== 14 && code !== 51) kafka.cluster.invalidateCoordinator('transaction', transactionalId)
        await new Promise((res) => setTimeout(res, 250))
        continue
      }
      throw new Error(`transaction step failed with error ${code}`)
    }
  }
  const init = await retry(
    async () => (await kafka.cluster.coordinator('transaction', transactionalId)).send(InitProducerId, () => ({ transactionalId, transactionTimeoutMs: options.transactionTimeoutMs ?? 60_000 })),
    (r) => r.errorCode,
  )
  const { producerId, producerEpoch } = init
  await retry(
    async () => {
      const coordinator = await kafka.cluster.coordinator('transaction', transactionalId)
      const conn = await coordinator.connection()
      const version = Math.min(3, conn.version(AddPartitionsToTxn as never))
      return conn.send(
        AddPartitionsToTxn,
        { v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{ name: topic, partitions: [partition] }] },
        { version },
      )
    },
    (r) => r.resultsByTopicV3AndBelow?.[0]?.resultsByPartition[0]?.partitionErrorCode ?? r.errorCode ?? 0,
  )
  const baseOffset = await produce(kafka, topic, partition, records, { transactional: true, producerId, producerEpoch, baseSequence: 0, transactionalId })
  return {
    transactionalId,
    producerId,
    producerEpoch,
    baseOffset,
    end: async (commit) => {
      await retry(
        async () => (await kafka.cluster.coordinator('transaction', transactionalId)).send(EndTxn, () => ({ transactionalId, producerId, producerEpoch, committed: commit })),
        (r) => r.errorCode,
      )
    },
  }
}

/** Writes `records` to a partition inside a transaction and ends it (abort unless `commit`); see {@link openTransaction}. */
export async function transaction(kafka: Kafka, topic: string, partition: number, records: ProduceRecord[], commit: boolean): Promise<void> {
  await (await openTransaction(kafka, topic, partition, records)).end(commit)
}
