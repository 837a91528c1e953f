/**
 * Configs: DescribeConfigs (KIP-133, synonyms KIP-226, documentation KIP-569) and
 * IncrementalAlterConfigs (KIP-339). Broker and broker-logger resources are sent to the broker
 * they name; the others together to any broker.
 */
import type { Broker } from '../pool/broker.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { DescribeConfigs } from '../protocol/messages/describe-configs.js'
import { IncrementalAlterConfigs } from '../protocol/messages/incremental-alter-configs.js'
import { type AdminContext, knownBroker } from './admin-context.js'
import {
  alterConfigOpCode,
  type AlterConfigOp,
  type ConfigResourceType,
  configResourceTypeCode,
  configSource,
  type ConfigSource,
  configTarget,
  configType,
  type ConfigType,
} from './config-resources.js'
import { type ItemError, itemError, missingItem } from './item-error.js'

/** A resource whose configs to describe. */
export interface ConfigResource {
  type: ConfigResourceType
  /** Topic name, broker id (`'1'`), group id, ... */
  name: string
  /** Only these config names; default all. */
  keys?: readonly string[]
}

export interface ConfigSynonym {
  name: string
  value: string | null
  source: ConfigSource
}

export interface ConfigEntry {
  name: string
  /** The value; null when sensitive or unset. */
  value: string | null
  readOnly: boolean
  /** Whether the value is the default (v0: as the broker says; v1+: source is `defaultConfig`). */
  isDefault: boolean
  source: ConfigSource
  isSensitive: boolean
  /** Values in order of precedence (with `includeSynonyms`, v1+), else empty. */
  synonyms: ConfigSynonym[]
  /** Value type (v3+), `unknown` before. */
  type: ConfigType
  /** Documentation (with `includeDocumentation`, v3+), else null. */
  documentation: string | null
}

/** One resource of a {@link describeConfigs} result. */
export interface DescribeConfigsResult extends ItemError {
  type: ConfigResourceType
  name: string
  configs: ConfigEntry[]
}

export interface DescribeConfigsOptions {
  /** Also return each config's synonyms (v1+). Default false. */
  includeSynonyms?: boolean
  /** Also return each config's documentation (v3+). Default false. */
  includeDocumentation?: boolean
}

/** Groups items by the broker they must go to, keeping each item's index. */
function byTarget<T>(items: readonly T[], target: (item: T) => number | 'any'): Map<number | 'any', number[]> {
  const groups = new Map<number | 'any', number[]>()
  items.forEach((item, i) => {
    const t = target(item)
    let g = groups.get(t)
    if (!g) groups.set(t, (g = []))
    g.push(i)
  })
  return groups
}

/** 'any' stays 'any'; a broker id becomes its Broker, or null when the cluster has no such broker. */
async function resolveTarget(ctx: AdminContext, target: number | 'any'): Promise<Broker | 'any' | null> {
  return target === 'any' ? 'any' : knownBroker(ctx, target)
}

function resourceKey(typeCode: number, name: string): string {
  return `${typeCode}\u0000${name}`
}

/** Describes configs; see {@link Admin.describeConfigs}. */
export async function describeConfigs(ctx: AdminContext, resources: readonly ConfigResource[], options: DescribeConfigsOptions = {}): Promise<DescribeConfigsResult[]> {
  const { cluster } = ctx
  const results: DescribeConfigsResult[] = new Array<DescribeConfigsResult>(resources.length)
  const groups = byTarget(resources, (r) => configTarget(r.type, r.name))
  await Promise.all(
    [...groups].map(async ([target, indexes]) => {
      const broker = await resolveTarget(ctx, target)
      if (broker === null) {
        for (const i of indexes) results[i] = { type: resources[i].type, name: resources[i].name, ...itemError(ErrorCode.BROKER_NOT_AVAILABLE, `no broker ${target}`), configs: [] }
        return
      }
      const res = await cluster.withRetry(() =>
        cluster.send(broker, DescribeConfigs, (v) => ({
          resources: indexes.map((i) => ({
            resourceType: configResourceTypeCode(resources[i].type),
            resourceName: resources[i].name,
            configurationKeys: resources[i].keys ? [...(resources[i].keys ?? [])] : null,
          })),
          ...(v >= 1 ? { includeSynonyms: options.includeSynonyms ?? false } : {}),
          ...(v >= 3 ? { includeDocumentation: options.includeDocumentation ?? false } : {}),
        })),
      )
      const byKey = new Map(res.results.map((r) => [resourceKey(r.resourceType, r.resourceName), r]))
      for (const i of indexes) {
        const { type, name } = resources[i]
        const r = byKey.get(resourceKey(configResourceTypeCode(type), name))
        if (!r) {
          results[i] = { type, name, ...missingItem(`${type} ${name}`), configs: [] }
          continue
        }
        results[i] = {
          type,
          name,
          ...itemError(r.errorCode, r.errorMessage ?? null),
          configs: r.configs.map((c) => {
            const source = configSource(c.configSource ?? -1)
            return {
              name: c.name,
              value: c.value ?? null,
              readOnly: c.readOnly,
              isDefault: source === 'defaultConfig',
              source,
              isSensitive: c.isSensitive,
              synonyms: (c.synonyms ?? []).map((s) => ({ name: s.name, value: s.value ?? null, source: configSource(s.source) })),
              type: configType(c.configType ?? 0),
              documentation: c.documentation ?? null,
            }
          }),
        }
      }
    }),
  )
  return results
}

/** A resource whose configs to change. */
export interface AlterConfigsResource {
  type: ConfigResourceType
  name: string
  /** Values may be numbers or booleans: they are sent as their string form. */
  configs: ReadonlyArray<{ name: string; value?: string | number | boolean | null; op?: AlterConfigOp }>
}

/** One resource of an {@link incrementalAlterConfigs} result. */
export interface AlterConfigsResult extends ItemError {
  type: ConfigResourceType
  name: string
}

/** Changes configs; see {@link Admin.incrementalAlterConfigs}. */
export async function incrementalAlterConfigs(
  ctx: AdminContext,
  resources: readonly AlterConfigsResource[],
  options: { validateOnly?: boolean } = {},
): Promise<AlterConfigsResult[]> {
  const { cluster } = ctx
  const results: AlterConfigsResult[] = new Array<AlterConfigsResult>(resources.length)
  const groups = byTarget(resources, (r) => configTarget(r.type, r.name))
  await Promise.all(
    [...groups].map(async ([target, indexes]) => {
      const broker = await resolveTarget(ctx, target)
      if (broker === null) {
        for (const i of indexes) results[i] = { type: resources[i].type, name: resources[i].name, ...itemError(ErrorCode.BROKER_NOT_AVAILABLE, `no broker ${target}`) }
        return
      }
      const res = await cluster.withRetry(() =>
        cluster.send(broker, IncrementalAlterConfigs, () => ({
          resources: indexes.map((i) => ({
            resourceType: configResourceTypeCode(resources[i].type),
            resourceName: resources[i].name,
            configs: resources[i].configs.map((c) => ({
              name: c.name,
              configOperation: alterConfigOpCode(c.op ?? 'set'),
              value: c.op === 'delete' || c.value === undefined || c.value === null ? null : String(c.value),
            })),
          })),
          validateOnly: options.validateOnly ?? false,
        })),
      )
      const byKey = new Map(res.responses.map((r) => [resourceKey(r.resourceType, r.resourceName), r]))
      for (const i of indexes) {
        const { type, name } = resources[i]
        const r = byKey.get(resourceKey(configResourceTypeCode(type), name))
        results[i] = r ? { type, name, ...itemError(r.errorCode, r.errorMessage ?? null) } : { type, name, ...missingItem(`${type} ${name}`) }
      }
    }),
  )
  return results
}
