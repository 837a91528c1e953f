/**
 * The one owner of the consumer's partition state (the Java client's SubscriptionState): which
 * partitions are assigned, and per partition its fetch state ({@link PartitionState}: paused,
 * fetch and consumed positions, leader epoch, high watermark, last stable offset, log start
 * offset). The consumer, fetcher, fetch queue and start-offset look-ups change partition state
 * only through these methods.
 */
import { partitionKey, type TopicPartition } from '../offsets/topic-partition.js'
import type { PartitionOffsets, TopicPartitions } from './consumer-record.js'
import type { TopicPartitionMap } from './group/consumer-protocol.js'
import { PartitionState, type StartRule } from './partition-state.js'

export class SubscriptionState {
  private readonly partitions = new Map<string, PartitionState>()

  /** Number of assigned partitions. */
  get size(): number {
    return this.partitions.size
  }

  /** Every assigned partition's state, in assignment order. */
  all(): IterableIterator<PartitionState> {
    return this.partitions.values()
  }

  get(topic: string, partition: number): PartitionState | undefined {
    return this.partitions.get(partitionKey(topic, partition))
  }

  /** Whether `p` is the state of a partition assigned now (not one revoked since). */
  isCurrent(p: PartitionState): boolean {
    return this.partitions.get(p.key) === p
  }

  /**
   * Assigns a partition that starts by `start` (an offset >= 0, or a rule). An already assigned
   * partition keeps its state.
   */
  assign(topic: string, partition: number, start: StartRule | bigint): PartitionState {
    const key = partitionKey(topic, partition)
    const existing = this.partitions.get(key)
    if (existing !== undefined) return existing
    const p = new PartitionState(topic, partition)
    if (typeof start === 'bigint') p.seek(start)
    else p.unposition(start)
    this.partitions.set(key, p)
    return p
  }

  /**
   * Revokes a partition: its state is dropped and every buffered or in-flight answer for it is
   * stale from now on.
   * @returns whether records were handed out from it and not committed (lost progress)
   */
  revoke(p: PartitionState): boolean {
    const lost = p.hasProgress
    p.revoke()
    this.partitions.delete(p.key)
    return lost
  }

  /** The assigned partitions as topic → partitions. */
  owned(): TopicPartitionMap {
    const m: TopicPartitionMap = new Map()
    for (const p of this.partitions.values()) {
      const list = m.get(p.topic)
      if (list) list.push(p.partition)
      else m.set(p.topic, [p.partition])
    }
    return m
  }

  assigned(): TopicPartition[] {
    return [...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition }))
  }

  /** Consumed positions of positioned partitions (topic → partition → offset). */
  positions(): PartitionOffsets {
    const out: PartitionOffsets = {}
    for (const p of this.partitions.values()) {
      if (p.state !== 'ready') continue
      ;(out[p.topic] ??= {})[p.partition] = p.position
    }
    return out
  }

  /** Assigned partitions named by `list` (a topic without `partitions` means all of it). */
  matching(list: readonly TopicPartitions[]): PartitionState[] {
    const out: PartitionState[] = []
    for (const tp of list) {
      for (const p of this.partitions.values()) {
        if (p.topic === tp.topic && (tp.partitions === undefined || tp.partitions.includes(p.partition))) out.push(p)
      }
    }
    return out
  }

  pause(list: readonly TopicPartitions[]): void {
    for (const p of this.matching(list)) p.pause()
  }

  resume(list: readonly TopicPartitions[]): void {
    for (const p of this.matching(list)) p.resume()
  }

  paused(): TopicPartition[] {
    return [...this.partitions.values()].filter((p) => p.paused).map((p) => ({ topic: p.topic, partition: p.partition }))
  }
}
