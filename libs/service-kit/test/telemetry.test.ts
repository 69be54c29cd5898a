// Tracing starts before the service's modules load (`--import .../telemetry/register`): a request
// to a kit-built service is exported as a span to the configured OTLP endpoint, and the request's
// log lines carry the same trace id.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer as createHttpServer, type IncomingMessage } from 'node:http'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { AddressInfo } from 'node:net'
import { gatewayHeaders } from '../src/testing/index.ts'

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

test(
  'a request is exported as a span over OTLP and its log lines carry the trace id',
  { timeout: 60_000 },
  async (t) => {
    const exports: string[] = []
    const collector = createHttpServer((req, res) => {
      void body(req).then((text) => {
        if (req.url === '/v1/traces') exports.push(text)
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      })
    })
    collector.listen(0, '127.0.0.1')
    await once(collector, 'listening')
    t.after(() => collector.close())

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        '@deals/service-kit/telemetry/register',
        'libs/service-kit/test/fixtures/traced-service.ts',
      ],
      {
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_SERVICE_NAME: 'traced-probe',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    t.after(() => child.kill('SIGKILL'))
    const logs: Record<string, unknown>[] = []
    const listening = new Promise<number>((resolve) =>
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>
        logs.push(entry)
        const port = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(String(entry.msg))?.[1]
        if (port) resolve(Number(port))
      }),
    )
    const port = await listening

    const res = await fetch(`http://127.0.0.1:${port}/probe`, { headers: gatewayHeaders() })
    assert.equal(res.status, 200)

    const deadline = Date.now() + 20_000
    while (!exports.some((e) => e.includes('/probe')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100))
    const exported = exports.find((e) => e.includes('/probe'))
    assert.ok(exported, 'the collector received a span for the request')
    assert.match(exported, /traced-probe/, 'the span names its service')

    const requestLog = logs.find((l) => (l.req as { url?: string } | undefined)?.url === '/probe')
    assert.ok(requestLog, 'the request was logged')
    assert.match(String(requestLog.traceId), /^[0-9a-f]{32}$/)
    assert.ok(
      exported.includes(String(requestLog.traceId)) ||
        exported.includes(Buffer.from(String(requestLog.traceId), 'hex').toString('base64')),
      'the logged trace id is the exported one',
    )
  },
)
