// Reads docker-compose.yml the way compose does before validating it: variables interpolated
// (`${X:-default}`, `${X:?message}`...), YAML merge keys (`<<: *anchor`) applied.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { repoRoot } from './platform.ts'

/** Variables compose requires (`${X:?...}`), which have no default. */
export function requiredVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{(\w+):?\?/g)].map((m) => m[1]!))].sort()
}

export function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g,
    (whole, name?: string, op?: string, arg?: string) => {
      if (whole === '$$') return '$'
      const value = env[name!]
      const unset = op?.startsWith(':') ? !value : value === undefined
      if (!unset) return value!
      if (op?.endsWith('?')) throw new Error(`compose would refuse to start: ${name} is not set (${arg})`)
      return op ? arg! : ''
    },
  )
}

export function readCompose(env: Record<string, string>): Record<string, unknown> {
  const text = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')
  return parse(interpolate(text, env), { merge: true }) as Record<string, unknown>
}
