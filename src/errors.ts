/**
 * The kafkats error family. Every error the library throws or rejects with is a
 * {@link KafkaError}: it carries a stable symbolic `code`, and `retriable`, which
 * says whether repeating the same operation may succeed.
 */
import { ClientErrorCode } from './client-error-codes.js'

/** Options common to every {@link KafkaError}. */
export interface KafkaErrorOptions {
  /** Symbolic code, e.g. `NOT_LEADER_OR_FOLLOWER` or `CONNECTION_CLOSED`. */
  code: string
  /** Whether the same operation may succeed when repeated. */
  retriable?: boolean
  /** Whether cached cluster metadata should be refreshed before a retry. */
  refreshMetadata?: boolean
  /** The underlying cause, if any. */
  cause?: unknown
}

/** Base class of every error raised by kafkats. */
export class KafkaError extends Error {
  /** Symbolic code, stable across releases (Kafka's error name for broker errors). */
  readonly code: string
  /** Whether the same operation may succeed when repeated. */
  readonly retriable: boolean
  /** Whether cached cluster metadata should be refreshed before a retry. */
  readonly refreshMetadata: boolean

  constructor(message: string, options: KafkaErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = options.code
    this.retriable = options.retriable ?? false
    this.refreshMetadata = options.refreshMetadata ?? false
  }
}

/**
 * Bytes read off the wire (or handed to a decoder) do not form a valid Kafka message:
 * truncation, a negative or oversized length, a bad varint, an unknown version.
 */
export class KafkaProtocolError extends KafkaError {
  /** Byte offset in the buffer being decoded where the problem was found, or -1. */
  readonly offset: number
  /** Dotted path of the field being decoded (e.g. `MetadataResponse.topics.partitions`), or ''. */
  readonly path: string

  constructor(message: string, offset = -1, path = '', cause?: unknown) {
    super(
      path === '' ? message + (offset >= 0 ? ` at byte ${offset}` : '') : `${message} in ${path}` + (offset >= 0 ? ` at byte ${offset}` : ''),
      { code: ClientErrorCode.PROTOCOL_DECODE, retriable: false, cause },
    )
    this.offset = offset
    this.path = path
  }

  /** A copy of this error with `segment` prepended to its field path. */
  withPathPrefix(segment: string): KafkaProtocolError {
    const message = this.message.replace(/ in \S+( at byte \d+)?$| at byte \d+$/, '')
    return new KafkaProtocolError(message, this.offset, this.path === '' ? segment : `${segment}.${this.path}`, this.cause)
  }
}

/** A record batch whose CRC-32C (or a legacy message whose CRC-32) does not match its bytes. */
export class CorruptRecordError extends KafkaError {
  readonly topic: string
  readonly partition: number
  readonly baseOffset: bigint

  constructor(message: string, topic: string, partition: number, baseOffset: bigint) {
    super(`${message} (topic ${topic}, partition ${partition}, base offset ${baseOffset})`, {
      code: 'CORRUPT_MESSAGE',
      retriable: false,
    })
    this.topic = topic
    this.partition = partition
    this.baseOffset = baseOffset
  }
}

/** A broker answered with a non-zero Kafka error code (protocol guide, "Error Codes"). */
export class ResponseError extends KafkaError {
  /** Kafka's numeric error code. */
  readonly errorCode: number
  /** The broker's error message, when the response carries one. */
  readonly errorMessage: string | null

  constructor(
    errorCode: number,
    name: string,
    description: string,
    retriable: boolean,
    refreshMetadata: boolean,
    errorMessage: string | null = null,
    context = '',
  ) {
    super(`${name} (${errorCode}): ${errorMessage ?? description}${context === '' ? '' : ` [${context}]`}`, {
      code: name,
      retriable,
      refreshMetadata,
    })
    this.errorCode = errorCode
    this.errorMessage = errorMessage
  }
}

/** The connection to a broker failed, closed or was destroyed. Always retriable. */
export class ConnectionError extends KafkaError {
  constructor(message: string, code: string = ClientErrorCode.CONNECTION_ERROR, cause?: unknown) {
    super(message, { code, retriable: true, refreshMetadata: true, cause })
  }
}

/** A request got no response within its timeout. Retriable. */
export class RequestTimeoutError extends KafkaError {
  constructor(message: string) {
    super(message, { code: 'REQUEST_TIMED_OUT', retriable: true, refreshMetadata: true })
  }
}

/** No version of an API is supported by both this client and the broker. */
export class UnsupportedVersionError extends KafkaError {
  constructor(message: string) {
    super(message, { code: 'UNSUPPORTED_VERSION', retriable: false })
  }
}

/** SASL or TLS authentication failed. Not retried automatically. */
export class AuthenticationError extends KafkaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'SASL_AUTHENTICATION_FAILED', retriable: false, cause })
  }
}

/** Invalid options or arguments given by the caller. */
export class ConfigError extends KafkaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'INVALID_CONFIG', retriable: false, cause })
  }
}

/** An operation on a producer, consumer or admin client that was already closed. */
export class ClosedError extends KafkaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: ClientErrorCode.CLIENT_CLOSED, retriable: false, cause })
  }
}
