/**
 * ACL enums as strings and their protocol int8 codes (Java's ResourceType, PatternType,
 * AclOperation, AclPermissionType; KIP-140, KIP-290 prefixed patterns).
 */
import { ConfigError } from '../errors.js'

export type AclResourceType = 'any' | 'topic' | 'group' | 'cluster' | 'transactionalId' | 'delegationToken' | 'user'
export type AclPatternType = 'any' | 'match' | 'literal' | 'prefixed'
export type AclOperation =
  | 'any'
  | 'all'
  | 'read'
  | 'write'
  | 'create'
  | 'delete'
  | 'alter'
  | 'describe'
  | 'clusterAction'
  | 'describeConfigs'
  | 'alterConfigs'
  | 'idempotentWrite'
  | 'createTokens'
  | 'describeTokens'
  | 'twoPhaseCommit'
export type AclPermissionType = 'any' | 'deny' | 'allow'

export const ACL_RESOURCE_TYPE_CODES: Readonly<Record<AclResourceType, number>> = Object.freeze({
  any: 1,
  topic: 2,
  group: 3,
  cluster: 4,
  transactionalId: 5,
  delegationToken: 6,
  user: 7,
})

export const ACL_PATTERN_TYPE_CODES: Readonly<Record<AclPatternType, number>> = Object.freeze({ any: 1, match: 2, literal: 3, prefixed: 4 })

export const ACL_OPERATION_CODES: Readonly<Record<AclOperation, number>> = Object.freeze({
  any: 1,
  all: 2,
  read: 3,
  write: 4,
  create: 5,
  delete: 6,
  alter: 7,
  describe: 8,
  clusterAction: 9,
  describeConfigs: 10,
  alterConfigs: 11,
  idempotentWrite: 12,
  createTokens: 13,
  describeTokens: 14,
  twoPhaseCommit: 15,
})

export const ACL_PERMISSION_TYPE_CODES: Readonly<Record<AclPermissionType, number>> = Object.freeze({ any: 1, deny: 2, allow: 3 })

function encoder<T extends string>(what: string, codes: Readonly<Record<T, number>>): (value: T) => number {
  return (value) => {
    const c = (codes as Record<string, number | undefined>)[value]
    if (c === undefined) throw new ConfigError(`unknown ACL ${what} ${JSON.stringify(value)} (known: ${Object.keys(codes).join(', ')})`)
    return c
  }
}

function decoder<T extends string>(codes: Readonly<Record<T, number>>): (code: number) => T | 'unknown' {
  const names = new Map<number, T>()
  for (const [name, c] of Object.entries(codes) as Array<[T, number]>) names.set(c, name)
  return (code) => names.get(code) ?? 'unknown'
}

/** Wire codes of the string enums. @throws ConfigError for an unknown name. */
export const aclResourceTypeCode = encoder('resource type', ACL_RESOURCE_TYPE_CODES)
export const aclPatternTypeCode = encoder('pattern type', ACL_PATTERN_TYPE_CODES)
export const aclOperationCode = encoder('operation', ACL_OPERATION_CODES)
export const aclPermissionTypeCode = encoder('permission type', ACL_PERMISSION_TYPE_CODES)

/** Names of wire codes (`unknown` for codes this client does not know). */
export const aclResourceType = decoder(ACL_RESOURCE_TYPE_CODES)
export const aclPatternType = decoder(ACL_PATTERN_TYPE_CODES)
export const aclOperation = decoder(ACL_OPERATION_CODES)
export const aclPermissionType = decoder(ACL_PERMISSION_TYPE_CODES)
