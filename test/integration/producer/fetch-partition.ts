/**
 * Reads a partition back without the consumer: raw Fetch requests from offset 0 to the high
 * watermark through the protocol layer, decoded with the record batch decoder.
 */
import type { Cluster } from '../../../src/pool/cluster.js'
import { responseError } from '../../../src/protocol/error-codes.js'
import { Fetch } from '../../../src/protocol/messages/fetch.js'
import { decodeRecordBatches, type DecodedBatch, type DecodedRecord } from '../../../src/protocol/records/index.js'

export interface FetchedRecord extends DecodedRecord {
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  /** The batch belongs to a transaction. */
  isTransactional: boolean
}

/** Every record of `topic`-`partition` below the high watermark, in offset order. */
export async function fetchPartition(cluster: Cluster, topic: string, partition: number, options: { maxBytes?: number } = {}): Promise<FetchedRecord[]> {
  const out: FetchedRecord[] = []
  let offset = 0n
  for (let round = 0; round < 100000; round++) {
    const meta = (await cluster.metadata([topic])).get(topic)
    const topicId = meta?.topicId
    const leader = await cluster.leaderFor(topic, partition)
    const res = await cluster.send(
      leader,
      Fetch,
      (v) => ({
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: options.maxBytes ?? 16 * 1024 * 1024,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            ...(v <= 12 ? { topic } : { topicId }),
            partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: options.maxBytes ?? 16 * 1024 * 1024 }],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      }),
    )
    if (res.errorCode !== undefined && res.errorCode !== 0) throw responseError(res.errorCode, null, 'Fetch')
    const p = res.responses[0]?.partitions[0]
    if (p === undefined) throw new Error(`no Fetch answer for ${topic}-${partition}`)
    if (p.errorCode !== 0) throw responseError(p.errorCode, null, `${topic}-${partition}`)
    if (offset >= p.highWatermark) return out
    const batches: DecodedBatch[] = await decodeRecordBatches(p.records ?? null, { topic, partition })
    if (batches.length === 0) throw new Error(`empty Fetch at ${offset} below high watermark ${p.highWatermark}`)
    for (const b of batches) {
      if (b.isControl) {
        offset = b.lastOffset + 1n
        continue
      }
      for (const r of b.records) {
        if (r.offset < offset) continue
        if (r.offset >= p.highWatermark) return out
        out.push({ ...r, producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence, isTransactional: b.isTransactional })
      }
      offset = b.lastOffset + 1n
    }
  }
  throw new Error('too many Fetch rounds')
}
