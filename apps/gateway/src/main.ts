// Starts the gateway: configuration from the environment, then listen with graceful shutdown.
// With GATEWAY_WORKERS > 1 the process forks that many workers sharing the port (node cluster).
import cluster from 'node:cluster'
import { createServer, startServer } from '@deals/service-kit'
import { gatewayApp } from './app.ts'
import { loadGatewayConfig } from './config.ts'

const config = loadGatewayConfig()
if (config.GATEWAY_WORKERS > 1 && cluster.isPrimary) {
  let stopping = false
  const fork = () => cluster.fork().on('exit', (code) => !stopping && code !== 0 && fork())
  for (let i = 0; i < config.GATEWAY_WORKERS; i++) fork()
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      stopping = true
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal)
    })
} else {
  const app = createServer({
    service: 'gateway',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
  })
  await app.register(gatewayApp, { config })
  await startServer(app, { host: config.HOST, port: config.PORT })
}
