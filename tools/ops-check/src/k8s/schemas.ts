// Offline schema validation of rendered objects with the kubernetes-models packages (the
// Kubernetes OpenAPI schemas compiled to validators), plus the CRDs the overlays use.
import type { KubeObject } from './render.ts'

interface Model {
  validate(): void
}
type ModelClass = new (data: object) => Model

/** The npm module holding the model of a kind, e.g. `kubernetes-models/apps/v1/Deployment`. */
export function modelModule({ apiVersion, kind }: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  const crds: Record<string, string> = {
    'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
    'external-secrets.io': '@kubernetes-models/external-secrets',
  }
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : ''
  return `${crds[group] ?? 'kubernetes-models'}/${apiVersion}/${kind}`
}

/** Throws when the kind is unknown to the packages or the object breaks its schema. */
export async function validateObject(object: KubeObject): Promise<void> {
  const module = modelModule(object)
  let model: ModelClass
  try {
    model = ((await import(module)) as Record<string, ModelClass>)[object.kind]!
  } catch {
    throw new Error(`no schema for ${object.apiVersion} ${object.kind} (looked for ${module})`)
  }
  new model(normalized(object)).validate()
}

/**
 * kustomize wraps long base64 Secret values over several lines; the API server's decoder skips
 * line breaks, the packages' `byte` format does not, so they are joined before validation.
 */
function normalized(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || !object.data) return object
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([k, v]) => [k, v.replace(/\s+/g, '')]),
  )
  return { ...object, data }
}
