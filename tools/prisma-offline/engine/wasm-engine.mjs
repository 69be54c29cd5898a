// Instantiates @prisma/schema-engine-wasm. Its package entry imports the .wasm file as an ES
// module, which Node 20 cannot do, so the glue module is wired to the compiled bytes by hand.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'

const require = createRequire(import.meta.url)

// The glue hands a Rust panic's message to this registry before the module traps. Without it the
// glue throws a TypeError out of the panic hook and the process dies mid-request, which the CLI
// can take for an empty answer (`migrate diff --exit-code` then exits 0: "no drift").
let panicMessage
globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
  set_message: (message) => {
    panicMessage = message
  },
}

/** The message of the last panic, once: the trap that follows it carries none. */
export function takePanicMessage() {
  const message = panicMessage
  panicMessage = undefined
  return message
}

async function loadSchemaEngineClass() {
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg')
  const packageDir = dirname(require.resolve('@prisma/schema-engine-wasm'))
  const bytes = await readFile(join(packageDir, 'schema_engine_bg.wasm'))
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue })
  glue.__wbg_set_wasm(instance.exports)
  instance.exports.__wbindgen_start()
  return glue.SchemaEngine
}

/**
 * @param {{ datamodelPaths: string[], adapterFactory: object, log: (message: string) => void }} options
 */
export async function startSchemaEngine({ datamodelPaths, adapterFactory, log }) {
  const SchemaEngine = await loadSchemaEngineClass()
  const datamodels = await Promise.all(
    datamodelPaths.map(async (path) => [path, await readFile(path, 'utf8')]),
  )
  return SchemaEngine.new(
    { datamodels: datamodels.length > 0 ? datamodels : undefined },
    log,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  )
}
