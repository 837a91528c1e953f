/** SASL/OAUTHBEARER (RFC 7628; KIP-255, extensions KIP-342): one client message with the token. */
import { AuthenticationError } from '../../errors.js'
import type { OAuthBearerToken, SaslExchange } from './mechanism.js'

const SEP = '\x01'

export class OAuthBearerExchange implements SaslExchange {
  private sent = false

  constructor(private readonly provider: () => Promise<OAuthBearerToken> | OAuthBearerToken) {}

  async start(): Promise<Buffer> {
    let token: OAuthBearerToken
    try {
      token = await this.provider()
    } catch (err) {
      throw new AuthenticationError(`OAUTHBEARER: the token provider failed: ${(err as Error).message}`, err)
    }
    if (token === null || typeof token !== 'object' || typeof token.value !== 'string' || token.value === '') {
      throw new AuthenticationError('OAUTHBEARER: the token provider returned no token value')
    }
    let ext = ''
    for (const [k, v] of Object.entries(token.extensions ?? {})) {
      if (k === 'auth' || !/^[A-Za-z]+$/.test(k)) throw new AuthenticationError(`OAUTHBEARER: invalid extension name ${k}`)
      ext += `${k}=${v}${SEP}`
    }
    this.sent = true
    return Buffer.from(`n,,${SEP}auth=Bearer ${token.value}${SEP}${ext}${SEP}`, 'utf8')
  }

  async next(server: Buffer): Promise<Buffer | null> {
    // A non-empty server message after the token is an error report (RFC 7628 3.2.2).
    if (this.sent && server.length > 0) {
      throw new AuthenticationError(`OAUTHBEARER: server rejected the token: ${server.toString('utf8')}`)
    }
    return null
  }
}
