// Test support: waits, through the public watch, until a service's healthy set satisfies a condition.
import type { Discovery, Instance } from '../src/index.ts'

export function instancesUntil(
  discovery: Discovery,
  service: string,
  condition: (instances: Instance[]) => boolean,
  timeoutMs = 5_000,
): Promise<Instance[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`"${service}" did not reach the expected instances within ${timeoutMs} ms`))
    }, timeoutMs)
    const unsubscribe = discovery.watch(service, (instances) => {
      if (!condition(instances)) return
      clearTimeout(timer)
      unsubscribe()
      resolve(instances)
    })
  })
}

export const ids = (instances: Instance[]) => instances.map((instance) => instance.id)

export interface RecordedLog {
  level: 'info' | 'warn'
  obj: object
  msg: string
}

export function recordingLogger() {
  const logs: RecordedLog[] = []
  return {
    logs,
    info: (obj: object, msg: string) => void logs.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg: string) => void logs.push({ level: 'warn', obj, msg }),
  }
}
