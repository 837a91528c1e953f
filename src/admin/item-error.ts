/**
 * The error part of one item of an admin result (a topic, partition, group, resource or ACL):
 * Kafka answers batches item by item, so each item carries its own code.
 */
import { errorInfo } from '../protocol/error-codes.js'

export interface ItemError {
  /** Kafka's numeric error code; 0 when the item succeeded. */
  errorCode: number
  /** Kafka's error name (`NONE` for 0, e.g. `TOPIC_ALREADY_EXISTS`). */
  errorName: string
  /** The broker's message, when it sent one. */
  errorMessage: string | null
}

/** The error fields of an item from a broker error code and optional message. */
export function itemError(errorCode: number, errorMessage: string | null = null): ItemError {
  return { errorCode, errorName: errorCode === 0 ? 'NONE' : errorInfo(errorCode).name, errorMessage: errorCode === 0 ? null : errorMessage }
}

/** Error code of an item the broker left out of its response. */
export const MISSING_FROM_RESPONSE = -1

/** The error fields of an item the broker did not answer for. */
export function missingItem(what: string): ItemError {
  return { errorCode: MISSING_FROM_RESPONSE, errorName: 'UNKNOWN_SERVER_ERROR', errorMessage: `${what} missing from the broker's response` }
}
