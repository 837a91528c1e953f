/**
 * The consumer's embedded protocol in JoinGroup metadata and SyncGroup assignments (protocol
 * guide, "The Consumer Protocol"): ConsumerProtocolSubscription and ConsumerProtocolAssignment,
 * each prefixed by its int16 version. Newer versions than known are read as the newest known
 * one (their fields are appended), as the Java client does.
 */
import { KafkaError } from '../../errors.js'
import {
  ConsumerProtocolAssignment,
  decodeConsumerProtocolAssignment,
  encodeConsumerProtocolAssignment,
} from '../../protocol/messages/consumer-protocol-assignment.js'
import {
  ConsumerProtocolSubscription,
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolSubscription,
} from '../../protocol/messages/consumer-protocol-subscription.js'
import { Reader } from '../../protocol/reader.js'
import { Writer } from '../../protocol/writer.js'
import type { MemberSubscription } from './assignors/index.js'

/** Partitions per topic, partitions ascending. */
export type TopicPartitionMap = Map<string, number[]>

/** Subscription version sent: 3 (owned partitions, generation, rack). */
export const SUBSCRIPTION_VERSION = 3
/** Assignment version sent. */
export const ASSIGNMENT_VERSION = 3

export interface OwnSubscription {
  topics: readonly string[]
  userData: Buffer | null
  owned: TopicPartitionMap
  generationId: number
}

function toList(m: TopicPartitionMap): { topic: string; partitions: number[] }[] {
  return [...m].filter(([, ps]) => ps.length > 0).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
}

/** JoinGroup protocol metadata of this member. */
export function encodeSubscription(s: OwnSubscription): Buffer {
  const w = new Writer(64)
  w.int16(SUBSCRIPTION_VERSION)
  encodeConsumerProtocolSubscription(w, SUBSCRIPTION_VERSION, {
    topics: [...s.topics],
    userData: s.userData,
    ownedPartitions: toList(s.owned),
    generationId: s.generationId,
    rackId: null,
  })
  return w.toBuffer()
}

function version(r: Reader, max: number, what: string): number {
  const v = r.int16()
  if (v < 0) throw new KafkaError(`negative ${what} version ${v}`, { code: 'PROTOCOL_DECODE' })
  return Math.min(v, max)
}

/**
 * A member's subscription from its JoinGroup metadata.
 * @throws KafkaProtocolError on malformed bytes
 */
export function decodeSubscription(memberId: string, groupInstanceId: string | null, bytes: Buffer): MemberSubscription {
  const r = new Reader(bytes)
  const v = version(r, ConsumerProtocolSubscription.maxVersion, 'ConsumerProtocolSubscription')
  const m = decodeConsumerProtocolSubscription(r, v)
  return {
    memberId,
    groupInstanceId,
    topics: m.topics,
    userData: m.userData ?? null,
    ownedPartitions: (m.ownedPartitions ?? []).map((p) => ({ topic: p.topic, partitions: p.partitions })),
    ...(v >= 2 ? { generationId: m.generationId ?? -1 } : {}),
    rackId: m.rackId ?? null,
  }
}

/** SyncGroup assignment bytes of one member. */
export function encodeAssignment(partitions: TopicPartitionMap, userData: Buffer | null = null): Buffer {
  const w = new Writer(64)
  w.int16(ASSIGNMENT_VERSION)
  encodeConsumerProtocolAssignment(w, ASSIGNMENT_VERSION, { assignedPartitions: toList(partitions), userData })
  return w.toBuffer()
}

/**
 * This member's partitions from its SyncGroup assignment; empty bytes mean no partitions.
 * @throws KafkaProtocolError on malformed bytes
 */
export function decodeAssignment(bytes: Buffer): TopicPartitionMap {
  const out: TopicPartitionMap = new Map()
  if (bytes.length === 0) return out
  const r = new Reader(bytes)
  const v = version(r, ConsumerProtocolAssignment.maxVersion, 'ConsumerProtocolAssignment')
  const m = decodeConsumerProtocolAssignment(r, v)
  for (const p of m.assignedPartitions) {
    const list = out.get(p.topic) ?? []
    for (const n of p.partitions) if (!list.includes(n)) list.push(n)
    list.sort((a, b) => a - b)
    out.set(p.topic, list)
  }
  return out
}
