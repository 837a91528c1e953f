/**
 * Byte vectors written by hand from the protocol guide (kafka.apache.org/protocol, "Headers",
 * "Protocol Primitive Types") and the message definitions, checked against the generated code.
 */
import t from 'tap'
import { ApiVersions, Metadata, decodeRequestHeader, encodeRequestHeader } from '../../../src/protocol/messages/index.js'
import { Reader } from '../../../src/protocol/reader.js'
import { Writer } from '../../../src/protocol/writer.js'

const ascii = (s: string) => [...Buffer.from(s, 'ascii')]

t.test('ApiVersions v0 request: header v1 and an empty body', async (t) => {
  const w = new Writer()
  encodeRequestHeader(w, ApiVersions.requestHeaderVersion(0), { requestApiKey: 18, requestApiVersion: 0, correlationId: 1, clientId: 'kafkats' })
  ApiVersions.encodeRequest(w, 0, {})
  const expected = [
    0x00, 0x12, // request_api_key INT16 = 18
    0x00, 0x00, // request_api_version INT16 = 0
    0x00, 0x00, 0x00, 0x01, // correlation_id INT32 = 1
    0x00, 0x07, ...ascii('kafkats'), // client_id NULLABLE_STRING: INT16 length 7
    // ApiVersionsRequest v0 has no fields.
  ]
  t.same([...w.toBuffer()], expected)
  const r = new Reader(w.toBuffer())
  t.same(decodeRequestHeader(r, 1), { requestApiKey: 18, requestApiVersion: 0, correlationId: 1, clientId: 'kafkats' })
  t.same(ApiVersions.decodeRequest(r, 0), { clientSoftwareName: undefined, clientSoftwareVersion: undefined })
  t.equal(r.remaining(), 0)
})

t.test('ApiVersions v3 request: header v2 (client id stays INT16-length) and compact body', async (t) => {
  const w = new Writer()
  t.equal(ApiVersions.requestHeaderVersion(3), 2)
  encodeRequestHeader(w, 2, { requestApiKey: 18, requestApiVersion: 3, correlationId: 0x01020304, clientId: 'kafkats' })
  ApiVersions.encodeRequest(w, 3, { clientSoftwareName: 'kafkats', clientSoftwareVersion: '0.1.0' })
  const expected = [
    0x00, 0x12, // request_api_key = 18
    0x00, 0x03, // request_api_version = 3
    0x01, 0x02, 0x03, 0x04, // correlation_id
    0x00, 0x07, ...ascii('kafkats'), // client_id: NULLABLE_STRING even in header v2
    0x00, // header TAG_BUFFER: no tagged fields
    0x08, ...ascii('kafkats'), // client_software_name COMPACT_STRING: UNSIGNED_VARINT length+1 = 8
    0x06, ...ascii('0.1.0'), // client_software_version COMPACT_STRING: 5+1
    0x00, // body TAG_BUFFER
  ]
  t.same([...w.toBuffer()], expected)
  const r = new Reader(w.toBuffer())
  t.same(decodeRequestHeader(r, 2), { requestApiKey: 18, requestApiVersion: 3, correlationId: 0x01020304, clientId: 'kafkats' })
  t.same(ApiVersions.decodeRequest(r, 3), { clientSoftwareName: 'kafkats', clientSoftwareVersion: '0.1.0' })
  t.equal(r.remaining(), 0)
})

t.test('Metadata v12 request for one topic by name', async (t) => {
  const w = new Writer()
  encodeRequestHeader(w, Metadata.requestHeaderVersion(12), { requestApiKey: 3, requestApiVersion: 12, correlationId: 2, clientId: null })
  Metadata.encodeRequest(w, 12, { topics: [{ name: 'orders' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  const expected = [
    0x00, 0x03, // request_api_key = 3
    0x00, 0x0c, // request_api_version = 12
    0x00, 0x00, 0x00, 0x02, // correlation_id = 2
    0xff, 0xff, // client_id = null (INT16 -1)
    0x00, // header TAG_BUFFER
    0x02, // topics COMPACT_ARRAY: 1 element, length+1 = 2
    ...new Array(16).fill(0), // topic_id UUID: all zero when asking by name
    0x07, ...ascii('orders'), // name COMPACT_NULLABLE_STRING: 6+1
    0x00, // topic TAG_BUFFER
    0x00, // allow_auto_topic_creation BOOLEAN = false
    0x00, // include_topic_authorized_operations BOOLEAN = false
    0x00, // body TAG_BUFFER
  ]
  t.same([...w.toBuffer()], expected)
  const r = new Reader(w.toBuffer())
  decodeRequestHeader(r, 2)
  const back = Metadata.decodeRequest(r, 12)
  t.same(back.topics, [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'orders' }])
  t.equal(back.allowAutoTopicCreation, false)
  t.equal(r.remaining(), 0)
})
