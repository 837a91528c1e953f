import t from 'tap'
import { ResponseError } from '../../../src/errors.js'
import { ERROR_CODES, ErrorCode, errorInfo, responseError } from '../../../src/protocol/error-codes.js'

t.test('known codes carry Kafka names and retry hints', async (t) => {
  t.match(errorInfo(3), { code: 3, name: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true, refreshMetadata: true })
  t.match(errorInfo(36), { code: 36, name: 'TOPIC_ALREADY_EXISTS', retriable: false, refreshMetadata: false })
  t.match(errorInfo(6), { name: 'NOT_LEADER_OR_FOLLOWER', retriable: true, refreshMetadata: true })
  t.match(errorInfo(74), { name: 'FENCED_LEADER_EPOCH', retriable: true, refreshMetadata: true })
  t.match(errorInfo(75), { name: 'UNKNOWN_LEADER_EPOCH', retriable: true })
  t.match(errorInfo(100), { name: 'UNKNOWN_TOPIC_ID', retriable: true, refreshMetadata: true })
  t.match(errorInfo(41), { name: 'NOT_CONTROLLER', retriable: true, refreshMetadata: true })
  t.match(errorInfo(16), { name: 'NOT_COORDINATOR', retriable: true, refreshMetadata: false })
  t.match(errorInfo(27), { name: 'REBALANCE_IN_PROGRESS', retriable: false })
  t.match(errorInfo(-1), { name: 'UNKNOWN_SERVER_ERROR', retriable: false })
  t.match(errorInfo(0), { name: 'NONE' })
  t.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER, 6)
  t.equal(ErrorCode.SASL_AUTHENTICATION_FAILED, 58)
})

t.test('the table is complete, ordered and consistent with ErrorCode', async (t) => {
  const codes = ERROR_CODES.map((e) => e.code)
  t.equal(new Set(codes).size, codes.length, 'codes are unique')
  t.equal(new Set(ERROR_CODES.map((e) => e.name)).size, codes.length, 'names are unique')
  for (let i = 1; i < codes.length; i++) t.ok(codes[i] > codes[i - 1], `ascending at ${codes[i]}`)
  t.equal(codes[0], -1)
  t.ok(codes[codes.length - 1] >= 128, 'up to the newest codes')
  // Every code from -1 to the last is present (Kafka has no gaps).
  t.equal(codes.length, codes[codes.length - 1] + 2)
  t.same(Object.keys(ErrorCode).length, ERROR_CODES.length)
  for (const e of ERROR_CODES) {
    t.equal((ErrorCode as Record<string, number>)[e.name], e.code, e.name)
    t.ok(e.message.length > 0, `${e.name} has a message`)
    if (e.refreshMetadata) t.ok(e.retriable, `${e.name}: refreshing metadata implies retriable`)
  }
})

t.test('unknown codes get a generic entry', async (t) => {
  const info = errorInfo(9999)
  t.equal(info.code, 9999)
  t.equal(info.name, 'UNKNOWN_SERVER_ERROR')
  t.equal(info.retriable, false)
  t.match(info.message, /9999/)
})

t.test('responseError builds a ResponseError from the table', async (t) => {
  const e = responseError(6, null, 'topic orders partition 3')
  t.type(e, ResponseError)
  t.equal(e.errorCode, 6)
  t.equal(e.code, 'NOT_LEADER_OR_FOLLOWER')
  t.equal(e.retriable, true)
  t.equal(e.refreshMetadata, true)
  t.equal(e.errorMessage, null)
  t.match(e.message, /^NOT_LEADER_OR_FOLLOWER \(6\): .* \[topic orders partition 3\]$/)
  const withMessage = responseError(36, 'Topic orders already exists.')
  t.equal(withMessage.message, 'TOPIC_ALREADY_EXISTS (36): Topic orders already exists.')
  t.equal(withMessage.retriable, false)
})
