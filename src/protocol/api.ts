/**
 * The shape every generated API module exports (src/protocol/messages/*.ts): the API key,
 * its version range, where its requests go, and straight-code encoders and decoders.
 */
import type { Reader } from './reader.js'
import type { Writer } from './writer.js'

/**
 * Which broker answers an API (used by the cluster router): the partition `leader`, the group,
 * transaction or share coordinator, the `controller`, `any` broker, or `internal` for
 * broker-to-controller and Raft APIs a client never sends.
 */
export type ApiRouting =
  | 'any'
  | 'controller'
  | 'leader'
  | 'groupCoordinator'
  | 'transactionCoordinator'
  | 'shareCoordinator'
  | 'internal'

/** A tagged field (KIP-482) the generated code does not know, kept as its raw bytes. */
export interface TaggedField {
  /** The tag number. */
  tag: number
  /** The field's bytes, without the tag and size prefix (a view on the decoded buffer). */
  data: Buffer
}

export interface ApiDefinition<Req, Res> {
  /** Kafka's API key (protocol guide, "Api Keys"). */
  readonly apiKey: number
  /** The API name, e.g. `Metadata`. */
  readonly name: string
  /** Lowest and highest version the message definitions name. */
  readonly minVersion: number
  readonly maxVersion: number
  /** First flexible version (KIP-482), or -1 when none is. */
  readonly flexibleMinVersion: number
  /** Which listeners accept it (`zkBroker`, `broker`, `controller`) per the definitions. */
  readonly listeners: readonly string[]
  /** The highest version is still under development in Kafka (brokers only offer it when configured to). */
  readonly latestVersionUnstable: boolean
  /** Which broker answers the API. */
  readonly routing: ApiRouting
  /** Request header version for a request version (1 or 2; 0 only for ControlledShutdown v0). */
  requestHeaderVersion(version: number): number
  /** Response header version for a response version (0 or 1; ApiVersions is always 0). */
  responseHeaderVersion(version: number): number
  encodeRequest(w: Writer, version: number, msg: Req): void
  decodeRequest(r: Reader, version: number): Req
  encodeResponse(w: Writer, version: number, msg: Res): void
  decodeResponse(r: Reader, version: number): Res
}

/**
 * A versioned message that is neither a request nor a response: the request and response
 * headers, and "data" messages such as ConsumerProtocolSubscription (carried inside other
 * messages' bytes fields).
 */
export interface DataDefinition<T> {
  /** The message name, e.g. `ConsumerProtocolSubscription`. */
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  /** First flexible version, or -1 when none is. */
  readonly flexibleMinVersion: number
  encode(w: Writer, version: number, msg: T): void
  decode(r: Reader, version: number): T
}

/** Kafka's all-zero UUID (`Uuid.ZERO_UUID`) in text form. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'
