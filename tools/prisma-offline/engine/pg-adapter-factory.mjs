// The driver adapter the Wasm schema engine migrates through: @prisma/adapter-pg, plus what the
// native engine does and the adapter does not (script execution, `?schema=`, shadow databases).
import { PrismaPg } from '@prisma/adapter-pg'
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils'
import pg from 'pg'
import { parseDatasourceUrl, quoteIdent, withDatabase } from './postgres-target.mjs'
import { TextFallbackClient, WAS_INTERNAL_CHAR } from './text-fallback-client.mjs'

// adapter-pg runs a script by splitting it on ';', which cuts `$$`-quoted function bodies apart.
// Postgres' simple query protocol takes the whole script at once, as the native engine sends it.
function sendScriptsWhole(adapter, pool) {
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script)
    } catch (error) {
      adapter.onError(error)
    }
  }
}

// The describer reads some `"char"` catalog columns (pg_constraint.contype) as a char, and panics
// on a text value: the native engine decodes them as a char, so a column that was `"char"` before
// the text fallback is reported as a character column. Each call gets its own view of the adapter
// so that concurrent queries never see each other's columns.
function decodeInternalChars(adapter) {
  const queryRaw = adapter.queryRaw
  adapter.queryRaw = async function (query) {
    let charColumns = []
    const view = Object.create(this, {
      performIO: {
        value: async (io) => {
          const result = await this.performIO(io)
          charColumns = result.fields.flatMap((field, i) => (field[WAS_INTERNAL_CHAR] ? [i] : []))
          return result
        },
      },
    })
    const result = await queryRaw.call(view, query)
    for (const i of charColumns) result.columnTypes[i] = ColumnTypeEnum.Character
    return result
  }
}

function runAfterDispose(adapter, cleanUp) {
  const dispose = adapter.dispose.bind(adapter)
  adapter.dispose = async () => {
    try {
      await dispose()
    } finally {
      await cleanUp()
    }
  }
}

// Like the native engine, `?schema=x` puts x first on the search_path (Prisma's migration SQL is
// unqualified) and creates it when missing.
async function connectAdapter(connectionString, schema) {
  const searchPath = schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}
  const pool = new pg.Pool({ connectionString, Client: TextFallbackClient, ...searchPath })
  const adapter = await new PrismaPg(pool, { schema, disposeExternalPool: true }).connect()
  sendScriptsWhole(adapter, pool)
  decodeInternalChars(adapter)
  if (schema) await adapter.executeScript(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)
  return adapter
}

/**
 * @param {{ url: string, shadowDatabaseUrl?: string }} datasource
 * @param {import('./shadow-databases.mjs').ShadowDatabases} shadowDatabases
 */
export function createAdapterFactory(datasource, shadowDatabases) {
  const main = parseDatasourceUrl(datasource.url)
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectAdapter(main.connectionString, main.schema),
    async connectToShadowDb() {
      if (datasource.shadowDatabaseUrl) {
        // A configured shadow database is reused, so it starts from an empty schema.
        const shadow = parseDatasourceUrl(datasource.shadowDatabaseUrl)
        const schema = quoteIdent(shadow.schema ?? 'public')
        const adapter = await connectAdapter(shadow.connectionString, shadow.schema)
        await adapter.executeScript(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`)
        return adapter
      }
      const name = await shadowDatabases.create(main.connectionString)
      const adapter = await connectAdapter(withDatabase(main.connectionString, name), main.schema)
      runAfterDispose(adapter, () => shadowDatabases.drop(name))
      return adapter
    },
  }
}
