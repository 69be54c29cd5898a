// JSON-RPC 2.0 over newline-delimited stdio, the way the Prisma CLI talks to its schema engine:
// requests are answered one at a time, in order, and errors carry Prisma's error shape.
import { createInterface } from 'node:readline'

const PRISMA_ERROR_CODE = /^P\d{4}$/

function toRpcError(error) {
  const message = error?.message ?? String(error)
  const isPanic = error instanceof WebAssembly.RuntimeError || /panicked|unreachable/i.test(message)
  const data = { is_panic: isPanic, message }
  if (PRISMA_ERROR_CODE.test(error?.code ?? ''))
    Object.assign(data, { error_code: error.code, meta: error.meta ?? {} })
  if (isPanic) data.error = { message }
  return { code: 4466, message: 'An error happened. Check the data field for details.', data }
}

function parseMessage(line, log) {
  if (!line.trim()) return undefined
  try {
    return JSON.parse(line)
  } catch {
    log(`ignored a line that is not JSON: ${line.slice(0, 200)}`)
    return undefined
  }
}

/**
 * Serves requests from `input` until it closes, then resolves. `explain` turns a failure into
 * the error reported for it.
 * @param {{ input: NodeJS.ReadableStream, output: NodeJS.WritableStream, handle: (method: string, params: unknown, client: { print: (content: string) => void }) => Promise<unknown>, log: (message: string) => void, explain?: (error: unknown) => unknown }} options
 */
export async function serveJsonRpc({ input, output, handle, log, explain = (error) => error }) {
  const send = (message) => output.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`)
  const fail = (id, error) => {
    const reported = explain(error)
    log(reported?.stack ?? String(reported))
    send({ id, error: toRpcError(reported) })
  }
  // A trap inside a callback of the Wasm engine (a panic outside the awaited call) is an uncaught
  // exception. The request in flight is answered with it before the process ends: the CLI reads
  // a silent exit as an empty answer, and `migrate diff --exit-code` would then report no drift.
  let inFlight
  process.once('uncaughtException', (error) => {
    if (inFlight !== undefined) fail(inFlight, error)
    else log(error?.stack ?? String(error))
    output.write('', () => process.exit(1))
  })
  let printed = 0
  const client = {
    print: (content) => send({ id: `print-${++printed}`, method: 'print', params: { content } }),
  }
  const lines = createInterface({ input, crlfDelay: Infinity })
  for await (const line of lines) {
    const message = parseMessage(line, log)
    // Lines without a method are the CLI's answers to our `print` requests.
    if (!message?.method) continue
    inFlight = message.id
    try {
      send({ id: message.id, result: await handle(message.method, message.params, client) })
    } catch (error) {
      fail(message.id, error)
    } finally {
      inFlight = undefined
    }
  }
}
