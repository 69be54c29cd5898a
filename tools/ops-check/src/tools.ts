// The command-line tools the checks shell out to, found on PATH; a missing one is an error that
// says how to install it, never a silently skipped check.
import { spawnSync } from 'node:child_process'

export class MissingToolError extends Error {}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

export interface CommandResult {
  status: number
  stdout: string
  stderr: string
}

export function run(command: string, args: string[], cwd?: string): CommandResult {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (r.error) throw r.error
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr }
}

/** promtool, from Debian's `prometheus` package (.ci/run installs it when missing). */
export function promtool(): string {
  if (onPath('promtool')) return 'promtool'
  throw new MissingToolError(
    'promtool is not installed: apt-get install -y --no-install-recommends prometheus',
  )
}

/** `kubectl kustomize` (kustomize built into kubectl), or a standalone `kustomize build`. */
export function kustomizeCommand(dir: string): [string, string[]] {
  if (onPath('kubectl')) return ['kubectl', ['kustomize', dir]]
  if (onPath('kustomize')) return ['kustomize', ['build', dir]]
  throw new MissingToolError(
    'neither kubectl nor kustomize is installed: install kubectl (kustomize is built in)',
  )
}
