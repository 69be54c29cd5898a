// Renders a kustomize overlay the way `kubectl apply -k` would and parses the objects.
import { parseAllDocuments } from 'yaml'
import { kustomizeCommand, run } from '../tools.ts'

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
  }
  [field: string]: unknown
}

export function renderKustomization(dir: string): KubeObject[] {
  const [command, args] = kustomizeCommand(dir)
  const result = run(command, args)
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`)
  return parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'))
    return doc.toJS() as KubeObject
  })
}
