/**
 * The one place a producer refreshes metadata (Java's ProducerMetadata + the sender's metadata
 * updates): topics waited for by `send` (unknown topic, partition not there yet), topics whose
 * leader the sender lost, and `partitionFor` ask with {@link ProducerMetadata.request}; one
 * forced Metadata request at a time carries every topic asked for, and a topic asked for again
 * right after a round waits the retry backoff first (src/pool/retry.ts `backoffMs`, doubling per
 * consecutive repeat). Each finished round is reported to `onUpdate`.
 */
import { KafkaError } from '../errors.js'
import type { Log } from '../logger.js'
import type { Cluster } from '../pool/cluster.js'
import { backoffMs, type RetryPolicy } from '../pool/retry.js'

/** A finished round: the topics it asked for, and why it failed (null when the broker answered). */
export type MetadataUpdate = (topics: readonly string[], error: KafkaError | null) => void

export class ProducerMetadata {
  /** Topics the next round asks for. */
  private readonly wanted = new Set<string>()
  /** Topics of the last finished round: asking for one again right away means backing off. */
  private lastRound: ReadonlySet<string> = new Set()
  private lastRoundEndedAt = 0
  /** Consecutive rounds that repeated a topic of the round before. */
  private repeats = 0
  private inFlight = false
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  private roundWaiters: Array<(error: KafkaError | null) => void> = []
  private readonly onTimer = (): void => {
    this.timer = null
    this.run()
  }

  constructor(
    private readonly cluster: Cluster,
    private readonly policy: RetryPolicy,
    private readonly allowAutoTopicCreation: boolean,
    private readonly log: Log,
    private readonly onUpdate: MetadataUpdate,
  ) {}

  /** Asks for `topic`'s metadata in the next round (now, or after the backoff when it was just asked for). */
  request(topic: string): void {
    if (this.stopped) return
    this.wanted.add(topic)
    this.schedule()
  }

  /**
   * Resolves when the next round ends (with its error, null on an answer), or with null after
   * `timeoutMs`, whichever comes first. For `partitionFor`, which re-reads the cache after.
   */
  nextRound(timeoutMs: number): Promise<KafkaError | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.roundWaiters.indexOf(done)
        if (i >= 0) this.roundWaiters.splice(i, 1)
        resolve(null)
      }, Math.max(0, timeoutMs))
      const done = (error: KafkaError | null): void => {
        clearTimeout(timer)
        resolve(error)
      }
      this.roundWaiters.push(done)
    })
  }

  /** Refreshes those of `topics` whose cached metadata is older than metadataMaxAgeMs (new partitions, moved leaders). */
  refreshIfOld(topics: readonly string[]): void {
    if (this.stopped || this.inFlight || topics.length === 0) return
    this.cluster.metadata(topics).catch((err: unknown) => {
      this.log.debug('producer', { topics, error: (err as Error).message }, 'periodic metadata refresh failed')
    })
  }

  /** No more rounds; waiters of `nextRound` resolve now. */
  stop(): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.wanted.clear()
    this.finishRound(null)
  }

  private schedule(): void {
    if (this.stopped || this.inFlight || this.timer !== null || this.wanted.size === 0) return
    let repeat = false
    for (const t of this.wanted) {
      if (this.lastRound.has(t)) {
        repeat = true
        break
      }
    }
    this.repeats = repeat ? this.repeats + 1 : 0
    const wait = repeat ? this.lastRoundEndedAt + backoffMs(this.repeats - 1, this.policy) - Date.now() : 0
    if (wait > 0) this.timer = setTimeout(this.onTimer, wait)
    else this.run()
  }

  private run(): void {
    if (this.stopped || this.inFlight || this.wanted.size === 0) return
    const topics = [...this.wanted]
    this.wanted.clear()
    this.inFlight = true
    this.cluster
      .metadata(topics, { force: true, allowAutoTopicCreation: this.allowAutoTopicCreation })
      .then(
        () => null,
        (err: unknown) => {
          this.log.debug('producer', { topics, error: (err as Error).message }, 'metadata refresh failed')
          return err instanceof KafkaError ? err : new KafkaError(`metadata refresh failed: ${String(err)}`, { code: 'UNKNOWN', retriable: true, cause: err })
        },
      )
      .then((error) => {
        this.inFlight = false
        this.lastRound = new Set(topics)
        this.lastRoundEndedAt = Date.now()
        if (this.stopped) return
        this.onUpdate(topics, error)
        this.finishRound(error)
        this.schedule()
      })
  }

  private finishRound(error: KafkaError | null): void {
    if (this.roundWaiters.length === 0) return
    const waiters = this.roundWaiters
    this.roundWaiters = []
    for (const w of waiters) w(error)
  }
}
