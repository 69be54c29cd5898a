// A service refuses its development defaults when NODE_ENV=production, so every variable it
// would otherwise default must reach it in each environment that runs it in production mode:
// docker-compose.yml, and the Kubernetes overlays (dev literally; prod through the secret store,
// whose entries the prod overlay names). A variable added to a service's config with `devDefault`
// and forgotten in the manifests fails here instead of at the first deploy.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readCompose, requiredVariables } from '../src/compose.ts'
import { podTemplate } from '../src/k8s/policy.ts'
import { renderKustomization, type KubeObject } from '../src/k8s/render.ts'
import { PLATFORM, repoRoot, serviceExists } from '../src/platform.ts'

const present = PLATFORM.filter((s) => serviceExists(repoRoot, s.name))

/** Variables whose default only development may use, from the kit's and the service's config. */
function devDefaultVariables(service: string): string[] {
  const sources = [
    join(repoRoot, 'libs', 'service-kit', 'src', 'config.ts'),
    join(repoRoot, 'apps', service, 'src', 'config.ts'),
  ]
  return [
    ...new Set(
      sources.flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/(\w+):\s*devDefault\(/g)].map((m) => m[1]!),
      ),
    ),
  ].sort()
}

test('every service has its production-only variables in docker-compose.yml', () => {
  const text = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')
  const env = Object.fromEntries(requiredVariables(text).map((name) => [name, `test-${name.toLowerCase()}`]))
  const compose = readCompose(env) as { services: Record<string, { environment?: Record<string, string> }> }
  const missing = present.flatMap((s) => {
    const environment = compose.services[s.name]?.environment ?? {}
    return devDefaultVariables(s.name)
      .filter((v) => environment[v] === undefined)
      .map((v) => `${s.name}: ${v}`)
  })
  assert.deepEqual(missing, [])
})

test('every service has its production-only variables in the dev overlay of Kubernetes', () => {
  const objects = renderKustomization(join(repoRoot, 'k8s', 'overlays', 'dev'))
  const keysOf = (kind: string, name: string) => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name) as
      (KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> }) | undefined
    return Object.keys({ ...o?.data, ...o?.stringData })
  }
  const missing = present.flatMap((s) => {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === s.name)
    assert.ok(deployment, `a Deployment for ${s.name}`)
    const containers = (podTemplate(deployment)?.spec?.containers ?? []) as {
      env?: { name: string }[]
      envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]
    }[]
    const provided = new Set(
      containers.flatMap((c) => [
        ...(c.env ?? []).map((e) => e.name),
        ...(c.envFrom ?? []).flatMap((from) =>
          from.configMapRef
            ? keysOf('ConfigMap', from.configMapRef.name)
            : from.secretRef
              ? keysOf('Secret', from.secretRef.name)
              : [],
        ),
      ]),
    )
    return devDefaultVariables(s.name)
      .filter((v) => !provided.has(v))
      .map((v) => `${s.name}: ${v}`)
  })
  assert.deepEqual(missing, [])
})
