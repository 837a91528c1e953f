/**
 * Builds the message model from the raw JSON: field names, TypeScript struct names (unique
 * across every generated module, so `index.ts` can re-export them all) and the versions in
 * which each struct can appear.
 */
import {
  EMPTY_RANGE,
  covers,
  hull,
  intersect,
  isEmpty,
  parseRange,
  parseType,
  structNameOf,
  type FieldSpec,
  type MessageSpec,
  type RawField,
  type RawMessage,
  type StructSpec,
} from './spec.js'

/**
 * camelCase of a JSON field name, lowering a leading acronym as a word:
 * `ErrorCode` → `errorCode`, `ISRNodes` → `isrNodes`, `KRaftVersion` → `kraftVersion`.
 */
export function camelName(name: string): string {
  if (/^[a-z]/.test(name)) return name
  if (name.startsWith('KRaft')) return 'kraft' + name.slice(5)
  const upper = /^[A-Z0-9]+/.exec(name)![0]
  if (upper.length === name.length) return name.toLowerCase()
  if (upper.length === 1) return name[0].toLowerCase() + name.slice(1)
  return upper.slice(0, -1).toLowerCase() + name.slice(upper.length - 1)
}

/** kebab-case module name: `ApiVersions` → `api-versions`, `KRaftVersionRecord` → `kraft-version-record`. */
export function kebabName(name: string): string {
  return name
    .replace(/KRaft/g, 'Kraft')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
}

/** The API name of a request or response message: `MetadataRequest` → `Metadata`. */
export function apiNameOf(messageName: string): string {
  return messageName.replace(/(Request|Response)$/, '')
}

function parseField(raw: RawField, where: string): FieldSpec {
  const tagged = parseRange(raw.taggedVersions)
  if (!isEmpty(tagged) && raw.tag === undefined) throw new Error(`${where}.${raw.name}: taggedVersions without tag`)
  return {
    jsonName: raw.name,
    name: camelName(raw.name),
    type: parseType(raw.type),
    about: raw.about ?? '',
    versions: parseRange(raw.versions),
    nullable: parseRange(raw.nullableVersions),
    tagged,
    tag: raw.tag === undefined ? -1 : Number(raw.tag),
    ignorable: raw.ignorable === true,
    default: raw.default,
    flexibleOverride: raw.flexibleVersions === undefined ? undefined : parseRange(raw.flexibleVersions),
    versionsText: raw.versions,
    nullableText: raw.nullableVersions,
    taggedText: raw.taggedVersions,
  }
}

interface RawStruct {
  jsonName: string
  fields: RawField[]
}

/** Every struct definition of a message: inline ones (fields with `fields`) and common ones. */
function rawStructsOf(raw: RawMessage): RawStruct[] {
  const out: RawStruct[] = []
  const walk = (fields: RawField[]): void => {
    for (const f of fields) {
      if (f.fields !== undefined) {
        const name = structNameOf(parseType(f.type))
        if (name === undefined) throw new Error(`${raw.name}.${f.name}: fields on a non-struct type`)
        out.push({ jsonName: name, fields: f.fields })
        walk(f.fields)
      }
    }
  }
  walk(raw.fields)
  for (const cs of raw.commonStructs ?? []) {
    out.push({ jsonName: cs.name, fields: cs.fields })
    walk(cs.fields)
  }
  return out
}

/**
 * Builds every message. Struct names: the JSON name when no other definition (in any file)
 * uses it and it names no message or API; otherwise the message name followed by the JSON name
 * (`ProduceResponse` + `NodeEndpoint` → `ProduceResponseNodeEndpoint`).
 */
export function buildMessages(raws: { file: string; raw: RawMessage }[]): MessageSpec[] {
  const taken = new Set<string>(['ApiDefinition', 'ApiRouting', 'DataDefinition', 'TaggedField'])
  for (const { raw } of raws) {
    taken.add(raw.name)
    if (raw.type === 'request' || raw.type === 'response') taken.add(apiNameOf(raw.name))
  }
  const uses = new Map<string, number>()
  const structsByMessage = new Map<string, RawStruct[]>()
  for (const { raw } of raws) {
    const structs = rawStructsOf(raw)
    structsByMessage.set(raw.name, structs)
    for (const name of new Set(structs.map((s) => s.jsonName))) uses.set(name, (uses.get(name) ?? 0) + 1)
  }

  const messages: MessageSpec[] = []
  for (const { file, raw } of raws) {
    const valid = parseRange(raw.validVersions)
    const message: MessageSpec = {
      raw,
      file,
      name: raw.name,
      kind: raw.type,
      valid,
      flexible: parseRange(raw.flexibleVersions),
      top: undefined as unknown as StructSpec,
      structs: [],
    }
    const top: StructSpec = {
      jsonName: raw.name,
      tsName: raw.name,
      fields: raw.fields.map((f) => parseField(f, raw.name)),
      context: valid,
      message,
      isTop: true,
    }
    message.top = top
    message.structs.push(top)
    const byJsonName = new Map<string, StructSpec>()
    for (const rs of structsByMessage.get(raw.name)!) {
      if (byJsonName.has(rs.jsonName)) {
        // A repeated inline definition of the same struct: Kafka requires them to be identical.
        continue
      }
      const unique = uses.get(rs.jsonName) === 1 && !taken.has(rs.jsonName)
      const spec: StructSpec = {
        jsonName: rs.jsonName,
        tsName: unique ? rs.jsonName : raw.name + rs.jsonName,
        fields: rs.fields.map((f) => parseField(f, `${raw.name}.${rs.jsonName}`)),
        context: EMPTY_RANGE,
        message,
        isTop: false,
      }
      byJsonName.set(rs.jsonName, spec)
      message.structs.push(spec)
    }
    // The versions a struct can appear in: the hull of the versions of the fields that hold it.
    // Repeated until stable because common structs may be used before they are defined.
    for (let changed = true; changed; ) {
      changed = false
      for (const s of message.structs) {
        if (isEmpty(s.context)) continue
        for (const f of s.fields) {
          const name = structNameOf(f.type)
          if (name === undefined) continue
          const target = byJsonName.get(name)
          if (target === undefined) throw new Error(`${raw.name}: field ${f.jsonName} names unknown struct ${name}`)
          const next = hull(target.context, intersect(f.versions, s.context))
          if (next.lo !== target.context.lo || next.hi !== target.context.hi) {
            target.context = next
            changed = true
          }
        }
      }
    }
    for (const s of message.structs) {
      const names = new Set<string>()
      for (const f of s.fields) {
        if (names.has(f.name)) throw new Error(`${raw.name}.${s.jsonName}: two fields named ${f.name}`)
        names.add(f.name)
      }
    }
    messages.push(message)
  }
  return messages
}

/** The struct a field refers to, within its message. */
export function structOf(message: MessageSpec, field: FieldSpec): StructSpec | undefined {
  const name = structNameOf(field.type)
  if (name === undefined) return undefined
  return message.structs.find((s) => !s.isTop && s.jsonName === name)
}

/** A field is required in the interface when every version of its struct carries it untagged. */
export function isRequired(struct: StructSpec, field: FieldSpec): boolean {
  return covers(field.versions, struct.context) && isEmpty(intersect(field.tagged, struct.context))
}
