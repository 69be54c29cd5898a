// Reads the command line the Prisma CLI gives the schema engine: either
// `--datamodels <file>... --datasource <json>` (then JSON-RPC on stdio) or
// `--datasource <json> cli <command>` for the one-shot database commands.

/**
 * @param {string[]} argv
 * @returns {{ datamodelPaths: string[], datasource: { url?: string, shadowDatabaseUrl?: string }, cliCommand?: string, printVersion: boolean }}
 */
export function parseEngineArgs(argv) {
  const parsed = { datamodelPaths: [], datasource: {}, cliCommand: undefined, printVersion: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    switch (arg) {
      case '--datamodels':
        parsed.datamodelPaths.push(argv[++i])
        break
      case '--datasource':
        parsed.datasource = JSON.parse(argv[++i])
        break
      case 'cli':
        parsed.cliCommand = argv[++i]
        break
      case '--version':
      case '-V':
        parsed.printVersion = true
        break
      // Accepted and ignored: the Wasm engine has no preview features or extension types to set.
      case '--enabled-preview-features':
      case '--extension-types':
        i++
        break
      default:
        break
    }
  }
  return parsed
}
