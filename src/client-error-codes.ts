/**
 * The codes of errors that kafkats raises itself, not a broker (`KafkaError.code`). Broker
 * errors carry Kafka's own error name (protocol guide, "Error Codes"; src/protocol/error-codes.ts);
 * where the client reports a condition Kafka has a name for (REQUEST_TIMED_OUT, INVALID_CONFIG,
 * UNSUPPORTED_VERSION, ...) it uses Kafka's name, and those are not repeated here.
 * Listed in docs/errors.md. Codes are stable across releases.
 */
export const ClientErrorCode = {
  /** The producer, consumer or admin (or its `Kafka`) was closed: {@link ClosedError}, never retriable. */
  CLIENT_CLOSED: 'CLIENT_CLOSED',
  /** Opening or using a connection failed (socket error, TLS failure): retriable ConnectionError. */
  CONNECTION_ERROR: 'CONNECTION_ERROR',
  /** The connection was closed (by the broker, or by the client) with requests on it: retriable. */
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
  /** The connection was destroyed by the client (a broker left the metadata, a pool was torn down): retriable. */
  CONNECTION_DESTROYED: 'CONNECTION_DESTROYED',
  /** A request on this connection timed out, so the connection was dropped (the Java client does the same): retriable. */
  CONNECTION_TIMED_OUT: 'CONNECTION_TIMED_OUT',
  /** TCP/TLS connect did not finish within `connectionTimeoutMs`: retriable. */
  CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  /** The HTTP CONNECT proxy failed or refused the tunnel: retriable ConnectionError. */
  PROXY_ERROR: 'PROXY_ERROR',
  /** A broker refused or dropped 3 connection attempts in a row: a retriable ConnectionError handed to `kafka.on('error')` (the pool keeps reconnecting). */
  BROKER_UNREACHABLE: 'BROKER_UNREACHABLE',
  /** No bootstrap broker answered within the CLI's connect timeout. */
  BROKERS_UNREACHABLE: 'BROKERS_UNREACHABLE',
  /** Bytes from the broker (or given to a decoder) are not a valid Kafka message: KafkaProtocolError. */
  PROTOCOL_DECODE: 'PROTOCOL_DECODE',
  /** A record batch could not be encoded (e.g. a compression codec failed). */
  ENCODE_FAILED: 'ENCODE_FAILED',
  /** A native compression library (snappy, lz4-napi, @mongodb-js/zstd) could not be loaded: CodecUnavailableError, only that codec's batches fail. */
  CODEC_UNAVAILABLE: 'CODEC_UNAVAILABLE',
  /** A record was not acknowledged within `deliveryTimeoutMs`: DeliveryTimeoutError. */
  DELIVERY_TIMEOUT: 'DELIVERY_TIMEOUT',
  /** A fetch failed for a reason that is not a KafkaError (wrapped, with the cause). */
  FETCH_FAILED: 'FETCH_FAILED',
  /** ListOffsets kept failing until its retries ran out. */
  LIST_OFFSETS_FAILED: 'LIST_OFFSETS_FAILED',
  /** No committed offset and `resetStrategy: 'none'` (Java's NoOffsetForPartitionException). */
  NO_OFFSET_FOR_PARTITION: 'NO_OFFSET_FOR_PARTITION',
  /** The partition's log was truncated below the fetch position and `resetStrategy` is 'none' (KIP-320): LogTruncationError, not retriable. */
  LOG_TRUNCATION: 'LOG_TRUNCATION',
  /** The application's record handler threw (the cause is the handler's error). */
  HANDLER_FAILED: 'HANDLER_FAILED',
  /** A gateway client sent bytes that are not a RESP2 request, or one over maxRequestBytes: RespProtocolError (docs/gateway.md). */
  GATEWAY_PROTOCOL_ERROR: 'GATEWAY_PROTOCOL_ERROR',
  /** A commit named partitions no longer assigned to this member: StaleCommitError. */
  STALE_GENERATION: 'STALE_GENERATION',
  /** A transactional producer method was called in a state that does not allow it: TransactionStateError (the message says what to call). */
  TRANSACTION_STATE: 'TRANSACTION_STATE',
  /** A failure that is not a KafkaError, wrapped at an API boundary (the cause is the original). */
  UNEXPECTED: 'UNEXPECTED',
  /** A failure of unknown kind from a request (the cause is the original). */
  UNKNOWN: 'UNKNOWN',
} as const

/** One of the {@link ClientErrorCode} values. */
export type ClientErrorCodeName = (typeof ClientErrorCode)[keyof typeof ClientErrorCode]
