/**
 * A SASL mechanism as a small state machine of byte exchanges, carried by SaslAuthenticate
 * (KIP-152). No I/O inside: the connection sends what `start`/`next` return.
 */
export interface SaslMechanism {
  /** The mechanism name sent in SaslHandshake, e.g. `SCRAM-SHA-256`. */
  readonly name: string
  /** The client's first message. */
  start(): Promise<Buffer>
  /**
   * Handles the server's bytes; returns the next client message, or null when the exchange is
   * complete. Throws AuthenticationError when the server's answer is invalid.
   */
  next(server: Buffer): Promise<Buffer | null>
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

/** What an OAUTHBEARER provider returns. */
export interface OAuthBearerToken {
  /** The bearer token value. */
  value: string
  /** SASL extensions sent with the token (KIP-342), e.g. `{ traceId: '…' }`. */
  extensions?: Record<string, string>
}
