/** What the mixed-group interop tests share: the topic's shape, a round of records, ownership. */
import type { Kafka } from '../../../src/client.js'
import type { Member } from '../../helpers/group-members.js'

export const PARTITIONS = 6
export const PER_PARTITION = 50

/** Writes PER_PARTITION records to every partition of `topic`, values naming the round. */
export async function produceRound(kafka: Kafka, topic: string, round: number): Promise<void> {
  const producer = kafka.producer({ lingerMs: 5 })
  const records = []
  for (let p = 0; p < PARTITIONS; p++) for (let i = 0; i < PER_PARTITION; i++) records.push({ topic, partition: p, value: `r${round}-${p}-${i}` })
  await producer.sendBatch(records)
  await producer.close()
}

/** A kafkats member's partitions of `topic` after its latest rebalance. */
export const ownedBy = (m: Member, topic: string): number[] => m.partitions().get(topic) ?? []
