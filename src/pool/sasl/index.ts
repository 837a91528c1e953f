import type { SaslMechanism, SaslOptions } from './mechanism.js'
import { OAuthBearerMechanism } from './oauthbearer.js'
import { PlainMechanism } from './plain.js'
import { ScramMechanism } from './scram.js'

export type { OAuthBearerToken, SaslMechanism, SaslOptions } from './mechanism.js'

/** A fresh mechanism state machine for one authentication exchange. */
export function createSaslMechanism(options: SaslOptions): SaslMechanism {
  switch (options.mechanism) {
    case 'PLAIN':
      return new PlainMechanism(options.username, options.password, options.authorizationIdentity)
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512':
      return new ScramMechanism(options.mechanism, options.username, options.password)
    case 'OAUTHBEARER':
      return new OAuthBearerMechanism(options.oauthBearerProvider)
  }
}
