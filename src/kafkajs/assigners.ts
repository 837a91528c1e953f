/**
 * KafkaJS's `PartitionAssigners` and `AssignerProtocol`. The assigners are tokens naming a
 * kafkats built-in assignor (kafkats runs the assignment): `roundRobin` (kafkats's, which is
 * the Java client's `roundrobin`) and, beyond KafkaJS, `range`. A custom KafkaJS assigner
 * function is not supported. AssignerProtocol encodes and decodes the consumer protocol's member
 * metadata and assignment with kafkats's generated codecs.
 */
import { ConsumerProtocolAssignment, decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../protocol/messages/consumer-protocol-assignment.js'
import { ConsumerProtocolSubscription, decodeConsumerProtocolSubscription, encodeConsumerProtocolSubscription } from '../protocol/messages/consumer-protocol-subscription.js'
import { Reader } from '../protocol/reader.js'
import { Writer } from '../protocol/writer.js'
import { KafkaJSNonRetriableError, KafkaJSNotImplemented } from './errors.js'

/** A KafkaJS partition assigner: here only the built-in tokens of {@link PartitionAssigners}. */
export type PartitionAssigner = (config: { cluster: unknown; groupId: string; logger: unknown }) => unknown

type Builtin = 'roundRobin' | 'range'
const NAMES = new WeakMap<PartitionAssigner, Builtin>()

function token(name: Builtin): PartitionAssigner {
  const fn: PartitionAssigner = () => {
    throw new KafkaJSNotImplemented(`kafkats/kafkajs: the ${name} assigner runs inside kafkats; it cannot be called`)
  }
  NAMES.set(fn, name)
  return fn
}

export const PartitionAssigners: Readonly<{ roundRobin: PartitionAssigner; range: PartitionAssigner }> = Object.freeze({
  roundRobin: token('roundRobin'),
  range: token('range'),
})

/** The kafkats assignor of a PartitionAssigners entry. @throws KafkaJSNonRetriableError for a custom assigner */
export function assignorNameOf(a: PartitionAssigner): Builtin {
  const name = typeof a === 'function' ? NAMES.get(a) : undefined
  if (name === undefined) throw new KafkaJSNonRetriableError('kafkats/kafkajs supports only PartitionAssigners.roundRobin and PartitionAssigners.range (custom assigners are not supported)')
  return name
}

export interface MemberMetadata {
  version: number
  topics: string[]
  userData: Buffer
}

export interface MemberAssignment {
  version: number
  assignment: { [topic: string]: number[] }
  userData: Buffer
}

export interface ISerializer<T> {
  encode(value: T): Buffer
  decode(buffer: Buffer): T | null
}

const clamp = (v: number, max: number): number => Math.max(0, Math.min(Number.isInteger(v) ? v : 0, max))

export const AssignerProtocol: Readonly<{ MemberMetadata: ISerializer<MemberMetadata>; MemberAssignment: ISerializer<MemberAssignment> }> = Object.freeze({
  MemberMetadata: {
    encode({ version, topics, userData }: MemberMetadata): Buffer {
      const v = clamp(version, ConsumerProtocolSubscription.maxVersion)
      const w = new Writer(64)
      w.int16(v)
      encodeConsumerProtocolSubscription(w, v, { topics, userData: userData ?? Buffer.alloc(0), ownedPartitions: [], generationId: -1, rackId: null })
      return w.toBuffer()
    },
    decode(buffer: Buffer): MemberMetadata | null {
      if (buffer === null || buffer.length < 2) return null
      const r = new Reader(buffer)
      const version = r.int16()
      const m = decodeConsumerProtocolSubscription(r, clamp(version, ConsumerProtocolSubscription.maxVersion))
      return { version, topics: m.topics, userData: m.userData ?? Buffer.alloc(0) }
    },
  },
  MemberAssignment: {
    encode({ version, assignment, userData }: MemberAssignment): Buffer {
      const v = clamp(version, ConsumerProtocolAssignment.maxVersion)
      const w = new Writer(64)
      w.int16(v)
      encodeConsumerProtocolAssignment(w, v, { assignedPartitions: Object.keys(assignment).map((topic) => ({ topic, partitions: assignment[topic] })), userData: userData ?? Buffer.alloc(0) })
      return w.toBuffer()
    },
    decode(buffer: Buffer): MemberAssignment | null {
      if (buffer === null || buffer.length < 2) return null
      const r = new Reader(buffer)
      const version = r.int16()
      const m = decodeConsumerProtocolAssignment(r, clamp(version, ConsumerProtocolAssignment.maxVersion))
      const assignment: { [topic: string]: number[] } = {}
      for (const p of m.assignedPartitions) assignment[p.topic] = p.partitions
      return { version, assignment, userData: m.userData ?? Buffer.alloc(0) }
    },
  },
})
