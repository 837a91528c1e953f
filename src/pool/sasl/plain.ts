/** SASL/PLAIN (RFC 4616): `authzid NUL authcid NUL password`, one message. */
import type { SaslExchange } from './mechanism.js'

export class PlainExchange implements SaslExchange {
  constructor(
    private readonly username: string,
    private readonly password: string,
    private readonly authorizationIdentity = '',
  ) {}

  async start(): Promise<Buffer> {
    return Buffer.from(`${this.authorizationIdentity}\0${this.username}\0${this.password}`, 'utf8')
  }

  async next(): Promise<Buffer | null> {
    return null
  }
}
