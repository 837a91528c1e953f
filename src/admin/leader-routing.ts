/**
 * Routing of partition requests (ListOffsets, DeleteRecords): partitions are grouped by
 * leader, one request per leader; partitions answered with a leadership error are sent again
 * after their topic's metadata is refreshed.
 */
import type { Broker } from '../pool/broker.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { AdminContext } from './admin-context.js'
import { type ItemError, itemError } from './item-error.js'
import { settleItems } from './item-retry.js'

import { byTopic, partitionKey, type TopicPartition } from '../offsets/topic-partition.js'

/** The one TopicPartition of kafkats (src/offsets/topic-partition.ts). */
export type { TopicPartition }

/** Errors after which a partition request may succeed once metadata is refreshed. */
export const LEADERSHIP_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.OFFSET_NOT_AVAILABLE,
])

/** Key of a topic-partition in maps: the one key function (src/offsets/topic-partition.ts). */
export const tpKey = partitionKey

/** Items by topic, in first-seen order (src/offsets/topic-partition.ts). */
export { byTopic }

/**
 * Splits items into waves without a repeated topic-partition: a broker answers a request that
 * names a partition twice with an error for it, so repeats go in later requests.
 */
export function uniqueWaves<T extends TopicPartition>(items: readonly T[]): T[][] {
  const waves: Array<{ seen: Set<string>; items: T[] }> = []
  for (const it of items) {
    const key = tpKey(it.topic, it.partition)
    let w = waves.find((x) => !x.seen.has(key))
    if (!w) waves.push((w = { seen: new Set(), items: [] }))
    w.seen.add(key)
    w.items.push(it)
  }
  return waves.map((w) => w.items)
}

/**
 * Sends `request(leader, items)` per leader and returns one result per item, in order.
 * `failed(item, error)` makes the result of an item with no leader. A partition named more
 * than once is asked again in a following request. A topic the metadata says
 * does not exist fails at once; broker-reported leadership errors are retried.
 */
export async function perLeader<I extends TopicPartition, R extends ItemError>(
  ctx: AdminContext,
  items: readonly I[],
  request: (leader: Broker, items: I[]) => Promise<R[]>,
  failed: (item: I, error: ItemError) => R,
): Promise<R[]> {
  const { cluster } = ctx
  const final = new WeakSet<R>()
  const topicOf = new WeakMap<R, string>()
  return settleItems(
    cluster,
    items,
    async (pending) => {
      const out: R[] = new Array<R>(pending.length)
      const meta = await cluster.withRetry(() => cluster.metadata([...new Set(pending.map((i) => i.topic))]))
      const byLeader = new Map<number, number[]>()
      pending.forEach((item, k) => {
        const t = meta.get(item.topic)
        const code = !t ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : t.errorCode
        if (code !== 0) {
          out[k] = failed(item, itemError(code))
          if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) final.add(out[k])
          return
        }
        const p = t?.partitions[item.partition]
        if (!p) {
          out[k] = failed(item, itemError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${item.topic} has no partition ${item.partition}`))
          final.add(out[k])
          return
        }
        if (p.leader < 0) {
          out[k] = failed(item, itemError(ErrorCode.LEADER_NOT_AVAILABLE))
          return
        }
        let g = byLeader.get(p.leader)
        if (!g) byLeader.set(p.leader, (g = []))
        g.push(k)
      })
      await Promise.all(
        [...byLeader].map(async ([leader, ks]) => {
          for (const wave of uniqueWaves(ks.map((k) => ({ topic: pending[k].topic, partition: pending[k].partition, k })))) {
            const rs = await cluster.withRetry(() => request(cluster.broker(leader), wave.map((w) => pending[w.k])))
            wave.forEach((w, j) => (out[w.k] = rs[j]))
          }
        }),
      )
      pending.forEach((item, k) => topicOf.set(out[k], item.topic))
      return out
    },
    (r) => !final.has(r) && LEADERSHIP_ERRORS.has(r.errorCode),
    (retried) => {
      for (const r of retried) cluster.invalidate(topicOf.get(r))
    },
  )
}
