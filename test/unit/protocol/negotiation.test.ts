/** Version negotiation: newest common version, never an unstable one, never above VERSION_CAPS. */
import t from 'tap'
import { Fetch } from '../../../src/protocol/messages/fetch.js'
import { InitProducerId } from '../../../src/protocol/messages/init-producer-id.js'
import { Produce } from '../../../src/protocol/messages/produce.js'
import { TxnOffsetCommit } from '../../../src/protocol/messages/txn-offset-commit.js'
import { API_VERSION_RANGES, KAFKA_VERSION } from '../../../src/protocol/messages/versions.js'
import { clientVersionRange, negotiateVersion, VERSION_CAPS } from '../../../src/protocol/negotiation.js'

t.test('the generated table matches the API modules', async (t) => {
  t.match(KAFKA_VERSION, /^\d+\.\d+\.\d+/)
  t.same(API_VERSION_RANGES[Fetch.apiKey], [Fetch.minVersion, Fetch.maxVersion])
  t.equal(API_VERSION_RANGES[4], undefined, 'LeaderAndIsr is not carried')
})

t.test('an unstable latest version is never negotiated', async (t) => {
  t.equal(InitProducerId.latestVersionUnstable, true)
  t.equal(negotiateVersion(InitProducerId.apiKey, 0, InitProducerId.maxVersion), InitProducerId.maxVersion - 1)
})

t.test('capped APIs stop at their cap; others take the newest common version', async (t) => {
  const cap = VERSION_CAPS.get(TxnOffsetCommit.apiKey)!
  t.ok(cap.max < TxnOffsetCommit.maxVersion)
  t.equal(negotiateVersion(TxnOffsetCommit.apiKey, 0, TxnOffsetCommit.maxVersion), cap.max)
  t.same(clientVersionRange(TxnOffsetCommit.apiKey), [TxnOffsetCommit.minVersion, cap.max])
  t.equal(negotiateVersion(Produce.apiKey, 0, 99), Produce.maxVersion, 'Produce: topic ids, no cap')
  t.equal(negotiateVersion(Produce.apiKey, 0, 9), 9, 'an older broker negotiates down')
  t.equal(negotiateVersion(Fetch.apiKey, 0, 99), Fetch.maxVersion)
  t.equal(negotiateVersion(Fetch.apiKey, 0, 3), -1, 'below what the client carries')
  t.equal(negotiateVersion(4, 0, 7), -1, 'an API the client does not carry')
})

t.test('the topic-id versions are not capped', async (t) => {
  for (const key of [0, 8, 9]) t.equal(VERSION_CAPS.get(key), undefined, `API key ${key}`)
})
