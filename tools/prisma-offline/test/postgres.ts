// Reads and removes the databases these tests create, through the server's maintenance database.
import pg from 'pg'

export const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'

export function databaseUrl(name: string, query = ''): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return `${url.toString()}${query}`
}

export async function query<Row extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<Row>(sql, values)).rows
  } finally {
    await client.end()
  }
}

export async function dropDatabases(names: string[]): Promise<void> {
  for (const name of names) await query(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
}

export async function shadowDatabases(): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    serverUrl,
    `SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`,
  )
  return rows.map((row) => row.datname)
}
