/**
 * The SASL mechanism interface (KIP-43 SaslHandshake, KIP-152 SaslAuthenticate, KIP-368
 * re-authentication). Built-in PLAIN, SCRAM and OAUTHBEARER and a user's own mechanism (AWS MSK
 * IAM, GSSAPI, ...) all implement it; `Connection.authenticate` (src/pool/connection.ts) is the
 * one place that runs an exchange.
 */

/**
 * Where an exchange runs, given to {@link SaslMechanism.createExchange}: a GSSAPI mechanism needs
 * the broker's host for its service principal (`kafka/<host>`), a token mechanism may want to know
 * whether this is a re-authentication.
 */
export interface SaslContext {
  /** The broker's host, as the client dials it (the advertised host, or a bootstrap address). */
  readonly host: string
  readonly port: number
  /** The broker's node id; -1 for a bootstrap address. */
  readonly nodeId: number
  /** True when the exchange re-authenticates an open connection (KIP-368), false on connect. */
  readonly reauthentication: boolean
}

/**
 * One authentication exchange, a small state machine of byte messages (RFC 4422's client side).
 * No I/O inside: the connection sends what `start`/`next` return in SaslAuthenticate requests
 * and hands back the broker's `authBytes`. Methods may return a value or a promise of one. A throw
 * (or a rejection) ends the exchange: the connection is closed and the caller gets an
 * `AuthenticationError` (`SASL_AUTHENTICATION_FAILED`, not retriable) whose `cause` is the error
 * thrown, unless it already is a `KafkaError`.
 */
export interface SaslExchange {
  /** The client's first message (for PLAIN, the whole credential). */
  start(): Uint8Array | Promise<Uint8Array>
  /**
   * The broker's answer to the last client message (its SaslAuthenticate `authBytes`, possibly
   * empty). Returns the next client message, or null when the exchange is complete; the broker
   * accepted every message sent so far, so null means authenticated.
   */
  next(challenge: Buffer): Uint8Array | null | Promise<Uint8Array | null>
}

/**
 * A SASL mechanism. `name` is sent in SaslHandshake and must be enabled on the broker's listener
 * (`sasl.enabled.mechanisms`); `createExchange` is called for every authentication: once per new
 * connection and again at each re-authentication (KIP-368). The session lifetime the broker
 * returns in SaslAuthenticate (`connections.max.reauth.ms`, or a token's expiry) decides when
 * a connection re-authenticates: at 85–95% of it, like the Java client.
 *
 * Use it as `sasl: { mechanism: myMechanism }` (connecting guide, "Your own SASL mechanism").
 */
export interface SaslMechanism {
  /** The mechanism name sent in SaslHandshake, e.g. `GSSAPI` or `OAUTHBEARER`. */
  readonly name: string
  /** A fresh exchange for one authentication. May be async (e.g. to fetch a token first). */
  createExchange(context: SaslContext): SaslExchange | Promise<SaslExchange>
}

/** SASL options of a client (connecting guide, "SASL"). */
export type SaslOptions =
  | { mechanism: 'PLAIN'; username: string; password: string; authorizationIdentity?: string }
  | { mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string }
  | {
      mechanism: 'OAUTHBEARER'
      /** Returns a token (a JWT or any bearer value) and optional SASL extensions (KIP-342). */
      oauthBearerProvider: () => Promise<OAuthBearerToken> | OAuthBearerToken
    }
  | {
      /** A mechanism of your own (or a wrapped built-in): see {@link SaslMechanism}. */
      mechanism: SaslMechanism
    }

/** What an OAUTHBEARER provider returns. */
export interface OAuthBearerToken {
  /** The bearer token value. */
  value: string
  /** SASL extensions sent with the token (KIP-342), e.g. `{ traceId: '…' }`. */
  extensions?: Record<string, string>
}

/** Whether `v` looks like a {@link SaslMechanism} (a non-empty name and a createExchange function). */
export function isSaslMechanism(v: unknown): v is SaslMechanism {
  if (typeof v !== 'object' || v === null) return false
  const m = v as Record<string, unknown>
  return typeof m.name === 'string' && m.name !== '' && typeof m.createExchange === 'function'
}
