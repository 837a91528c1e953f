/**
 * SCRAM credentials (KIP-554): DescribeUserScramCredentials and AlterUserScramCredentials.
 * The broker never sees the password: as the Java admin does, the client picks a random salt
 * and sends the salted password, PBKDF2-HMAC-SHA-256/512 of the password (RFC 5802 `Hi`).
 */
import { pbkdf2, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { ConfigError } from '../errors.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { AlterUserScramCredentials } from '../protocol/messages/alter-user-scram-credentials.js'
import { DescribeUserScramCredentials } from '../protocol/messages/describe-user-scram-credentials.js'
import type { AdminContext } from './admin-context.js'
import { type ItemError, itemError, missingItem } from './item-error.js'
import { failedWith, settleItems } from './item-retry.js'

const pbkdf2Async = promisify(pbkdf2)

export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

const MECHANISMS: Record<ScramMechanismName, { code: number; hash: 'sha256' | 'sha512'; keyLength: number }> = {
  'SCRAM-SHA-256': { code: 1, hash: 'sha256', keyLength: 32 },
  'SCRAM-SHA-512': { code: 2, hash: 'sha512', keyLength: 64 },
}

/** Kafka's iteration bounds (ScramMechanism: 4096 minimum, 16384 maximum). */
export const SCRAM_MIN_ITERATIONS = 4096
export const SCRAM_MAX_ITERATIONS = 16384

function mechanism(name: ScramMechanismName): (typeof MECHANISMS)[ScramMechanismName] {
  const m = (MECHANISMS as Record<string, (typeof MECHANISMS)[ScramMechanismName] | undefined>)[name]
  if (!m) throw new ConfigError(`unknown SCRAM mechanism ${JSON.stringify(name)} (known: SCRAM-SHA-256, SCRAM-SHA-512)`)
  return m
}

/** The mechanism name of a wire code. */
export function scramMechanismName(code: number): ScramMechanismName | 'UNKNOWN' {
  return code === 1 ? 'SCRAM-SHA-256' : code === 2 ? 'SCRAM-SHA-512' : 'UNKNOWN'
}

/** SaltedPassword := Hi(Normalize(password), salt, i) (RFC 5802 section 3), as Java's ScramFormatter. */
export async function saltedPassword(name: ScramMechanismName, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const m = mechanism(name)
  return pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, m.keyLength, m.hash)
}

/** One user of a {@link describeUserScramCredentials} result. */
export interface UserScramCredentials extends ItemError {
  user: string
  /** The user's credentials, one per mechanism. */
  credentials: Array<{ mechanism: ScramMechanismName | 'UNKNOWN'; iterations: number }>
}

/**
 * SCRAM credentials of `users` (all users when left out); see
 * {@link Admin.describeUserScramCredentials}. A user without credentials comes back with
 * RESOURCE_NOT_FOUND. Rejects with the request-level error, if any.
 */
export async function describeUserScramCredentials(ctx: AdminContext, users?: readonly string[]): Promise<UserScramCredentials[]> {
  const { cluster } = ctx
  const res = await cluster.withRetry(async () => {
    const r = await cluster.send('any', DescribeUserScramCredentials, () => ({ users: users === undefined ? null : users.map((name) => ({ name })) }))
    if (r.errorCode !== 0) throw responseError(r.errorCode, r.errorMessage ?? null, 'DescribeUserScramCredentials')
    return r
  })
  return res.results.map((r) => ({
    user: r.user,
    ...itemError(r.errorCode, r.errorMessage ?? null),
    credentials: r.credentialInfos.map((c) => ({ mechanism: scramMechanismName(c.mechanism), iterations: c.iterations })),
  }))
}

/** A SCRAM credential to create or replace. */
export interface ScramUpsertion {
  name: string
  mechanism: ScramMechanismName
  password: string
  /** PBKDF2 iterations, 4096 to 16384. Default 4096. */
  iterations?: number
}

/** The result of changing one user's credential. */
export interface ScramAlterationResult extends ItemError {
  user: string
}

type Alteration = { kind: 'upsert'; name: string; mechanism: number; iterations: number; salt: Buffer; saltedPassword: Buffer } | { kind: 'delete'; name: string; mechanism: number }

async function alter(ctx: AdminContext, alteration: Alteration): Promise<ScramAlterationResult> {
  const { cluster } = ctx
  const [result] = await settleItems(
    cluster,
    [alteration],
    async ([a]) => {
      const res = await cluster.withRetry(() =>
        cluster.send('any', AlterUserScramCredentials, () => ({
          deletions: a.kind === 'delete' ? [{ name: a.name, mechanism: a.mechanism }] : [],
          upsertions: a.kind === 'upsert' ? [{ name: a.name, mechanism: a.mechanism, iterations: a.iterations, salt: a.salt, saltedPassword: a.saltedPassword }] : [],
        })),
      )
      const r = res.results.find((x) => x.user === a.name)
      return [r ? { user: a.name, ...itemError(r.errorCode, r.errorMessage ?? null) } : { user: a.name, ...missingItem(`user ${a.name}`) }]
    },
    failedWith(new Set([ErrorCode.NOT_CONTROLLER])),
  )
  return result
}

/** Creates or replaces a user's SCRAM credential; see {@link Admin.upsertScramUser}. */
export async function upsertScramUser(ctx: AdminContext, user: ScramUpsertion): Promise<ScramAlterationResult> {
  const m = mechanism(user.mechanism)
  const iterations = user.iterations ?? SCRAM_MIN_ITERATIONS
  if (!Number.isInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS || iterations > SCRAM_MAX_ITERATIONS) {
    throw new ConfigError(`SCRAM iterations must be an integer from ${SCRAM_MIN_ITERATIONS} to ${SCRAM_MAX_ITERATIONS}, got ${iterations}`)
  }
  if (user.name === '') throw new ConfigError('SCRAM user name is empty')
  const salt = randomBytes(32)
  return alter(ctx, { kind: 'upsert', name: user.name, mechanism: m.code, iterations, salt, saltedPassword: await saltedPassword(user.mechanism, user.password, salt, iterations) })
}

/** Deletes a user's SCRAM credential of one mechanism; see {@link Admin.deleteScramUser}. */
export async function deleteScramUser(ctx: AdminContext, user: { name: string; mechanism: ScramMechanismName }): Promise<ScramAlterationResult> {
  return alter(ctx, { kind: 'delete', name: user.name, mechanism: mechanism(user.mechanism).code })
}
