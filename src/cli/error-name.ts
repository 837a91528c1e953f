/** Kafka's error name for a code, for messages (`UNKNOWN_TOPIC_OR_PARTITION (3)`). */
import { errorInfo } from '../protocol/error-codes.js'

export function errorName(code: number): string {
  try {
    return `${errorInfo(code).name} (${code})`
  } catch {
    return `error ${code}`
  }
}
