/**
 * What a group consumer subscribes to: topic names and RegExp patterns (Java's
 * subscribe(Collection) and subscribe(Pattern), both at once). A pattern matches a *whole*
 * topic name, as Java's `Pattern.matcher(topic).matches()` does (a JS RegExp's `test` would
 * match any substring); internal topics are never matched (Java's exclude.internal.topics).
 *
 * - Classic protocol: the client matches the patterns against the cluster's topics, refreshed
 *   every `metadataMaxAgeMs`; a change of the matched set rejoins the group.
 * - Consumer protocol (KIP-848): the patterns go to the broker as SubscribedTopicRegex, which
 *   the broker compiles with RE2/J: no lookaround, no backreferences; the `i` flag is sent as
 *   RE2's `(?i:...)`, other flags are ignored (docs/consumer.md, "Regex subscriptions").
 */
import { ConfigError } from '../errors.js'
import { topicNameProblem } from '../topic-name.js'
import type { TopicMetadata } from '../pool/cluster.js'

export interface TopicSubscription {
  /** Topic names, deduplicated, in the order given. */
  readonly names: readonly string[]
  /** Patterns, each matching whole topic names. */
  readonly patterns: readonly RegExp[]
}

/**
 * Checks a subscription.
 * @throws ConfigError for an empty list, an illegal topic name, or an entry that is neither a
 *   string nor a RegExp (`what` names the caller in the message)
 */
export function parseSubscription(what: string, topics: readonly (string | RegExp)[]): TopicSubscription {
  if (!Array.isArray(topics) || topics.length === 0) throw new ConfigError(`${what}: give at least one topic name or RegExp`)
  const names: string[] = []
  const patterns: RegExp[] = []
  for (const t of topics) {
    if (t instanceof RegExp) {
      patterns.push(new RegExp(`^(?:${t.source})$`, t.flags.replace(/[gy]/g, '')))
      continue
    }
    if (typeof t !== 'string') throw new ConfigError(`${what}: ${String(t)} is neither a topic name nor a RegExp`)
    const problem = topicNameProblem(t)
    if (problem !== undefined) throw new ConfigError(`${what}: illegal topic name ${JSON.stringify(t)}: ${problem}`)
    if (!names.includes(t)) names.push(t)
  }
  return { names, patterns }
}

/** The topics a subscription covers among `topics`: its names, and every non-internal topic a pattern matches; sorted. */
export function matchTopics(sub: TopicSubscription, topics: readonly TopicMetadata[]): string[] {
  const out = new Set(sub.names)
  if (sub.patterns.length > 0) {
    for (const t of topics) if (!t.isInternal && t.errorCode === 0 && sub.patterns.some((p) => p.test(t.name))) out.add(t.name)
  }
  return [...out].sort()
}

/**
 * The patterns as one RE2/J regex for ConsumerGroupHeartbeat's SubscribedTopicRegex (KIP-848;
 * the broker matches whole names), or '' when there are none ('' clears a regex sent before).
 */
export function brokerRegex(sub: TopicSubscription): string {
  // parseSubscription wrapped each source as ^(?:source)$: the broker anchors by itself.
  return sub.patterns.map((p) => `(?${p.flags.includes('i') ? 'i' : ''}:${p.source.slice(4, -2)})`).join('|')
}
