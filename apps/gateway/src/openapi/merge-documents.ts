// Merges the services' OpenAPI documents into the gateway's: each path is prefixed with the
// public prefix it is reached under (seller API paths are already public), internal paths are
// left out, and components are renamed `<service>_<name>` so two services' `Product` never clash.
// Security schemes are shared by name, as operations refer to them by name.

type Json = Record<string, unknown>
export type OpenApiDocument = Json & {
  paths?: Record<string, Json>
  components?: Record<string, Record<string, unknown>>
}

export interface ServiceDocument {
  service: string
  /** Public prefix of the service's API, e.g. `/api/orders`. */
  prefix: string
  document: OpenApiDocument
}

const SHARED_COMPONENT_KINDS = new Set(['securitySchemes'])
const REF = /^#\/components\/([^/]+)\/(.+)$/

function renameRefs(value: unknown, service: string): unknown {
  if (Array.isArray(value)) return value.map((entry) => renameRefs(entry, service))
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => {
      if (key === '$ref' && typeof entry === 'string') {
        const match = REF.exec(entry)
        if (match && !SHARED_COMPONENT_KINDS.has(match[1]!))
          return [key, `#/components/${match[1]}/${service}_${match[2]}`]
      }
      return [key, renameRefs(entry, service)]
    }),
  )
}

function publicPath(path: string, prefix: string): string | undefined {
  if (path === '/internal' || path.startsWith('/internal/')) return undefined
  if (path.startsWith('/seller/v1/')) return path
  return path === '/' ? prefix : `${prefix}${path}`
}

function tagged(pathItem: Json, service: string): Json {
  return Object.fromEntries(
    Object.entries(pathItem).map(([method, operation]) => {
      if (operation === null || typeof operation !== 'object' || Array.isArray(operation))
        return [method, operation]
      const op = operation as Json
      return [method, { ...op, tags: Array.isArray(op.tags) && op.tags.length ? op.tags : [service] }]
    }),
  )
}

export function mergeDocuments(base: OpenApiDocument, services: readonly ServiceDocument[]): OpenApiDocument {
  const paths: Record<string, Json> = { ...base.paths }
  const components: Record<string, Record<string, unknown>> = structuredClone(base.components ?? {})
  for (const { service, prefix, document } of services) {
    const renamed = renameRefs(document, service) as OpenApiDocument
    for (const [path, item] of Object.entries(renamed.paths ?? {})) {
      const target = publicPath(path, prefix)
      if (target) paths[target] = tagged(item, service)
    }
    for (const [kind, entries] of Object.entries(renamed.components ?? {})) {
      const merged = (components[kind] ??= {})
      for (const [name, entry] of Object.entries(entries ?? {})) {
        merged[SHARED_COMPONENT_KINDS.has(kind) ? name : `${service}_${name}`] ??= entry
      }
    }
  }
  return { ...base, paths, components }
}
