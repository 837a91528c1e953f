import { isSaslMechanism, type SaslMechanism, type SaslOptions } from './mechanism.js'
import { OAuthBearerExchange } from './oauthbearer.js'
import { PlainExchange } from './plain.js'
import { ScramExchange } from './scram.js'

export type { OAuthBearerToken, SaslContext, SaslExchange, SaslMechanism, SaslOptions } from './mechanism.js'
export { isSaslMechanism } from './mechanism.js'

/**
 * The mechanism of the `sasl` option: the user's own, or a built-in one (PLAIN, SCRAM-SHA-256/512,
 * OAUTHBEARER) behind the same {@link SaslMechanism} interface, so one code path runs every exchange.
 */
export function saslMechanism(options: SaslOptions): SaslMechanism {
  if (isSaslMechanism(options.mechanism)) return options.mechanism
  const o = options as Exclude<SaslOptions, { mechanism: SaslMechanism }>
  switch (o.mechanism) {
    case 'PLAIN':
      return { name: 'PLAIN', createExchange: () => new PlainExchange(o.username, o.password, o.authorizationIdentity) }
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512': {
      const name = o.mechanism
      return { name, createExchange: () => new ScramExchange(name, o.username, o.password) }
    }
    case 'OAUTHBEARER':
      return { name: 'OAUTHBEARER', createExchange: () => new OAuthBearerExchange(o.oauthBearerProvider) }
  }
}
