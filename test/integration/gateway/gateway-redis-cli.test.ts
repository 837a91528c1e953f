// The gateway driven by redis-cli (Debian's redis-tools; .ci/run installs it): the session of
// docs/gateway.md, one command per process and a whole session on one connection through stdin.
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'
import { uniqueTopic } from '../../helpers/cluster.js'
import { startGateway } from './gateway-fixture.js'

const run = promisify(execFile)
const f = await startGateway()
t.teardown(() => f.close())

async function cli(...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-p', String(f.port), ...args])).stdout
}

/** One redis-cli connection running the lines of `script` (its stdin). */
function session(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', ['-p', String(f.port)], { stdio: ['pipe', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8')
    })
    child.on('error', reject)
    child.on('close', () => resolve(out))
    child.stdin.end(script)
  })
}

t.test('produce, consume, ack and stats with redis-cli', async (t) => {
  const topic = await f.topic(1, 'gw-cli')
  t.equal(await cli('ping'), 'PONG\n')
  t.equal(await cli('rpushx', `topics:${topic}`, 'hello there!'), '1\n')
  t.equal(await cli('rpushx', `topics:${topic}:greeting-key`, 'second'), '1\n')
  t.equal(await cli('dump', '5000'), '0\n', 'a new connection has nothing to flush')
  const group = uniqueTopic('gw-cli-group')
  const cfg = `topics:${topic}:{"auto.offset.reset":"earliest"}`
  const out = await session(
    [`client setname ${group}:a-consumer`, `blpop '${cfg}' 5`, `rpush acks ${topic}:0:0`, 'client getname', 'quit', ''].join('\n'),
  )
  t.equal(out, ['OK', 'topic', topic, 'partition', '0', 'offset', '0', 'value', 'hello there!', '1', `${group}:a-consumer`, ''].join('\n'))
  // The same group resumes after the ack.
  const again = await session([`client setname ${group}:a-consumer`, `blpop '${cfg}' 5`, ''].join('\n'))
  t.match(again, /offset\n1\nvalue\nsecond\n/)
  t.equal(await cli('hgetall', 'stats'), 'producer.unflushed.messages\n0\nproducer.delivery.errors\n0\nproducer.unknown.events\n0\n')
  t.match(await cli('keys', 'topics:'), new RegExp(`^topics:${topic}$`, 'm'))
  t.match(await cli('get', 'x'), /^Command not supported: GET\n/)
})
