// What a Prisma datasource URL means for PostgreSQL, and the few statements run on the
// server's `postgres` maintenance database (create and drop whole databases).
import pg from 'pg'

/** Quotes an SQL identifier (database or schema name). */
export function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * Splits a Prisma URL into what `pg` understands (no `schema` parameter) and the Prisma-only parts.
 * @param {string} url
 */
export function parseDatasourceUrl(url) {
  const parsed = new URL(url)
  const schema = parsed.searchParams.get('schema') ?? undefined
  parsed.searchParams.delete('schema')
  return {
    connectionString: parsed.toString(),
    schema,
    database: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres',
    host: `${parsed.hostname}:${parsed.port || 5432}`,
    user: decodeURIComponent(parsed.username),
  }
}

/** The same server and credentials, another database. */
export function withDatabase(connectionString, database) {
  const url = new URL(connectionString)
  url.pathname = `/${encodeURIComponent(database)}`
  return url.toString()
}

async function onMaintenanceDatabase(connectionString, sql) {
  const client = new pg.Client({ connectionString: withDatabase(connectionString, 'postgres') })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export function createDatabase(connectionString, database) {
  return onMaintenanceDatabase(connectionString, `CREATE DATABASE ${quoteIdent(database)}`)
}

// FORCE: a throwaway database may still have a connection the engine did not close.
export function dropDatabase(connectionString, database) {
  return onMaintenanceDatabase(
    connectionString,
    `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`,
  )
}

export async function canConnect(connectionString) {
  const client = new pg.Client({ connectionString })
  await client.connect()
  await client.end()
}
