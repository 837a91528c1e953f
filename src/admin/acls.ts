/**
 * ACLs (KIP-140, prefixed patterns KIP-290): CreateAcls, DescribeAcls, DeleteAcls, sent to any
 * broker (KRaft brokers forward writes to the controller). They need ALTER (create, delete) or
 * DESCRIBE (describe) on the cluster resource.
 */
import { UnsupportedVersionError } from '../errors.js'
import { responseError } from '../protocol/error-codes.js'
import { CreateAcls } from '../protocol/messages/create-acls.js'
import { DeleteAcls } from '../protocol/messages/delete-acls.js'
import { DescribeAcls } from '../protocol/messages/describe-acls.js'
import type { AdminContext } from './admin-context.js'
import {
  type AclOperation,
  aclOperation,
  aclOperationCode,
  type AclPatternType,
  aclPatternType,
  aclPatternTypeCode,
  type AclPermissionType,
  aclPermissionType,
  aclPermissionTypeCode,
  type AclResourceType,
  aclResourceType,
  aclResourceTypeCode,
} from './acl-codes.js'
import { type ItemError, itemError, missingItem } from './item-error.js'

/** One ACL: who (`principal` from `host`) may or may not do `operation` on which resources. */
export interface AclBinding {
  resourceType: Exclude<AclResourceType, 'any'>
  /** Topic name, group id, `kafka-cluster` for the cluster, ...; `*` for all. */
  resourceName: string
  /** `literal` (default) or `prefixed` (KIP-290). */
  patternType?: 'literal' | 'prefixed'
  /** E.g. `User:alice`; `User:*` for everyone. */
  principal: string
  /** Client host; default `*`. */
  host?: string
  operation: Exclude<AclOperation, 'any'>
  permissionType: Exclude<AclPermissionType, 'any'>
}

/** An ACL as the broker reports it. Codes this client does not know read as `unknown`. */
export interface DescribedAcl {
  resourceType: AclResourceType | 'unknown'
  resourceName: string
  patternType: AclPatternType | 'unknown'
  principal: string
  host: string
  operation: AclOperation | 'unknown'
  permissionType: AclPermissionType | 'unknown'
}

/** Which ACLs to describe or delete. Left-out fields match anything. */
export interface AclFilter {
  /** Default `any`. */
  resourceType?: AclResourceType
  /** Default any name. */
  resourceName?: string | null
  /** `any` (default), `match` (every pattern that applies to resourceName), `literal`, `prefixed`. */
  patternType?: AclPatternType
  principal?: string | null
  host?: string | null
  /** Default `any`. */
  operation?: AclOperation
  /** Default `any`. */
  permissionType?: AclPermissionType
}

/** One ACL of a {@link createAcls} result. */
export interface CreateAclResult extends ItemError {
  acl: AclBinding
}

/** Pattern type code for a request version: v0 knows only literal patterns. */
function patternCode(pattern: AclPatternType, version: number, filter: boolean): number {
  if (version === 0 && pattern !== 'literal' && !(filter && pattern === 'any')) throw new UnsupportedVersionError(`ACL pattern type '${pattern}' needs v1 of the ACL APIs`)
  return aclPatternTypeCode(pattern)
}

/** Creates ACLs; see {@link Admin.createAcls}. */
export async function createAcls(ctx: AdminContext, acls: readonly AclBinding[]): Promise<CreateAclResult[]> {
  const { cluster } = ctx
  if (acls.length === 0) return []
  const res = await cluster.withRetry(() =>
    cluster.send('any', CreateAcls, (v) => ({
      creations: acls.map((a) => ({
        resourceType: aclResourceTypeCode(a.resourceType),
        resourceName: a.resourceName,
        ...(v >= 1 ? { resourcePatternType: patternCode(a.patternType ?? 'literal', v, false) } : {}),
        principal: a.principal,
        host: a.host ?? '*',
        operation: aclOperationCode(a.operation),
        permissionType: aclPermissionTypeCode(a.permissionType),
      })),
    })),
  )
  // Results come in the order of the creations.
  return acls.map((acl, i) => {
    const r = res.results[i]
    return r ? { acl, ...itemError(r.errorCode, r.errorMessage ?? null) } : { acl, ...missingItem('ACL creation') }
  })
}

function filterFields(f: AclFilter, version: number): {
  resourceTypeFilter: number
  resourceNameFilter: string | null
  patternTypeFilter?: number
  principalFilter: string | null
  hostFilter: string | null
  operation: number
  permissionType: number
} {
  return {
    resourceTypeFilter: aclResourceTypeCode(f.resourceType ?? 'any'),
    resourceNameFilter: f.resourceName ?? null,
    ...(version >= 1 ? { patternTypeFilter: patternCode(f.patternType ?? 'any', version, true) } : {}),
    principalFilter: f.principal ?? null,
    hostFilter: f.host ?? null,
    operation: aclOperationCode(f.operation ?? 'any'),
    permissionType: aclPermissionTypeCode(f.permissionType ?? 'any'),
  }
}

/** ACLs matching a filter; see {@link Admin.describeAcls}. Rejects with the broker's error. */
export async function describeAcls(ctx: AdminContext, filter: AclFilter = {}): Promise<DescribedAcl[]> {
  const { cluster } = ctx
  const res = await cluster.withRetry(async () => {
    const r = await cluster.send('any', DescribeAcls, (v) => filterFields(filter, v))
    if (r.errorCode !== 0) throw responseError(r.errorCode, r.errorMessage ?? null, 'DescribeAcls')
    return r
  })
  const out: DescribedAcl[] = []
  for (const resource of res.resources) {
    for (const a of resource.acls) {
      out.push({
        resourceType: aclResourceType(resource.resourceType),
        resourceName: resource.resourceName,
        patternType: aclPatternType(resource.patternType ?? 3),
        principal: a.principal,
        host: a.host,
        operation: aclOperation(a.operation),
        permissionType: aclPermissionType(a.permissionType),
      })
    }
  }
  return out
}

/** One filter of a {@link deleteAcls} result: the ACLs it matched and deleted. */
export interface DeleteAclsResult extends ItemError {
  filter: AclFilter
  /** Each matching ACL, with its own error code (0 when deleted). */
  matchingAcls: Array<DescribedAcl & ItemError>
}

/** Deletes the ACLs matching each filter; see {@link Admin.deleteAcls}. */
export async function deleteAcls(ctx: AdminContext, filters: readonly AclFilter[]): Promise<DeleteAclsResult[]> {
  const { cluster } = ctx
  if (filters.length === 0) return []
  const res = await cluster.withRetry(() => cluster.send('any', DeleteAcls, (v) => ({ filters: filters.map((f) => filterFields(f, v)) })))
  return filters.map((filter, i) => {
    const r = res.filterResults[i]
    if (!r) return { filter, ...missingItem('ACL filter'), matchingAcls: [] }
    return {
      filter,
      ...itemError(r.errorCode, r.errorMessage ?? null),
      matchingAcls: r.matchingAcls.map((m) => ({
        resourceType: aclResourceType(m.resourceType),
        resourceName: m.resourceName,
        patternType: aclPatternType(m.patternType ?? 3),
        principal: m.principal,
        host: m.host,
        operation: aclOperation(m.operation),
        permissionType: aclPermissionType(m.permissionType),
        ...itemError(m.errorCode, m.errorMessage ?? null),
      })),
    }
  })
}
