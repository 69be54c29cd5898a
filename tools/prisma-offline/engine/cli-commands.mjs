// `schema-engine cli <command>`: the one-shot database commands the Prisma CLI runs before
// migrating (can it connect, create the database when missing, drop it for `migrate reset`).
import { canConnect, createDatabase, dropDatabase, parseDatasourceUrl } from './postgres-target.mjs'

const commands = {
  'can-connect-to-database': (target) => canConnect(target.connectionString),
  'create-database': (target) => createDatabase(target.connectionString, target.database),
  'drop-database': (target) => dropDatabase(target.connectionString, target.database),
}

/** Prisma's own error codes for the failures its CLI knows how to explain. */
function toPrismaError(error, target) {
  switch (error.code) {
    case '3D000':
      return [
        'P1003',
        `Database \`${target.database}\` does not exist on the database server at \`${target.host}\`.`,
      ]
    case '42P04':
      return [
        'P1009',
        `Database \`${target.database}\` already exists on the database server at \`${target.host}\``,
      ]
    case '28P01':
    case '28000':
      return [
        'P1000',
        `Authentication failed against database server, the provided database credentials for \`${target.user}\` are not valid.`,
      ]
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
      return ['P1001', `Can't reach database server at \`${target.host}\``]
    default:
      return ['P1000', error.message]
  }
}

// The CLI drops the first stderr line, parses each other line as a JSON log record and reports
// the ERROR record of the `schema_engine::logger` target.
function reportFailure(code, message) {
  const lines = [
    { level: 'INFO', target: 'schema_engine::logger', fields: { message: 'wasm schema engine shim' } },
    { level: 'ERROR', target: 'schema_engine::logger', fields: { error_code: code, message } },
  ]
  process.stderr.write(lines.map((line) => JSON.stringify(line)).join('\n'))
}

/** @returns {Promise<number>} the process exit code */
export async function runCliCommand(command, datasource) {
  const run = commands[command]
  if (!run) {
    reportFailure('P1000', `unsupported schema engine cli command: ${command}`)
    return 1
  }
  if (!datasource.url) {
    reportFailure('P1012', 'no datasource url: set datasource.url in prisma.config.ts')
    return 1
  }
  const target = parseDatasourceUrl(datasource.url)
  try {
    await run(target)
    return 0
  } catch (error) {
    reportFailure(...toPrismaError(error, target))
    return 1
  }
}
