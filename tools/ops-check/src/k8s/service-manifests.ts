// One Deployment and one Service per platform service, all from the same template, so the eight
// cannot drift apart; and the production HorizontalPodAutoscaler and PodDisruptionBudget of each.
import type { PlatformService } from '../platform.ts'

export const IMAGE = 'deals-platform'
const UID = 1000

export function labels(service: PlatformService) {
  return {
    'app.kubernetes.io/name': service.name,
    'app.kubernetes.io/component': service.name === 'gateway' ? 'gateway' : 'service',
  }
}

const selector = (service: PlatformService) => ({ 'app.kubernetes.io/name': service.name })

function probe(path: string, periodSeconds: number, failureThreshold: number) {
  return { httpGet: { path, port: 'http' }, periodSeconds, timeoutSeconds: 3, failureThreshold }
}

export function deployment(service: PlatformService) {
  const envFrom = [
    { configMapRef: { name: 'platform-config' } },
    { secretRef: { name: 'platform-secrets' } },
    ...(service.database ? [{ secretRef: { name: `${service.name}-secrets` } }] : []),
  ]
  const env = [
    { name: 'SERVICE', value: service.name },
    { name: 'PORT', value: String(service.port) },
    { name: 'OTEL_SERVICE_NAME', value: service.name },
    { name: 'REDIS_KEY_PREFIX', value: `${service.name}:` },
    // The gateway sits behind the ingress controller; the services only ever behind the gateway.
    { name: 'TRUST_PROXY', value: service.name === 'gateway' ? 'true' : '10.0.0.0/8' },
    ...service.writable.flatMap((w) => (w.env ? [{ name: w.env, value: w.path }] : [])),
  ]
  const volumes = [
    { name: 'tmp', emptyDir: {} },
    ...service.writable.map((w) => ({ name: w.name, emptyDir: {} })),
  ]
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name, labels: labels(service) },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector(service) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: labels(service),
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(service.port),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 40,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: UID,
            runAsGroup: UID,
            fsGroup: UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector(service) },
            },
          ],
          containers: [
            {
              name: service.name,
              image: IMAGE,
              ports: [{ name: 'http', containerPort: service.port, protocol: 'TCP' }],
              envFrom,
              env,
              resources: {
                requests: { cpu: service.resources.cpu.request, memory: service.resources.memory.request },
                limits: { cpu: service.resources.cpu.limit, memory: service.resources.memory.limit },
              },
              // Loading TypeScript through tsx takes a few seconds on a cold start.
              startupProbe: probe('/healthz', 2, 30),
              livenessProbe: probe('/healthz', 10, 3),
              readinessProbe: probe('/readyz', 5, 2),
              // Endpoints are removed asynchronously: keep serving a moment before SIGTERM drains.
              lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                ...service.writable.map((w) => ({ name: w.name, mountPath: w.path })),
              ],
            },
          ],
          volumes,
        },
      },
    },
  }
}

export function service(svc: PlatformService) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: svc.name, labels: labels(svc) },
    spec: {
      type: 'ClusterIP',
      selector: selector(svc),
      ports: [{ name: 'http', port: svc.port, targetPort: 'http', protocol: 'TCP' }],
    },
  }
}

/** Production scaling: at least two replicas, more on CPU, and never fewer than one during a drain. */
export function autoscaler(svc: PlatformService) {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: svc.name, labels: labels(svc) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: svc.name },
      minReplicas: 2,
      maxReplicas: svc.name === 'gateway' || svc.name === 'order' || svc.name === 'queue' ? 12 : 6,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 65 } },
        },
      ],
      behavior: {
        // A flash sale ramps up in seconds: scale up at once, scale down slowly.
        scaleUp: {
          stabilizationWindowSeconds: 0,
          policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
        },
        scaleDown: {
          stabilizationWindowSeconds: 300,
          policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
        },
      },
    },
  }
}

export function disruptionBudget(svc: PlatformService) {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: svc.name, labels: labels(svc) },
    spec: { minAvailable: 1, selector: { matchLabels: selector(svc) } },
  }
}
