// Each overlay renders with kustomize; every object in it fits the Kubernetes schema (offline,
// kubernetes-models) and its TypeScript type (no unknown fields); every workload has probes,
// resources and a non-root security context; the objects refer to each other correctly.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { IMAGE } from '../src/k8s/service-manifests.ts'
import {
  platformImageViolations,
  podTemplate,
  selects,
  unresolvedReferences,
  workloadViolations,
} from '../src/k8s/policy.ts'
import { renderKustomization, type KubeObject } from '../src/k8s/render.ts'
import { modelModule, validateObject } from '../src/k8s/schemas.ts'
import { PLATFORM, repoRoot } from '../src/platform.ts'
import { typeCheckLiterals } from '../src/type-check.ts'

const overlays = ['dev', 'prod'] as const
const rendered = new Map<string, KubeObject[]>(
  overlays.map((o) => [o, renderKustomization(join(repoRoot, 'k8s', 'overlays', o))]),
)
const objects = (overlay: string) => rendered.get(overlay)!
const named = (list: KubeObject[], kind: string, name: string) =>
  list.find((o) => o.kind === kind && o.metadata.name === name)
const label = (o: KubeObject) => `${o.kind} ${o.metadata.name}`

for (const overlay of overlays) {
  test(`${overlay}: every object validates against its Kubernetes schema`, async () => {
    const failures: string[] = []
    for (const o of objects(overlay)) {
      await validateObject(o).catch((err: Error) => failures.push(`${label(o)}: ${err.message}`))
    }
    assert.deepEqual(failures, [])
  })

  test(`${overlay}: every workload has probes, resources and a non-root, locked-down security context`, () => {
    const workloads = objects(overlay).filter((o) => podTemplate(o))
    assert.ok(workloads.length >= PLATFORM.length)
    const problems = workloads.flatMap((o) => [
      ...workloadViolations(o),
      ...platformImageViolations(o, IMAGE),
    ])
    assert.deepEqual(problems, [])
  })

  test(`${overlay}: every service has a Deployment and a Service on its port, selecting its pods`, () => {
    for (const svc of PLATFORM) {
      const deployment = named(objects(overlay), 'Deployment', svc.name)
      const service = named(objects(overlay), 'Service', svc.name)
      assert.ok(deployment && service, `${svc.name} is missing`)
      const spec = service.spec as { selector: Record<string, string>; ports: { port: number }[] }
      assert.equal(spec.ports[0]!.port, svc.port)
      assert.ok(
        selects(spec.selector, podTemplate(deployment)!.metadata?.labels),
        `${svc.name}'s Service selects no pod`,
      )
      const env = (
        podTemplate(deployment)!.spec.containers[0] as unknown as { env: { name: string; value?: string }[] }
      ).env
      assert.equal(env.find((e) => e.name === 'SERVICE')?.value, svc.name)
    }
  })

  test(`${overlay}: every ConfigMap and Secret a workload reads is rendered (or made by External Secrets)`, () => {
    assert.deepEqual(unresolvedReferences(objects(overlay)), [])
  })

  test(`${overlay}: the only network path into a service is from the gateway`, () => {
    const policies = objects(overlay).filter((o) => o.kind === 'NetworkPolicy')
    const denyAll = policies.find((p) => {
      const spec = p.spec as { podSelector: object; ingress?: unknown[]; policyTypes: string[] }
      return (
        Object.keys(spec.podSelector).length === 0 && !spec.ingress && spec.policyTypes.includes('Ingress')
      )
    })
    assert.ok(denyAll, 'no default-deny ingress policy')
    const servicePods = PLATFORM.filter((s) => s.name !== 'gateway').map(
      (s) => podTemplate(named(objects(overlay), 'Deployment', s.name)!)!.metadata!.labels!,
    )
    for (const pod of servicePods) {
      const applying = policies.filter((p) => {
        const sel = (p.spec as { podSelector: { matchLabels?: Record<string, string> } }).podSelector
        return sel.matchLabels && selects(sel.matchLabels, pod)
      })
      const sources = applying.flatMap((p) =>
        ((p.spec as { ingress?: { from: object[] }[] }).ingress ?? []).flatMap((rule) => rule.from),
      )
      const fromGateway = { podSelector: { matchLabels: { 'app.kubernetes.io/component': 'gateway' } } }
      const fromMonitoring = {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      }
      for (const source of sources)
        assert.ok(
          [fromGateway, fromMonitoring].some((allowed) => JSON.stringify(allowed) === JSON.stringify(source)),
          `${pod['app.kubernetes.io/name']} accepts traffic from ${JSON.stringify(source)}`,
        )
      assert.ok(sources.some((s) => JSON.stringify(s) === JSON.stringify(fromGateway)))
    }
  })

  test(`${overlay}: the Ingress sends everything to the gateway`, () => {
    const ingress = named(objects(overlay), 'Ingress', 'gateway')!
    const rules = (
      ingress.spec as { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] }
    ).rules
    assert.deepEqual(
      rules.flatMap((r) => r.http.paths.map((p) => p.backend.service.name)),
      ['gateway'],
    )
  })
}

test('no object in either overlay has a field its type does not know', () => {
  const checks = overlays.flatMap((overlay) =>
    objects(overlay).map((o) => ({
      label: `${overlay}: ${label(o)}`,
      from: modelModule(o),
      type: `M.I${o.kind}`,
      value: o,
    })),
  )
  assert.deepEqual(Object.fromEntries(typeCheckLiterals(checks)), {})
})

test('prod: autoscalers and disruption budgets cover every service, TLS at the Ingress, no plain Secret', () => {
  const prod = objects('prod')
  for (const svc of PLATFORM) {
    const hpa = named(prod, 'HorizontalPodAutoscaler', svc.name)
    assert.equal((hpa?.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name, svc.name)
    assert.ok((hpa?.spec as { minReplicas: number }).minReplicas >= 2)
    const pdb = named(prod, 'PodDisruptionBudget', svc.name)
    const deployment = named(prod, 'Deployment', svc.name)!
    const selector = (pdb?.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels
    assert.ok(selects(selector, podTemplate(deployment)!.metadata?.labels))
  }
  const tls = (named(prod, 'Ingress', 'gateway')!.spec as { tls?: { hosts: string[] }[] }).tls
  assert.deepEqual(tls?.[0]?.hosts, ['deals.example.com'])
  assert.deepEqual(
    prod.filter((o) => o.kind === 'Secret').map(label),
    [],
    'production secrets come from the secret store, never from this repository',
  )
  for (const d of prod.filter((o) => o.kind === 'Deployment'))
    for (const c of podTemplate(d)!.spec.containers)
      assert.ok(!c.image!.endsWith(':dev'), `${label(d)} runs a dev image`)
})

test('dev: one replica each, with its own PostgreSQL, Redis and RabbitMQ', () => {
  const dev = objects('dev')
  for (const name of ['postgres', 'redis', 'rabbitmq']) assert.ok(named(dev, 'StatefulSet', name), name)
  for (const d of dev.filter((o) => o.kind === 'Deployment'))
    assert.equal((d.spec as { replicas: number }).replicas, 1, label(d))
  assert.equal(dev.filter((o) => o.kind === 'HorizontalPodAutoscaler').length, 0)
})
