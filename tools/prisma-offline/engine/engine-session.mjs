// One run of the schema engine: starts the Wasm engine on first use and answers the JSON-RPC
// methods the Prisma CLI calls, translating where the Wasm engine differs from the native one.
import { createAdapterFactory } from './pg-adapter-factory.mjs'
import { createDatabase, parseDatasourceUrl } from './postgres-target.mjs'
import { ShadowDatabases } from './shadow-databases.mjs'
import { startSchemaEngine, takePanicMessage } from './wasm-engine.mjs'

// Methods the Wasm engine serves exactly as the CLI calls them.
const PASS_THROUGH = new Set([
  'applyMigrations',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'schemaPush',
])
const NO_RESULT = new Set(['dbExecute', 'reset', 'ensureConnectionValidity'])

export class EngineSession {
  #datasource
  #datamodelPaths
  #log
  #shadowDatabases = new ShadowDatabases()
  #engine

  /**
   * @param {{ datasource: { url?: string, shadowDatabaseUrl?: string }, datamodelPaths: string[], log: (message: string) => void }} options
   */
  constructor({ datasource, datamodelPaths, log }) {
    this.#datasource = datasource
    this.#datamodelPaths = datamodelPaths
    this.#log = log
  }

  /**
   * Answers one request. `print` sends text for the CLI to write to its stdout (`migrate diff --script`).
   * @param {string} method
   * @param {any} params
   * @param {{ print: (content: string) => void }} client
   */
  async handle(method, params, client) {
    try {
      return await this.#dispatch(method, params, client)
    } finally {
      await this.#shadowDatabases.dropAll()
    }
  }

  /**
   * The error to report for a failed request: a Wasm trap gets the message of the panic behind
   * it, and the trapped module is not used again (the next request starts a fresh engine).
   * @param {unknown} error
   */
  explain(error) {
    const panic = takePanicMessage()
    if (!panic) return error
    this.#engine = undefined
    return Object.assign(new Error(`the schema engine panicked: ${panic}`), { cause: error })
  }

  async close() {
    await this.#shadowDatabases.dropAll()
    this.#engine?.free()
    this.#engine = undefined
  }

  async #dispatch(method, params, client) {
    if (method === 'createDatabase') {
      const target = parseDatasourceUrl(this.#requireUrl())
      await createDatabase(target.connectionString, target.database)
      return { databaseName: target.database }
    }
    const engine = await this.#started()
    if (PASS_THROUGH.has(method)) return (await engine[method](params)) ?? {}
    if (NO_RESULT.has(method)) {
      await engine[method](params)
      return {}
    }
    switch (method) {
      case 'getDatabaseVersion':
        return engine.version(params)
      case 'diff': {
        // The native engine prints the script through the CLI; the Wasm one returns it.
        const { stdout, ...result } = await engine.diff(params)
        if (stdout) client.print(stdout.replace(/\n$/, ''))
        return result
      }
      case 'createMigration':
      case 'evaluateDataLoss':
        // In the Wasm engine these read the schema the migrations produce from a cache that only
        // devDiagnostic fills (they get no shadow database of their own); after `migrate dev` has
        // just applied pending migrations that cache is empty. devDiagnostic only reads.
        await engine
          .devDiagnostic({ migrationsList: params.migrationsList, filters: params.filters })
          .catch(this.#log)
        return (await engine[method](params)) ?? {}
      case 'debugPanic':
        return engine.debugPanic()
      default:
        throw new Error(`the offline schema engine does not support the method ${method}`)
    }
  }

  #requireUrl() {
    if (this.#datasource.url) return this.#datasource.url
    throw Object.assign(new Error('no datasource url: set datasource.url in prisma.config.ts'), {
      code: 'P1012',
    })
  }

  async #started() {
    this.#engine ??= await startSchemaEngine({
      datamodelPaths: this.#datamodelPaths,
      adapterFactory: createAdapterFactory(
        { ...this.#datasource, url: this.#requireUrl() },
        this.#shadowDatabases,
      ),
      log: this.#log,
    })
    return this.#engine
  }
}
