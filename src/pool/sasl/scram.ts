/**
 * SASL/SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677; KIP-84): client-first,
 * server-first (nonce, salt, iterations), client-final with proof, server-final signature check.
 */
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { AuthenticationError } from '../../errors.js'
import type { SaslExchange } from './mechanism.js'

const pbkdf2Async = promisify(pbkdf2)

type Step = 'first' | 'final' | 'verify' | 'done'

/** RFC 5802 saslname escaping: `=` and `,` are written as `=3D` and `=2C`. */
function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C')
}

function parseAttributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>()
  for (const part of message.split(',')) {
    const eq = part.indexOf('=')
    if (eq === 1) attrs.set(part[0], part.slice(2))
  }
  return attrs
}

export class ScramExchange implements SaslExchange {
  private readonly name: string
  private readonly hash: 'sha256' | 'sha512'
  private readonly keyLength: number
  private readonly clientNonce: string
  private step: Step = 'first'
  private clientFirstBare = ''
  private serverSignature: Buffer | null = null

  constructor(
    mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
    private readonly username: string,
    private readonly password: string,
    nonce?: string,
  ) {
    this.name = mechanism
    this.hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512'
    this.keyLength = mechanism === 'SCRAM-SHA-256' ? 32 : 64
    this.clientNonce = nonce ?? randomBytes(24).toString('base64url')
  }

  async start(): Promise<Buffer> {
    this.clientFirstBare = `n=${saslName(this.username)},r=${this.clientNonce}`
    this.step = 'final'
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8')
  }

  async next(server: Buffer): Promise<Buffer | null> {
    if (this.step === 'final') return this.clientFinal(server.toString('utf8'))
    if (this.step === 'verify') {
      this.verify(server.toString('utf8'))
      return null
    }
    throw new AuthenticationError(`${this.name}: unexpected server message after the exchange ended`)
  }

  private async clientFinal(serverFirst: string): Promise<Buffer> {
    const attrs = parseAttributes(serverFirst)
    if (attrs.has('e')) throw new AuthenticationError(`${this.name}: server error ${attrs.get('e')}`)
    const nonce = attrs.get('r')
    const salt = attrs.get('s')
    const iterations = Number(attrs.get('i'))
    if (nonce === undefined || !nonce.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length) {
      throw new AuthenticationError(`${this.name}: server nonce does not extend the client nonce`)
    }
    if (salt === undefined || !Number.isInteger(iterations) || iterations < 1 || iterations > 1_000_000) {
      throw new AuthenticationError(`${this.name}: malformed server-first message`)
    }
    const saltedPassword = await pbkdf2Async(this.password, Buffer.from(salt, 'base64'), iterations, this.keyLength, this.hash)
    const clientKey = createHmac(this.hash, saltedPassword).update('Client Key').digest()
    const storedKey = createHash(this.hash).update(clientKey).digest()
    const clientFinalWithoutProof = `c=biws,r=${nonce}`
    const authMessage = `${this.clientFirstBare},${serverFirst},${clientFinalWithoutProof}`
    const clientSignature = createHmac(this.hash, storedKey).update(authMessage).digest()
    const proof = Buffer.allocUnsafe(clientKey.length)
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i] ^ clientSignature[i]
    const serverKey = createHmac(this.hash, saltedPassword).update('Server Key').digest()
    this.serverSignature = createHmac(this.hash, serverKey).update(authMessage).digest()
    this.step = 'verify'
    return Buffer.from(`${clientFinalWithoutProof},p=${proof.toString('base64')}`, 'utf8')
  }

  private verify(serverFinal: string): void {
    const attrs = parseAttributes(serverFinal)
    if (attrs.has('e')) throw new AuthenticationError(`${this.name}: server error ${attrs.get('e')}`)
    const v = Buffer.from(attrs.get('v') ?? '', 'base64')
    const expected = this.serverSignature as Buffer
    if (v.length !== expected.length || !timingSafeEqual(v, expected)) {
      throw new AuthenticationError(`${this.name}: server signature does not match: the server does not know the password`)
    }
    this.step = 'done'
  }
}
