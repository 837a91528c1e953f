/**
 * Argument checks of the admin methods: bad input is a ConfigError naming the field, before
 * anything is sent (a fractional count would otherwise be truncated by the encoder, a number
 * where a string belongs would fail as a PROTOCOL_DECODE "encoding failed", a non-array would
 * throw a raw TypeError). Topic names follow Kafka's rule (src/topic-name.ts).
 */
import { z } from 'zod'
import { ConfigError } from '../errors.js'
import { topicNameProblem } from '../topic-name.js'
import { ACL_OPERATION_CODES, ACL_PATTERN_TYPE_CODES, ACL_PERMISSION_TYPE_CODES, ACL_RESOURCE_TYPE_CODES } from './acl-codes.js'
import { ALTER_CONFIG_OP_CODES, CONFIG_RESOURCE_TYPE_CODES } from './config-resources.js'
import { TRANSACTION_STATES } from './transaction-states.js'

const topicName = z.string().superRefine((name, ctx) => {
  const problem = topicNameProblem(name)
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `illegal topic name: ${problem}` })
})
const nonEmpty = z.string().min(1)
const partition = z.number().int().nonnegative()
const brokerId = z.number().int().nonnegative()
const positiveInt = z.number().int().positive()
const timeoutMs = positiveInt.optional()
const enumOf = <T extends string>(codes: Readonly<Record<T, number>>) => z.enum(Object.keys(codes) as [T, ...T[]])
/** A config value: numbers and booleans are sent as their string form, as KafkaJS users expect. */
const configValue = z.union([z.string(), z.number().finite(), z.boolean()], { error: 'a config value must be a string, a number or a boolean' })
/** An offset: a bigint or a safe integer. */
const offset = z.union([z.bigint(), z.number().int().refine(Number.isSafeInteger, 'must be a safe integer')])
const nonNegativeOffset = offset.refine((o) => o >= 0, 'must be >= 0')
const topicPartition = z.object({ topic: topicName, partition }).strict()

/** A count of CreateTopics: positive, or -1 for the broker's default (the protocol's meaning, KIP-464). */
const countOrDefault = z.number().int().refine((n) => n === -1 || n >= 1, 'must be a positive integer, or -1 for the broker default')

const newTopic = z
  .object({
    name: topicName,
    partitions: countOrDefault.optional(),
    replicationFactor: countOrDefault.optional(),
    assignments: z.array(z.object({ partition, replicas: z.array(brokerId).min(1) }).strict()).min(1).optional(),
    configs: z.record(z.string().min(1), configValue).optional(),
  })
  .strict()
  .refine((t) => t.assignments === undefined || (t.partitions === undefined && t.replicationFactor === undefined), 'give either assignments or partitions/replicationFactor')

const aclBinding = z
  .object({
    resourceType: enumOf(ACL_RESOURCE_TYPE_CODES).exclude(['any']),
    resourceName: nonEmpty,
    patternType: z.enum(['literal', 'prefixed']).optional(),
    principal: nonEmpty,
    host: nonEmpty.optional(),
    operation: enumOf(ACL_OPERATION_CODES).exclude(['any']),
    permissionType: enumOf(ACL_PERMISSION_TYPE_CODES).exclude(['any']),
  })
  .strict()

const aclFilter = z
  .object({
    resourceType: enumOf(ACL_RESOURCE_TYPE_CODES).optional(),
    resourceName: z.string().nullable().optional(),
    patternType: enumOf(ACL_PATTERN_TYPE_CODES).optional(),
    principal: z.string().nullable().optional(),
    host: z.string().nullable().optional(),
    operation: enumOf(ACL_OPERATION_CODES).optional(),
    permissionType: enumOf(ACL_PERMISSION_TYPE_CODES).optional(),
  })
  .strict()

const offsetSpec = z.union([
  z.enum(['earliest', 'latest', 'maxTimestamp', 'earliestLocal', 'latestTiered']),
  z.number().int().nonnegative().refine(Number.isSafeInteger, 'must be a safe integer'),
])

const groupId = nonEmpty
/** A producer id: a non-negative bigint or safe integer. */
const producerId = offset.refine((o) => o >= 0, 'must be >= 0')

/** The argument list of each admin method, as a zod tuple (options objects are strict). */
export const ADMIN_ARGS = {
  createTopics: z.tuple([z.array(newTopic), z.object({ validateOnly: z.boolean().optional(), timeoutMs }).strict().optional()]),
  deleteTopics: z.tuple([z.array(topicName), z.object({ timeoutMs }).strict().optional()]),
  createPartitions: z.tuple([
    z.array(z.object({ topic: topicName, count: positiveInt, assignments: z.array(z.array(brokerId).min(1)).optional() }).strict()),
    z.object({ validateOnly: z.boolean().optional(), timeoutMs }).strict().optional(),
  ]),
  metadata: z.tuple([z.array(topicName).optional()]),
  describeCluster: z.tuple([]),
  listTopics: z.tuple([z.object({ includeInternal: z.boolean().optional() }).strict().optional()]),
  describeConfigs: z.tuple([
    z.array(z.object({ type: enumOf(CONFIG_RESOURCE_TYPE_CODES), name: z.string(), keys: z.array(nonEmpty).optional() }).strict()),
    z.object({ includeSynonyms: z.boolean().optional(), includeDocumentation: z.boolean().optional() }).strict().optional(),
  ]),
  incrementalAlterConfigs: z.tuple([
    z.array(
      z
        .object({
          type: enumOf(CONFIG_RESOURCE_TYPE_CODES),
          name: z.string(),
          configs: z.array(z.object({ name: nonEmpty, value: configValue.nullable().optional(), op: enumOf(ALTER_CONFIG_OP_CODES).optional() }).strict()),
        })
        .strict(),
    ),
    z.object({ validateOnly: z.boolean().optional() }).strict().optional(),
  ]),
  listGroups: z.tuple([z.object({ states: z.array(nonEmpty).optional(), types: z.array(nonEmpty).optional() }).strict().optional()]),
  describeGroups: z.tuple([z.array(groupId)]),
  deleteGroups: z.tuple([z.array(groupId)]),
  listOffsets: z.tuple([
    z.array(z.object({ topic: topicName, partition, at: offsetSpec }).strict()),
    z.object({ isolationLevel: z.enum(['read_uncommitted', 'read_committed']).optional() }).strict().optional(),
  ]),
  fetchCommittedOffsets: z.tuple([
    groupId,
    z.array(z.union([topicName, z.object({ topic: topicName, partitions: z.array(partition) }).strict()])).optional(),
    z.object({ requireStable: z.boolean().optional() }).strict().optional(),
  ]),
  alterCommittedOffsets: z.tuple([
    groupId,
    z.array(
      z
        .object({ topic: topicName, partition, offset: nonNegativeOffset, leaderEpoch: z.number().int().min(-1).optional(), metadata: z.string().nullable().optional() })
        .strict(),
    ),
  ]),
  deleteCommittedOffsets: z.tuple([groupId, z.array(topicPartition)]),
  deleteRecords: z.tuple([
    z.array(z.object({ topic: topicName, partition, beforeOffset: offset.refine((o) => o >= -1, 'must be >= 0, or -1 for the high watermark') }).strict()),
    z.object({ timeoutMs }).strict().optional(),
  ]),
  describeUserScramCredentials: z.tuple([z.array(nonEmpty).optional()]),
  upsertScramUser: z.tuple([
    z
      .object({
        name: nonEmpty,
        mechanism: z.enum(['SCRAM-SHA-256', 'SCRAM-SHA-512']),
        password: nonEmpty,
        iterations: z.number().int().min(4096).max(16384).optional(),
      })
      .strict(),
  ]),
  deleteScramUser: z.tuple([z.object({ name: nonEmpty, mechanism: z.enum(['SCRAM-SHA-256', 'SCRAM-SHA-512']) }).strict()]),
  createAcls: z.tuple([z.array(aclBinding)]),
  describeAcls: z.tuple([aclFilter.optional()]),
  deleteAcls: z.tuple([z.array(aclFilter)]),
  listTransactions: z.tuple([
    z
      .object({
        states: z.array(z.enum(TRANSACTION_STATES)).optional(),
        producerIds: z.array(producerId).optional(),
        durationMs: z.number().int().nonnegative().refine(Number.isSafeInteger, 'must be a safe integer').optional(),
        transactionalIdPattern: z.string().optional(),
      })
      .strict()
      .optional(),
  ]),
  describeTransactions: z.tuple([z.array(nonEmpty)]),
  describeProducers: z.tuple([z.array(topicPartition)]),
  abortTransaction: z.tuple([
    z
      .object({
        topic: topicName,
        partition,
        producerId,
        producerEpoch: z.number().int().min(0).max(32767),
        coordinatorEpoch: z.number().int().min(-1).max(2147483647),
      })
      .strict(),
  ]),
} as const

/** An admin method with checked arguments. */
export type AdminMethod = keyof typeof ADMIN_ARGS

/** Parameter names, for messages (`topics[0].partitions`). */
const PARAMS: Record<AdminMethod, readonly string[]> = {
  createTopics: ['topics', 'options'],
  deleteTopics: ['names', 'options'],
  createPartitions: ['topics', 'options'],
  metadata: ['topics'],
  describeCluster: [],
  listTopics: ['options'],
  describeConfigs: ['resources', 'options'],
  incrementalAlterConfigs: ['resources', 'options'],
  listGroups: ['options'],
  describeGroups: ['groupIds'],
  deleteGroups: ['groupIds'],
  listOffsets: ['partitions', 'options'],
  fetchCommittedOffsets: ['groupId', 'topics', 'options'],
  alterCommittedOffsets: ['groupId', 'offsets'],
  deleteCommittedOffsets: ['groupId', 'partitions'],
  deleteRecords: ['partitions', 'options'],
  describeUserScramCredentials: ['users'],
  upsertScramUser: ['user'],
  deleteScramUser: ['user'],
  createAcls: ['acls'],
  describeAcls: ['filter'],
  deleteAcls: ['filters'],
  listTransactions: ['options'],
  describeTransactions: ['transactionalIds'],
  describeProducers: ['partitions'],
  abortTransaction: ['spec'],
}

function fieldPath(method: AdminMethod, path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(arguments)'
  const [first, ...rest] = path
  let out = typeof first === 'number' ? (PARAMS[method][first] ?? `argument ${first}`) : String(first)
  for (const p of rest) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`
  return out
}

/**
 * Checks the arguments of an admin method (trailing `undefined`s are left-out optionals).
 * @throws ConfigError naming the method and the field, e.g. `invalid createTopics arguments: topics[0].partitions: ...`.
 */
export function checkAdminArgs(method: AdminMethod, args: readonly unknown[]): void {
  let n = args.length
  while (n > 0 && args[n - 1] === undefined) n--
  const parsed = ADMIN_ARGS[method].safeParse(args.slice(0, n))
  if (parsed.success) return
  const issues = parsed.error.issues.map((i) => `${fieldPath(method, i.path)}: ${i.message}`)
  throw new ConfigError(`invalid ${method} arguments: ${issues.join('; ')}`, parsed.error)
}
