/**
 * The one topic-partition type and map key of kafkats (consumer, admin and the offsets path
 * share them).
 */

/** A partition of a topic. */
export interface TopicPartition {
  topic: string
  /** Partition index, >= 0. */
  partition: number
}

/** Map key of a partition (topic names cannot hold NUL, so keys never collide). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

/** Items by topic, in first-seen order (for building request topic arrays). */
export function byTopic<T extends TopicPartition>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const it of items) {
    const l = m.get(it.topic)
    if (l) l.push(it)
    else m.set(it.topic, [it])
  }
  return m
}
