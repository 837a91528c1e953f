/**
 * Decoding of a classic group member's metadata and assignment when the group's protocol type
 * is `consumer` (protocol guide, "The Consumer Protocol"; ConsumerProtocolSubscription and
 * ConsumerProtocolAssignment data messages). The bytes start with their own int16 version; a
 * newer version than known is read with the newest known one, as the Java client does.
 */
import { KafkaError } from '../errors.js'
import {
  ConsumerProtocolAssignment,
  decodeConsumerProtocolAssignment,
} from '../protocol/messages/consumer-protocol-assignment.js'
import {
  ConsumerProtocolSubscription,
  decodeConsumerProtocolSubscription,
} from '../protocol/messages/consumer-protocol-subscription.js'
import { Reader } from '../protocol/reader.js'

export interface TopicPartitions {
  topic: string
  partitions: number[]
}

/** A consumer's subscription as it joined the group. */
export interface MemberSubscription {
  version: number
  topics: string[]
  userData: Buffer | null
  /** Partitions owned before this rebalance (v1+, cooperative rebalancing, KIP-429). */
  ownedPartitions: TopicPartitions[]
  /** Generation of the owned partitions (v2+), -1 when unknown. */
  generationId: number
  /** Rack (v3+, KIP-881), null when unknown. */
  rackId: string | null
}

/** The partitions the leader assigned to a consumer. */
export interface MemberAssignment {
  version: number
  partitions: TopicPartitions[]
  userData: Buffer | null
}

function readVersion(r: Reader, max: number): number {
  const v = r.int16()
  if (v < 0) throw new KafkaError(`negative consumer protocol version ${v}`, { code: 'PROTOCOL_DECODE' })
  return Math.min(v, max)
}

/** Decodes consumer member metadata; null for empty bytes or bytes that do not decode. */
export function decodeMemberSubscription(bytes: Buffer): MemberSubscription | null {
  if (bytes.length < 2) return null
  try {
    const r = new Reader(bytes)
    const version = readVersion(r, ConsumerProtocolSubscription.maxVersion)
    const m = decodeConsumerProtocolSubscription(r, version)
    return {
      version,
      topics: m.topics,
      userData: m.userData ?? null,
      ownedPartitions: (m.ownedPartitions ?? []).map((p) => ({ topic: p.topic, partitions: p.partitions })),
      generationId: m.generationId ?? -1,
      rackId: m.rackId ?? null,
    }
  } catch (err) {
    if (err instanceof KafkaError) return null
    throw err
  }
}

/** Decodes a consumer member assignment; null for empty bytes or bytes that do not decode. */
export function decodeMemberAssignment(bytes: Buffer): MemberAssignment | null {
  if (bytes.length < 2) return null
  try {
    const r = new Reader(bytes)
    const version = readVersion(r, ConsumerProtocolAssignment.maxVersion)
    const m = decodeConsumerProtocolAssignment(r, version)
    return {
      version,
      partitions: m.assignedPartitions.map((p) => ({ topic: p.topic, partitions: p.partitions })),
      userData: m.userData ?? null,
    }
  } catch (err) {
    if (err instanceof KafkaError) return null
    throw err
  }
}
