import t from 'tap'
import {
  aclOperation,
  aclOperationCode,
  aclPatternTypeCode,
  aclPermissionType,
  aclPermissionTypeCode,
  aclResourceType,
  aclResourceTypeCode,
} from '../../../src/admin/acl-codes.js'
import { alterConfigOpCode, configResourceTypeCode, configSource, configTarget, configType } from '../../../src/admin/config-resources.js'
import { offsetSpecTimestamp } from '../../../src/admin/offsets.js'
import { ConfigError, UnsupportedVersionError } from '../../../src/errors.js'

t.test('ACL enums map to the protocol int8 codes of Java ResourceType, PatternType, AclOperation, AclPermissionType', async (t) => {
  t.equal(aclResourceTypeCode('topic'), 2)
  t.equal(aclResourceTypeCode('group'), 3)
  t.equal(aclResourceTypeCode('cluster'), 4)
  t.equal(aclResourceTypeCode('transactionalId'), 5)
  t.equal(aclResourceTypeCode('delegationToken'), 6)
  t.equal(aclResourceTypeCode('user'), 7)
  t.equal(aclPatternTypeCode('any'), 1)
  t.equal(aclPatternTypeCode('match'), 2)
  t.equal(aclPatternTypeCode('literal'), 3)
  t.equal(aclPatternTypeCode('prefixed'), 4)
  t.equal(aclOperationCode('all'), 2)
  t.equal(aclOperationCode('write'), 4)
  t.equal(aclOperationCode('idempotentWrite'), 12)
  t.equal(aclOperationCode('describeTokens'), 14)
  t.equal(aclPermissionTypeCode('deny'), 2)
  t.equal(aclPermissionTypeCode('allow'), 3)
  t.equal(aclOperation(8), 'describe')
  t.equal(aclPermissionType(3), 'allow')
  t.equal(aclResourceType(99), 'unknown')
  t.throws(() => aclOperationCode('fly' as never), ConfigError)
})

t.test('config resource types, sources, types and operations', async (t) => {
  t.equal(configResourceTypeCode('topic'), 2)
  t.equal(configResourceTypeCode('broker'), 4)
  t.equal(configResourceTypeCode('brokerLogger'), 8)
  t.equal(configResourceTypeCode('group'), 32)
  t.throws(() => configResourceTypeCode('table' as never), ConfigError)
  t.equal(configSource(1), 'topicConfig')
  t.equal(configSource(5), 'defaultConfig')
  t.equal(configSource(-1), 'unknown')
  t.equal(configType(3), 'int')
  t.equal(configType(9), 'password')
  t.equal(alterConfigOpCode('set'), 0)
  t.equal(alterConfigOpCode('delete'), 1)
  t.equal(alterConfigOpCode('append'), 2)
  t.equal(alterConfigOpCode('subtract'), 3)
})

t.test('broker config resources go to the named broker, others to any broker', async (t) => {
  t.equal(configTarget('topic', 'orders'), 'any')
  t.equal(configTarget('broker', '3'), 3)
  t.equal(configTarget('brokerLogger', '1'), 1)
  t.equal(configTarget('broker', ''), 'any', 'cluster-wide broker default')
  t.throws(() => configTarget('broker', 'one'), ConfigError)
  t.throws(() => configTarget('brokerLogger', ''), ConfigError)
})

t.test('offset specs become ListOffsets timestamps, checked against the version', async (t) => {
  t.equal(offsetSpecTimestamp('latest', 1), -1n)
  t.equal(offsetSpecTimestamp('earliest', 1), -2n)
  t.equal(offsetSpecTimestamp('maxTimestamp', 7), -3n)
  t.equal(offsetSpecTimestamp(1_700_000_000_000, 1), 1_700_000_000_000n)
  t.throws(() => offsetSpecTimestamp('maxTimestamp', 6), UnsupportedVersionError)
  t.throws(() => offsetSpecTimestamp(-5, 1), ConfigError)
  t.throws(() => offsetSpecTimestamp(1.5, 1), ConfigError)
  t.throws(() => offsetSpecTimestamp('soon' as never, 9), ConfigError)
})
