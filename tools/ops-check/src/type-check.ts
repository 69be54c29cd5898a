// Checks plain data (parsed YAML or JSON) against a TypeScript type with the compiler itself:
// each value is written as an object literal assigned to the type, so a misspelt or unknown
// field anywhere in it is an excess-property error, and a wrong value a type error. This is
// what catches `readinesProbe:` where a JSON schema without additionalProperties says nothing.
import { join } from 'node:path'
import ts from 'typescript'
import { repoRoot } from './platform.ts'

export interface LiteralCheck {
  label: string
  /** Module specifier the type is imported from, as the virtual file in tools/ops-check/ sees it. */
  from: string
  /**
   * A type over the module's exports, which it names `M`: `M.IDeployment`. `Literal<T>` turns
   * T's string enums into their values, for data that says 'absolute' where T has an enum.
   */
  type: string
  value: unknown
}

// String enums become the union of their values, because the data says 'absolute', not
// ThresholdsMode.Absolute; everything else keeps its shape and its optional fields.
const prelude = `
type Literal<T> = T extends string
  ? string extends T ? T : \`\${T}\`
  : T extends readonly (infer U)[] ? Literal<U>[]
  : T extends object ? { [K in keyof T]: Literal<T[K]> }
  : T
`

/** Type errors by check label; an empty map when every value fits its type. */
export function typeCheckLiterals(checks: LiteralCheck[]): Map<string, string[]> {
  const file = join(repoRoot, 'tools', 'ops-check', '__literal-check__.ts')
  const modules = [...new Set(checks.map((c) => c.from))]
  const imports = modules.map((m, i) => `import type * as m${i} from '${m}'`).join('\n')
  const lines = [imports, prelude]
  const spans: { label: string; start: number; end: number }[] = []
  checks.forEach((check, i) => {
    const type = check.type.replace(/\bM\./g, `m${modules.indexOf(check.from)}.`)
    const start = lines.join('\n').split('\n').length
    lines.push(`export const v${i}: ${type} = ${JSON.stringify(check.value, null, 1)}`)
    spans.push({ label: check.label, start, end: lines.join('\n').split('\n').length })
  })
  const source = lines.join('\n')

  const config = ts.readConfigFile(join(repoRoot, 'tsconfig.base.json'), ts.sys.readFile).config
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot)
  const host = ts.createCompilerHost(options)
  const readFile = host.readFile.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.readFile = (name) => (name === file ? source : readFile(name))
  host.fileExists = (name) => name === file || ts.sys.fileExists(name)
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest)
  const program = ts.createProgram([file], options, host)

  const errors = new Map<string, string[]>()
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    if (d.file?.fileName !== file || d.start === undefined) {
      errors.set('(setup)', [...(errors.get('(setup)') ?? []), message])
      continue
    }
    const line = d.file.getLineAndCharacterOfPosition(d.start).line + 1
    const span = spans.find((s) => line >= s.start && line <= s.end)
    const label = span?.label ?? '(setup)'
    const near = source.split('\n')[line - 1]?.trim()
    errors.set(label, [...(errors.get(label) ?? []), `${message}${near ? ` (at ${near})` : ''}`])
  }
  return errors
}
