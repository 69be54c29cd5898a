// Reads discovery settings from the environment once, at start, and names the variable that is wrong.
import { z } from 'zod'

const SERVICE_URL_VARIABLE = /^SERVICE_([A-Z0-9_]+)_URL$/

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
const consulDuration = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, 'must be a Consul duration such as 500ms, 10s or 1m')
const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value)

const urlList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .pipe(z.array(httpUrl).min(1, 'must list at least one URL'))

const baseSchema = z.object({
  CONSUL_URL: z.preprocess(unsetWhenEmpty, httpUrl.optional()),
  CONSUL_TOKEN: z.preprocess(unsetWhenEmpty, z.string().optional()),
  CONSUL_CHECK_INTERVAL: z.preprocess(unsetWhenEmpty, consulDuration.default('10s')),
  CONSUL_CHECK_TIMEOUT: z.preprocess(unsetWhenEmpty, consulDuration.default('5s')),
  CONSUL_DEREGISTER_CRITICAL_AFTER: z.preprocess(unsetWhenEmpty, consulDuration.default('1m')),
})

export interface HealthCheckTimings {
  interval: string
  timeout: string
  deregisterCriticalAfter: string
}

export interface DiscoveryConfig {
  consul?: { url: string; token?: string; check: HealthCheckTimings }
  /** Service name (`seller-api`) to its base URLs, from `SERVICE_SELLER_API_URL`. */
  staticServices: Record<string, string[]>
}

export class DiscoveryConfigError extends Error {
  constructor(
    readonly variables: string[],
    message: string,
  ) {
    super(message)
    this.name = 'DiscoveryConfigError'
  }
}

/** The variable that lists the static URLs of a service: `seller-api` -> `SERVICE_SELLER_API_URL`. */
export function serviceUrlVariable(service: string): string {
  return `SERVICE_${service.toUpperCase().replace(/-/g, '_')}_URL`
}

function serviceNameOf(variable: string): string | undefined {
  const match = SERVICE_URL_VARIABLE.exec(variable)
  return match?.[1]?.toLowerCase().replace(/_/g, '-')
}

export function parseDiscoveryConfig(env: Record<string, string | undefined>): DiscoveryConfig {
  const serviceVariables = Object.keys(env).filter((name) => serviceNameOf(name) !== undefined)
  const schema = baseSchema.extend(Object.fromEntries(serviceVariables.map((name) => [name, urlList])))
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const [variable, entry] = issue.path
      const where = typeof entry === 'number' ? ` (entry ${entry + 1})` : ''
      return { variable: String(variable), text: `${String(variable)}${where} ${issue.message}` }
    })
    throw new DiscoveryConfigError(
      [...new Set(problems.map((problem) => problem.variable))],
      `invalid discovery configuration: ${problems.map((problem) => problem.text).join('; ')}`,
    )
  }
  const values = parsed.data as z.infer<typeof baseSchema> & Record<string, unknown>
  const staticServices = Object.fromEntries(
    serviceVariables.map((name) => [serviceNameOf(name)!, values[name] as string[]]),
  )
  if (values.CONSUL_URL === undefined) return { staticServices }
  return {
    staticServices,
    consul: {
      url: values.CONSUL_URL,
      ...(values.CONSUL_TOKEN === undefined ? {} : { token: values.CONSUL_TOKEN }),
      check: {
        interval: values.CONSUL_CHECK_INTERVAL,
        timeout: values.CONSUL_CHECK_TIMEOUT,
        deregisterCriticalAfter: values.CONSUL_DEREGISTER_CRITICAL_AFTER,
      },
    },
  }
}
