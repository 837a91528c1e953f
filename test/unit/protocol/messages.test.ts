/**
 * Round trips every generated message at every version: a sample with non-default values in
 * every field the version carries (nested arrays and tagged fields included) is encoded,
 * decoded and compared, and the decode must consume exactly the encoded bytes.
 */
import t from 'tap'
import { KafkaProtocolError, UnsupportedVersionError } from '../../../src/errors.js'
import type { ApiDefinition, DataDefinition } from '../../../src/protocol/api.js'
import * as messages from '../../../src/protocol/messages/index.js'
import { ALL_APIS, API_BY_KEY, ApiVersions, Fetch, Metadata, Produce, RequestHeader, ResponseHeader } from '../../../src/protocol/messages/index.js'
import { Reader } from '../../../src/protocol/reader.js'
import { Writer } from '../../../src/protocol/writer.js'
import { MESSAGES, messageNamed, messageSample, normalize, versionsOf } from './messages-samples.test.js'

type Encode = (w: Writer, version: number, msg: never) => void
type Decode = (r: Reader, version: number) => unknown

/** The assertions roundTrip uses (any tap Test has them). */
interface Asserts {
  fail(message: string): unknown
  pass(message: string): unknown
  same(found: unknown, wanted: unknown, message: string): unknown
}

function roundTrip(t: Asserts, name: string, version: number, encode: Encode, decode: Decode, sample: Record<string, unknown>): void {
  const w = new Writer(16)
  encode(w, version, sample as never)
  const bytes = w.toBuffer()
  const r = new Reader(bytes)
  const decoded = decode(r, version)
  if (r.offset !== bytes.length) t.fail(`${name} v${version}: decode consumed ${r.offset} of ${bytes.length} bytes`)
  const same = JSON.stringify(normalize(decoded), bigints) === JSON.stringify(normalize(sample), bigints)
  if (!same) t.same(normalize(decoded), normalize(sample), `${name} v${version}`)
  // The decoded message encodes back to the same bytes.
  const w2 = new Writer(16)
  encode(w2, version, decoded as never)
  if (!w2.toBuffer().equals(bytes)) t.fail(`${name} v${version}: re-encoding the decoded message changed the bytes`)
  t.pass(`${name} v${version}`)
}

function bigints(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v
}

t.test('API_BY_KEY and ALL_APIS list every request/response pair by key', async (t) => {
  const requests = MESSAGES.filter((m) => m.kind === 'request')
  t.equal(ALL_APIS.length, requests.length)
  for (const m of requests) {
    const api = API_BY_KEY[m.raw.apiKey!]
    t.ok(api, `API key ${m.raw.apiKey}`)
    t.equal(`${api!.name}Request`, m.name)
    t.equal(api!.minVersion, m.valid.lo)
    t.equal(api!.maxVersion, m.valid.hi)
  }
  for (let i = 1; i < ALL_APIS.length; i++) t.ok(ALL_APIS[i - 1].apiKey < ALL_APIS[i].apiKey)
  t.equal(Metadata.routing, 'any')
  t.equal(Fetch.routing, 'leader')
  t.equal(API_BY_KEY[11]!.routing, 'groupCoordinator')
  t.equal(API_BY_KEY[26]!.routing, 'transactionCoordinator')
  t.equal(API_BY_KEY[4], undefined, 'LeaderAndIsr is gone (validVersions "none")')
  t.equal(API_BY_KEY[52], undefined, 'Vote is controller-only: not in the client package')
  t.equal(API_BY_KEY[27]!.routing, 'leader', 'WriteTxnMarkers: sent by the admin to abort a hanging transaction (KIP-664)')
  t.equal(API_BY_KEY[83], undefined, 'InitializeShareGroupState is broker-to-broker: not in the client package')
  t.equal(API_BY_KEY[22]!.latestVersionUnstable, true, 'InitProducerId latest version is unstable')
  t.equal(Metadata.latestVersionUnstable, false)
})

t.test('header versions follow the flexible versions, with the two exceptions', async (t) => {
  t.equal(Metadata.requestHeaderVersion(8), 1)
  t.equal(Metadata.requestHeaderVersion(9), 2)
  t.equal(Metadata.responseHeaderVersion(8), 0)
  t.equal(Metadata.responseHeaderVersion(9), 1)
  t.equal(ApiVersions.requestHeaderVersion(3), 2)
  t.equal(ApiVersions.responseHeaderVersion(3), 0, 'ApiVersions responses always use header v0')
  const saslHandshake = API_BY_KEY[17]!
  t.equal(saslHandshake.flexibleMinVersion, -1)
  t.equal(saslHandshake.requestHeaderVersion(1), 1)
})

for (const nulls of [false, true]) {
  t.test(`every API request and response round trips at every version (${nulls ? 'nulls where allowed' : 'non-default values'})`, async (t) => {
    for (const api of ALL_APIS) {
      const req = messageNamed(`${api.name}Request`)
      const res = messageNamed(`${api.name}Response`)
      for (const v of versionsOf(req)) {
        roundTrip(t, req.name, v, api.encodeRequest as Encode, api.decodeRequest, messageSample(req, v, { nulls, seed: v + 1 }))
        roundTrip(t, res.name, v, api.encodeResponse as Encode, api.decodeResponse, messageSample(res, v, { nulls, seed: v + 2 }))
      }
    }
  })

  t.test(`headers and data messages round trip at every version (${nulls ? 'nulls' : 'values'})`, async (t) => {
    const defs = messages as unknown as Record<string, DataDefinition<unknown>>
    for (const m of MESSAGES.filter((x) => x.kind === 'header' || x.kind === 'data')) {
      const def = defs[m.name]
      t.ok(def, `${m.name} has a DataDefinition`)
      t.equal(def.minVersion, m.valid.lo)
      t.equal(def.maxVersion, m.valid.hi)
      for (const v of versionsOf(m)) roundTrip(t, m.name, v, def.encode as Encode, def.decode, messageSample(m, v, { nulls, seed: v + 3 }))
    }
  })
}

t.test('the request header keeps ClientId a non-compact string in flexible v2', async (t) => {
  const w = new Writer()
  messages.encodeRequestHeader(w, 2, { requestApiKey: 3, requestApiVersion: 12, correlationId: 7, clientId: 'ab' })
  t.same([...w.toBuffer()], [0, 3, 0, 12, 0, 0, 0, 7, 0, 2, 0x61, 0x62, 0])
  t.same(RequestHeader.decode(new Reader(w.toBuffer()), 2), { requestApiKey: 3, requestApiVersion: 12, correlationId: 7, clientId: 'ab' })
  const w1 = new Writer()
  messages.encodeResponseHeader(w1, 1, { correlationId: 9 })
  t.same([...w1.toBuffer()], [0, 0, 0, 9, 0])
  t.same(ResponseHeader.decode(new Reader(w1.toBuffer()), 0), { correlationId: 9 })
})

t.test('unknown tagged fields are read, kept and written back in tag order', async (t) => {
  const data1 = Buffer.from([1, 2, 3])
  const data2 = Buffer.from([9])
  const msg = {
    topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', name: 'orders', unknownTaggedFields: [{ tag: 3, data: data2 }] }],
    allowAutoTopicCreation: true,
    includeTopicAuthorizedOperations: false,
    unknownTaggedFields: [
      { tag: 40, data: data1 },
      { tag: 7, data: data2 },
    ],
  }
  const w = new Writer()
  Metadata.encodeRequest(w, 12, msg)
  const decoded = Metadata.decodeRequest(new Reader(w.toBuffer()), 12)
  t.same(normalize(decoded.unknownTaggedFields), normalize([{ tag: 7, data: data2 }, { tag: 40, data: data1 }]), 'sorted by tag')
  t.same(normalize(decoded.topics![0].unknownTaggedFields), normalize([{ tag: 3, data: data2 }]))
  // Known tagged fields interleave with unknown ones by tag: ApiVersionsResponse knows tags 0-3.
  const res = {
    errorCode: 0,
    apiKeys: [],
    throttleTimeMs: 0,
    finalizedFeaturesEpoch: 5n,
    unknownTaggedFields: [
      { tag: 9, data: data2 },
      { tag: 4, data: data1 },
    ],
  }
  const w2 = new Writer()
  ApiVersions.encodeResponse(w2, 3, res)
  const bytes = w2.toBuffer()
  // errorCode(2) + apiKeys(1) + throttle(4), then: 3 tagged fields; tag 1 size 8; tag 4 size 3; tag 9 size 1.
  t.same([...bytes.subarray(7)], [3, 1, 8, 0, 0, 0, 0, 0, 0, 0, 5, 4, 3, 1, 2, 3, 9, 1, 9])
  const back = ApiVersions.decodeResponse(new Reader(bytes), 3)
  t.equal(back.finalizedFeaturesEpoch, 5n)
  t.same(
    back.unknownTaggedFields!.map((f) => f.tag),
    [4, 9],
  )
})

t.test('tagged fields equal to their default are not written', async (t) => {
  const w = new Writer()
  ApiVersions.encodeResponse(w, 3, { errorCode: 0, apiKeys: [], throttleTimeMs: 0, finalizedFeaturesEpoch: -1n, zkMigrationReady: false })
  t.same([...w.toBuffer()], [0, 0, 1, 0, 0, 0, 0, 0])
})

t.test('fields the version cannot carry: non-default throws, ignorable is dropped, defaults pass', async (t) => {
  const w = new Writer()
  t.throws(() => Metadata.encodeRequest(w, 3, { topics: null, allowAutoTopicCreation: false }), UnsupportedVersionError)
  t.throws(
    () => Metadata.encodeRequest(new Writer(), 3, { topics: null, allowAutoTopicCreation: false }),
    /MetadataRequest\.allowAutoTopicCreation cannot be sent at version 3 \(it exists in versions 4\+\)/,
  )
  // AllowAutoTopicCreation at its default (true) is fine at v3.
  const w3 = new Writer()
  Metadata.encodeRequest(w3, 3, { topics: null, allowAutoTopicCreation: true })
  t.same([...w3.toBuffer()], [0xff, 0xff, 0xff, 0xff])
  // TopicId is ignorable: dropped at v9.
  const w9 = new Writer()
  Metadata.encodeRequest(w9, 9, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', name: 'a' }] })
  const back = Metadata.decodeRequest(new Reader(w9.toBuffer()), 9)
  t.equal(back.topics![0].topicId, undefined)
  t.equal(back.topics![0].name, 'a')
  // A tagged field the version does not know, non-default and not ignorable.
  t.throws(
    () => Produce.encodeResponse(new Writer(), 9, { responses: [], throttleTimeMs: 0, nodeEndpoints: [{ nodeId: 1, host: 'h', port: 1, rack: null }] }),
    /ProduceResponse\.nodeEndpoints cannot be sent at version 9/,
  )
  // An ignorable tagged field is dropped: ApiVersionsResponse.FinalizedFeaturesEpoch at v2.
  const w2 = new Writer()
  ApiVersions.encodeResponse(w2, 2, { errorCode: 0, apiKeys: [], throttleTimeMs: 0, finalizedFeaturesEpoch: 3n })
  t.equal(w2.offset, 2 + 4 + 4)
  // A struct field compares with its default field by field.
  const partition = (leaderId: number) => ({
    index: 0,
    errorCode: 0,
    baseOffset: 0n,
    logAppendTimeMs: -1n,
    currentLeader: { leaderId, leaderEpoch: -1 },
  })
  t.throws(() => Produce.encodeResponse(new Writer(), 9, { responses: [{ name: 't', partitionResponses: [partition(2)] }], throttleTimeMs: 0 }), /currentLeader/)
  Produce.encodeResponse(new Writer(), 9, { responses: [{ name: 't', partitionResponses: [partition(-1)] }], throttleTimeMs: 0 })
  // Null where the version does not allow it.
  t.throws(() => Metadata.encodeRequest(new Writer(), 0, { topics: null }), /MetadataRequest\.topics cannot be null at version 0/)
  t.throws(() => Metadata.encodeRequest(new Writer(), 9, { topics: [{ name: null }] }), UnsupportedVersionError)
})

t.test('versions outside the supported range are rejected', async (t) => {
  t.throws(() => Metadata.encodeRequest(new Writer(), Metadata.maxVersion + 1, { topics: null }), UnsupportedVersionError)
  t.throws(() => Metadata.encodeRequest(new Writer(), -1, { topics: null }), UnsupportedVersionError)
  t.throws(() => Metadata.decodeResponse(new Reader(Buffer.alloc(64)), 99), UnsupportedVersionError)
  t.throws(() => RequestHeader.encode(new Writer(), 3, { requestApiKey: 0, requestApiVersion: 0, correlationId: 0, clientId: null }), UnsupportedVersionError)
})

t.test('decode errors name the field path and byte offset', async (t) => {
  const w = new Writer()
  Metadata.encodeResponse(w, 1, {
    brokers: [],
    topics: [{ errorCode: 0, name: 'orders', partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1] }] }],
  })
  const full = w.toBuffer()
  const cut = full.subarray(0, full.length - 3)
  try {
    Metadata.decodeResponse(new Reader(cut), 1)
    t.fail('expected a KafkaProtocolError')
  } catch (err) {
    t.type(err, KafkaProtocolError)
    const e = err as KafkaProtocolError
    t.equal(e.path, 'MetadataResponse.topics.partitions.isrNodes')
    t.match(e.message, /^truncated int32: need 4 bytes, 1 left in MetadataResponse\.topics\.partitions\.isrNodes at byte \d+$/)
  }
  // A null where the version allows none.
  const nullTopics = Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff])
  t.throws(() => Metadata.decodeResponse(new Reader(nullTopics), 0), /null array where none is allowed in MetadataResponse\.topics/)
})

t.test('ApiDefinition values are assignable to the erased table type', async (t) => {
  const list: ReadonlyArray<ApiDefinition<unknown, unknown>> = [Metadata, Fetch, ApiVersions]
  t.equal(list.length, 3)
})
