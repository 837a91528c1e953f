// -X security properties against the broker's SASL and TLS listeners, and -d debug output.
import t from 'tap'
import { clusterFile } from '../../helpers/cluster.js'
import { lines, runCli } from './cli-runner.js'

const cluster = clusterFile()

t.test('SASL_PLAINTEXT with SCRAM-SHA-512', { skip: cluster.saslPlaintext === null ? 'no SASL listener' : false }, async (t) => {
  const { username, password } = cluster.users.scram512
  const r = await runCli(['metadata', '--json', '-b', cluster.saslPlaintext as string, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanism=SCRAM-SHA-512', '-X', `sasl.username=${username}`, '-X', `sasl.password=${password}`])
  t.equal(r.code, 0, r.stderr)
  t.ok(JSON.parse(r.stdout.toString()).brokers.length >= 1)

  const bad = await runCli(['metadata', '-b', cluster.saslPlaintext as string, '-X', 'sasl.mechanism=SCRAM-SHA-512', '-X', `sasl.username=${username}`, '-X', 'sasl.password=wrong'])
  t.equal(bad.code, 1, 'a rejected password is a runtime failure')
  t.equal(lines(bad.stderr).length, 1)
  t.match(bad.stderr, /^kafkats: .*(authentication|Authentication)/)
})

t.test('SSL with the CA file, and SASL_SSL with PLAIN', { skip: cluster.ssl === null || cluster.caFile === null ? 'no TLS listener' : false }, async (t) => {
  const r = await runCli(['metadata', '--json', '-b', cluster.ssl as string, '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${cluster.caFile}`])
  t.equal(r.code, 0, r.stderr)
  const { username, password } = cluster.users.plain
  const s = await runCli(['group', 'list', '--json', '-b', cluster.saslSsl as string, '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${cluster.caFile}`, '-X', `sasl.username=${username}`, '-X', `sasl.password=${password}`])
  t.equal(s.code, 0, s.stderr)
  t.ok(Array.isArray(JSON.parse(s.stdout.toString())))

  const untrusted = await runCli(['metadata', '-b', cluster.ssl as string, '-X', 'security.protocol=SSL'])
  t.equal(untrusted.code, 1, 'an unknown CA fails')
  t.match(untrusted.stderr, /^kafkats: /)
})

t.test('-d writes debug lines to stderr and leaves stdout alone', async (t) => {
  const plain = await runCli(['metadata', '--json'])
  const debug = await runCli(['metadata', '--json', '-d', 'broker,protocol'])
  t.equal(debug.code, 0, debug.stderr)
  t.same(Object.keys(JSON.parse(debug.stdout.toString())), Object.keys(JSON.parse(plain.stdout.toString())))
  t.match(debug.stderr, /DEBUG connected .*"category":"broker"/)
  t.match(debug.stderr, /"category":"protocol"/)
  t.match(debug.stderr, /Metadata/)
  t.equal(plain.stderr, '', 'nothing on stderr without -d')

  const bad = await runCli(['metadata', '-d', 'nonsense'])
  t.equal(bad.code, 2)
  t.match(bad.stderr, /^kafkats: invalid Kafka options: debug: unknown category "nonsense"/)
})
