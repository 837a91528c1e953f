/**
 * Client-side partition assignors of the classic consumer group protocol: `range`,
 * `roundrobin` and `cooperative-sticky`, named and behaving as in the Java client.
 */
import { ConfigError } from '../../../errors.js'
import type { Assignor } from './assignor.js'
import { cooperativeStickyAssignor } from './cooperative-sticky-assignor.js'
import { rangeAssignor } from './range-assignor.js'
import { roundRobinAssignor } from './round-robin-assignor.js'

export type {
  Assignment,
  Assignor,
  AssignorContext,
  MemberSubscription,
  SubscriptionUserDataContext,
} from './assignor.js'
export { compareMembers } from './assignor-input.js'
export {
  cooperativeStickyAssignor,
  decodeCooperativeStickyUserData,
  encodeCooperativeStickyUserData,
  NO_GENERATION,
} from './cooperative-sticky-assignor.js'
export { rangeAssignor } from './range-assignor.js'
export { roundRobinAssignor } from './round-robin-assignor.js'

/** Option names of the built-in assignors. */
export type AssignorName = 'range' | 'roundRobin' | 'cooperativeSticky'

/** Built-in assignors by option name. */
export const ASSIGNORS: Readonly<Record<AssignorName, Assignor>> = Object.freeze({
  range: rangeAssignor,
  roundRobin: roundRobinAssignor,
  cooperativeSticky: cooperativeStickyAssignor,
})

/**
 * The assignor for an option name, a protocol name (`range`, `roundrobin`,
 * `cooperative-sticky`) or a custom {@link Assignor}, which is checked and returned as is.
 * @throws ConfigError for an unknown name or an object that is not an assignor
 */
export function resolveAssignor(spec: AssignorName | 'roundrobin' | 'cooperative-sticky' | Assignor): Assignor {
  if (typeof spec === 'string') {
    if (Object.hasOwn(ASSIGNORS, spec)) return ASSIGNORS[spec as AssignorName]
    for (const a of Object.values(ASSIGNORS)) if (a.name === spec) return a
    throw new ConfigError(`Unknown assignor ${JSON.stringify(spec)}: expected one of ${Object.keys(ASSIGNORS).join(', ')} or an Assignor`)
  }
  const a = spec as Partial<Assignor> | null
  if (
    a === null ||
    typeof a !== 'object' ||
    typeof a.name !== 'string' ||
    a.name === '' ||
    typeof a.assign !== 'function' ||
    (a.protocol !== 'eager' && a.protocol !== 'cooperative') ||
    !Number.isInteger(a.version)
  ) {
    throw new ConfigError('Invalid assignor: expected { name, protocol: "eager" | "cooperative", version, assign(ctx) }')
  }
  return spec
}
