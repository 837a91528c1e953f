/**
 * KafkaJS's error classes (kafkajs/src/errors.js, 2.2), and the one translation of a kafkats
 * {@link KafkaError} into them ({@link toKafkaJSError}). The kafkats error is kept as `cause`.
 * `retriable` is kafkats's; a broker error becomes a {@link KafkaJSProtocolError} whose `type`
 * is the error's name as KafkaJS spells it (Kafka's name, except the five older names KafkaJS
 * still uses: {@link KAFKAJS_ERROR_TYPES}) and whose `code` is Kafka's numeric code.
 */
import { ClientErrorCode } from '../client-error-codes.js'
import { ConnectionError, KafkaError, RequestTimeoutError, ResponseError, AuthenticationError, UnsupportedVersionError } from '../errors.js'
import { DeliveryTimeoutError } from '../producer/producer-errors.js'
import { errorInfo } from '../protocol/error-codes.js'

/** Options of the KafkaJS error constructors. */
export interface KafkaJSErrorMetadata {
  retriable?: boolean
  cause?: unknown
}

function messageOf(e: Error | string): string {
  return typeof e === 'string' ? e : e.message
}

/** KafkaJS's base error. `retriable` defaults to true, as in KafkaJS. */
export class KafkaJSError extends Error {
  readonly retriable: boolean
  readonly helpUrl?: string
  override readonly cause?: unknown

  constructor(e: Error | string, metadata: KafkaJSErrorMetadata = {}) {
    super(messageOf(e), metadata.cause === undefined ? undefined : { cause: metadata.cause })
    this.name = 'KafkaJSError'
    this.retriable = metadata.retriable ?? true
    this.cause = metadata.cause
  }
}

export class KafkaJSNonRetriableError extends KafkaJSError {
  constructor(e: Error | string, metadata: { cause?: unknown } = {}) {
    super(e, { retriable: false, cause: metadata.cause })
    this.name = 'KafkaJSNonRetriableError'
  }
}

/** A broker error: `type` is its name (KafkaJS's spelling), `code` Kafka's numeric code. */
export class KafkaJSProtocolError extends KafkaJSError {
  readonly type: string
  readonly code: number

  constructor(e: Error | string | { message: string; type: string; code: number; retriable: boolean }, metadata: KafkaJSErrorMetadata = {}) {
    const info = typeof e === 'object' && !(e instanceof Error) ? e : null
    super(info !== null ? info.message : e as Error | string, { retriable: metadata.retriable ?? info?.retriable ?? false, cause: metadata.cause })
    this.name = 'KafkaJSProtocolError'
    this.type = info?.type ?? 'UNKNOWN'
    this.code = info?.code ?? -1
  }
}

export class KafkaJSOffsetOutOfRange extends KafkaJSProtocolError {
  readonly topic: string
  readonly partition: number
  constructor(e: ConstructorParameters<typeof KafkaJSProtocolError>[0], metadata: { topic: string; partition: number; cause?: unknown }) {
    super(e, { cause: metadata.cause })
    this.name = 'KafkaJSOffsetOutOfRange'
    this.topic = metadata.topic
    this.partition = metadata.partition
  }
}

export class KafkaJSNumberOfRetriesExceeded extends KafkaJSNonRetriableError {
  readonly retryCount: number
  readonly retryTime: number
  constructor(e: Error | string, metadata: { retryCount: number; retryTime: number }) {
    super(e, { cause: e })
    this.name = 'KafkaJSNumberOfRetriesExceeded'
    this.retryCount = metadata.retryCount
    this.retryTime = metadata.retryTime
  }
}

export class KafkaJSConnectionError extends KafkaJSError {
  readonly broker?: string
  readonly code?: string
  constructor(e: Error | string, metadata: { broker?: string; code?: string; cause?: unknown } = {}) {
    super(e, { cause: metadata.cause })
    this.name = 'KafkaJSConnectionError'
    this.broker = metadata.broker
    this.code = metadata.code
  }
}

export class KafkaJSConnectionClosedError extends KafkaJSConnectionError {
  readonly host?: string
  readonly port?: number
  constructor(e: Error | string, metadata: { host?: string; port?: number; cause?: unknown } = {}) {
    super(e, { broker: `${metadata.host}:${metadata.port}`, cause: metadata.cause })
    this.name = 'KafkaJSConnectionClosedError'
    this.host = metadata.host
    this.port = metadata.port
  }
}

export class KafkaJSRequestTimeoutError extends KafkaJSError {
  readonly broker?: string
  readonly correlationId?: number
  readonly createdAt?: number
  readonly sentAt?: number
  readonly pendingDuration?: number
  constructor(e: Error | string, metadata: { broker?: string; correlationId?: number; createdAt?: number; sentAt?: number; pendingDuration?: number; cause?: unknown } = {}) {
    super(e, { cause: metadata.cause })
    this.name = 'KafkaJSRequestTimeoutError'
    this.broker = metadata.broker
    this.correlationId = metadata.correlationId
    this.createdAt = metadata.createdAt
    this.sentAt = metadata.sentAt
    this.pendingDuration = metadata.pendingDuration
  }
}

export class KafkaJSMetadataNotLoaded extends KafkaJSError {
  constructor(e: Error | string = 'Metadata not loaded', metadata: KafkaJSErrorMetadata = {}) {
    super(e, metadata)
    this.name = 'KafkaJSMetadataNotLoaded'
  }
}

export class KafkaJSTopicMetadataNotLoaded extends KafkaJSMetadataNotLoaded {
  readonly topic?: string
  constructor(e: Error | string, metadata: { topic?: string } = {}) {
    super(e)
    this.name = 'KafkaJSTopicMetadataNotLoaded'
    this.topic = metadata.topic
  }
}

export class KafkaJSServerDoesNotSupportApiKey extends KafkaJSNonRetriableError {
  readonly apiKey?: number
  readonly apiName?: string
  constructor(e: Error | string, metadata: { apiKey?: number; apiName?: string; cause?: unknown } = {}) {
    super(e, { cause: metadata.cause })
    this.name = 'KafkaJSServerDoesNotSupportApiKey'
    this.apiKey = metadata.apiKey
    this.apiName = metadata.apiName
  }
}

export class KafkaJSBrokerNotFound extends KafkaJSError {
  constructor(e: Error | string = 'Broker not found', metadata: KafkaJSErrorMetadata = {}) {
    super(e, metadata)
    this.name = 'KafkaJSBrokerNotFound'
  }
}

export class KafkaJSSASLAuthenticationError extends KafkaJSNonRetriableError {
  constructor(e: Error | string = 'SASL authentication failed', metadata: { cause?: unknown } = {}) {
    super(e, metadata)
    this.name = 'KafkaJSSASLAuthenticationError'
  }
}

export class KafkaJSGroupCoordinatorNotFound extends KafkaJSNonRetriableError {
  constructor(e: Error | string = 'Group coordinator not found', metadata: { cause?: unknown } = {}) {
    super(e, metadata)
    this.name = 'KafkaJSGroupCoordinatorNotFound'
  }
}

export class KafkaJSNotImplemented extends KafkaJSNonRetriableError {
  constructor(e: Error | string = 'Not implemented', metadata: { cause?: unknown } = {}) {
    super(e, metadata)
    this.name = 'KafkaJSNotImplemented'
  }
}

export class KafkaJSTimeout extends KafkaJSNonRetriableError {
  constructor(e: Error | string = 'Timeout', metadata: { cause?: unknown } = {}) {
    super(e, metadata)
    this.name = 'KafkaJSTimeout'
  }
}

export class KafkaJSLockTimeout extends KafkaJSTimeout {
  constructor(e: Error | string = 'Lock timeout', metadata: { cause?: unknown } = {}) {
    super(e, metadata)
    this.name = 'KafkaJSLockTimeout'
  }
}

export class KafkaJSCreateTopicError extends KafkaJSProtocolError {
  readonly topic: string
  constructor(e: ConstructorParameters<typeof KafkaJSProtocolError>[0], topicName: string, metadata: KafkaJSErrorMetadata = {}) {
    super(e, metadata)
    this.name = 'KafkaJSCreateTopicError'
    this.topic = topicName
  }
}

/** One group of a failed `admin.deleteGroups`. */
export interface KafkaJSDeleteGroupsErrorGroups {
  groupId: string
  errorCode: number
  error: KafkaJSError
}

export class KafkaJSDeleteGroupsError extends KafkaJSError {
  readonly groups: KafkaJSDeleteGroupsErrorGroups[]
  constructor(e: Error | string, groups: KafkaJSDeleteGroupsErrorGroups[] = []) {
    super(e)
    this.name = 'KafkaJSDeleteGroupsError'
    this.groups = groups
  }
}

export class KafkaJSAggregateError extends Error {
  readonly errors: (Error | string)[]
  constructor(message: Error | string, errors: (Error | string)[]) {
    super(messageOf(message))
    this.name = 'KafkaJSAggregateError'
    this.errors = errors
  }
}

export class KafkaJSNoBrokerAvailableError extends KafkaJSError {
  constructor(e: Error | string = 'No broker available', metadata: KafkaJSErrorMetadata = {}) {
    super(e, metadata)
    this.name = 'KafkaJSNoBrokerAvailableError'
  }
}

/** Kafka error codes whose name in KafkaJS 2.2 is an older one than Kafka's own. */
export const KAFKAJS_ERROR_TYPES: Readonly<Record<number, string>> = Object.freeze({
  [-1]: 'UNKNOWN',
  6: 'NOT_LEADER_FOR_PARTITION',
  14: 'GROUP_LOAD_IN_PROGRESS',
  15: 'GROUP_COORDINATOR_NOT_AVAILABLE',
  16: 'NOT_COORDINATOR_FOR_GROUP',
})

/** The KafkaJS `type` of a Kafka error code. */
export function kafkaJSErrorType(code: number): string {
  return KAFKAJS_ERROR_TYPES[code] ?? errorInfo(code).name
}

/** A {@link KafkaJSProtocolError} for a broker error code (admin results, produce results). */
export function protocolError(code: number, message: string | null = null, cause?: unknown): KafkaJSProtocolError {
  const info = errorInfo(code)
  return new KafkaJSProtocolError({ message: message ?? info.message, type: kafkaJSErrorType(code), code, retriable: info.retriable }, { cause })
}

/**
 * The KafkaJS error for anything kafkats threw (the original is the `cause`): broker errors →
 * KafkaJSProtocolError (OFFSET_OUT_OF_RANGE → KafkaJSOffsetOutOfRange), connection errors →
 * KafkaJSConnectionError, request timeouts → KafkaJSRequestTimeoutError, a producer's delivery
 * timeout → KafkaJSNumberOfRetriesExceeded, authentication → KafkaJSSASLAuthenticationError,
 * unsupported versions → KafkaJSServerDoesNotSupportApiKey, any other KafkaError →
 * KafkaJSNonRetriableError or KafkaJSError by its `retriable`. A KafkaJS error is returned as is;
 * anything else (a user handler's error) is returned unchanged.
 */
export function toKafkaJSError(err: unknown): unknown {
  if (err instanceof KafkaJSError || !(err instanceof KafkaError)) return err
  if (err instanceof ResponseError) {
    const info = errorInfo(err.errorCode)
    const data = { message: err.errorMessage ?? info.message, type: kafkaJSErrorType(err.errorCode), code: err.errorCode, retriable: err.retriable }
    const topic = /\btopic (\S+?)(?:[,\]]|$)/.exec(err.message)?.[1]
    if (err.errorCode === 1) return new KafkaJSOffsetOutOfRange(data, { topic: topic ?? '', partition: -1, cause: err })
    return new KafkaJSProtocolError(data, { cause: err })
  }
  if (err instanceof RequestTimeoutError) return new KafkaJSRequestTimeoutError(err.message, { cause: err })
  if (err instanceof ConnectionError) return new KafkaJSConnectionError(err.message, { code: err.code, cause: err })
  if (err instanceof AuthenticationError) return new KafkaJSSASLAuthenticationError(err.message, { cause: err })
  if (err instanceof UnsupportedVersionError) return new KafkaJSServerDoesNotSupportApiKey(err.message, { cause: err })
  if (err instanceof DeliveryTimeoutError) {
    const e = new KafkaJSNumberOfRetriesExceeded(err, { retryCount: -1, retryTime: -1 })
    return e
  }
  if (err.code === ClientErrorCode.CLIENT_CLOSED) return new KafkaJSNonRetriableError(err.message, { cause: err })
  return err.retriable ? new KafkaJSError(err.message, { retriable: true, cause: err }) : new KafkaJSNonRetriableError(err.message, { cause: err })
}

/** Rethrows `err` as its KafkaJS error ({@link toKafkaJSError}). */
export function rethrow(err: unknown): never {
  throw toKafkaJSError(err)
}
