#!/usr/bin/env node
// Offline stand-in for Prisma's native `schema-engine` binary, which the CLI would otherwise
// download. Name it in PRISMA_SCHEMA_ENGINE_BINARY: it serves the same stdio JSON-RPC protocol
// and `cli` commands with the Wasm schema engine and @prisma/adapter-pg.
import { parseEngineArgs } from '../engine/engine-args.mjs'
import { runCliCommand } from '../engine/cli-commands.mjs'
import { EngineSession } from '../engine/engine-session.mjs'
import { serveJsonRpc } from '../engine/json-rpc-server.mjs'

const log = (message) => {
  if (process.env.DEBUG) process.stderr.write(`${message}\n`)
}
const args = parseEngineArgs(process.argv.slice(2))

if (args.printVersion) {
  process.stdout.write('schema-engine-cli wasm-shim\n')
} else if (args.cliCommand) {
  process.exitCode = await runCliCommand(args.cliCommand, args.datasource)
} else {
  const session = new EngineSession({ datasource: args.datasource, datamodelPaths: args.datamodelPaths, log })
  // The CLI ends stdin and then sends SIGTERM at once: close the session either way.
  const closeAndExit = () => session.close().finally(() => process.exit(0))
  process.once('SIGTERM', closeAndExit)
  await serveJsonRpc({
    input: process.stdin,
    output: process.stdout,
    handle: session.handle.bind(session),
    explain: session.explain.bind(session),
    log,
  })
  await closeAndExit()
}
