// Instantiates @prisma/schema-engine-wasm. Its package entry imports the .wasm file as an ES
// module, which Node 20 cannot do, so the glue module is wired to the compiled bytes by hand.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'

const require = createRequire(import.meta.url)

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
