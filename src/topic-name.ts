/**
 * Kafka's topic name rule (org.apache.kafka.common.internals.Topic.validate): 1 to 249
 * characters of `[a-zA-Z0-9._-]`, and not `.` or `..`. Checked where a bad name would otherwise
 * be lost silently or truncated (admin arguments, consumer subscriptions); the producer leaves
 * it to the broker, whose INVALID_TOPIC_EXCEPTION reaches the record's promise at once.
 */

/** Kafka's longest legal topic name (Topic.MAX_NAME_LENGTH). */
export const MAX_TOPIC_NAME_LENGTH = 249

const LEGAL = /^[a-zA-Z0-9._-]+$/

/** Why `name` is not a legal topic name, or `undefined` when it is. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty'
  if (name === '.' || name === '..') return `must not be '${name}'`
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `must be at most ${MAX_TOPIC_NAME_LENGTH} characters, got ${name.length}`
  if (!LEGAL.test(name)) return `${JSON.stringify(name)} has a character outside [a-zA-Z0-9._-]`
  return undefined
}
