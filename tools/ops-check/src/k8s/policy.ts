// What every workload of the platform must have, beyond its schema: probes, resources, a
// non-root security context; and what must hold between objects: references that resolve,
// selectors that select something, an autoscaler for a Deployment that exists.
import type { KubeObject } from './render.ts'

interface Container {
  name: string
  image?: string
  readinessProbe?: unknown
  livenessProbe?: unknown
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  securityContext?: {
    runAsNonRoot?: boolean
    runAsUser?: number
    allowPrivilegeEscalation?: boolean
    readOnlyRootFilesystem?: boolean
    capabilities?: { drop?: string[] }
  }
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]
  env?: { valueFrom?: { secretKeyRef?: { name: string }; configMapKeyRef?: { name: string } } }[]
}

interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number }
  containers: Container[]
  volumes?: { configMap?: { name: string }; secret?: { secretName: string } }[]
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string> }
  spec: PodSpec
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job']

export function podTemplate(object: KubeObject): PodTemplate | undefined {
  if (!WORKLOAD_KINDS.includes(object.kind)) return undefined
  return (object.spec as { template: PodTemplate }).template
}

/** Policy violations of one workload, as readable sentences; empty when it complies. */
export function workloadViolations(object: KubeObject): string[] {
  const template = podTemplate(object)
  if (!template) return []
  const where = `${object.kind} ${object.metadata.name}`
  const pod = template.spec
  const problems: string[] = []
  for (const c of pod.containers) {
    const at = `${where}, container ${c.name}`
    const long = object.kind !== 'Job'
    if (long && !c.readinessProbe) problems.push(`${at}: no readinessProbe`)
    if (long && !c.livenessProbe) problems.push(`${at}: no livenessProbe`)
    for (const kind of ['requests', 'limits'] as const)
      for (const resource of ['cpu', 'memory'])
        if (!c.resources?.[kind]?.[resource]) problems.push(`${at}: no ${resource} in resources.${kind}`)
    const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot
    const uid = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser
    if (nonRoot !== true) problems.push(`${at}: runAsNonRoot is not true`)
    if (uid === undefined || uid === 0) problems.push(`${at}: no non-zero runAsUser`)
    if (c.securityContext?.allowPrivilegeEscalation !== false)
      problems.push(`${at}: allowPrivilegeEscalation is not false`)
    if (!c.securityContext?.capabilities?.drop?.includes('ALL'))
      problems.push(`${at}: capabilities not dropped`)
    if (!c.image || !/[:@]/.test(c.image.split('/').pop()!) || c.image.endsWith(':latest'))
      problems.push(`${at}: image ${c.image} has no pinned tag`)
  }
  return problems
}

/** The platform's own containers (the deals image) also run on a read-only root filesystem. */
export function platformImageViolations(object: KubeObject, image: string): string[] {
  const template = podTemplate(object)
  if (!template) return []
  return template.spec.containers
    .filter((c) => c.image?.startsWith(image))
    .filter((c) => c.securityContext?.readOnlyRootFilesystem !== true)
    .map((c) => `${object.kind} ${object.metadata.name}, container ${c.name}: root filesystem is writable`)
}

/** ConfigMaps and Secrets the workloads read that the rendering does not provide. */
export function unresolvedReferences(objects: KubeObject[]): string[] {
  const has = (kind: string, name: string) =>
    objects.some((o) => o.kind === kind && o.metadata.name === name) ||
    // The External Secrets operator creates the Secret an ExternalSecret names as its target.
    (kind === 'Secret' &&
      objects.some(
        (o) =>
          o.kind === 'ExternalSecret' && (o.spec as { target?: { name?: string } }).target?.name === name,
      ))
  const missing: string[] = []
  for (const o of objects) {
    const pod = podTemplate(o)?.spec
    if (!pod) continue
    const refs: [string, string][] = []
    for (const c of pod.containers) {
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef) refs.push(['ConfigMap', e.configMapRef.name])
        if (e.secretRef) refs.push(['Secret', e.secretRef.name])
      }
      for (const e of c.env ?? []) {
        if (e.valueFrom?.secretKeyRef) refs.push(['Secret', e.valueFrom.secretKeyRef.name])
        if (e.valueFrom?.configMapKeyRef) refs.push(['ConfigMap', e.valueFrom.configMapKeyRef.name])
      }
    }
    for (const v of pod.volumes ?? []) {
      if (v.configMap) refs.push(['ConfigMap', v.configMap.name])
      if (v.secret) refs.push(['Secret', v.secret.secretName])
    }
    for (const [kind, name] of refs)
      if (!has(kind, name))
        missing.push(`${o.kind} ${o.metadata.name} reads ${kind} ${name}, which is not rendered`)
  }
  return missing
}

export function selects(selector: Record<string, string>, labels: Record<string, string> = {}): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v)
}
