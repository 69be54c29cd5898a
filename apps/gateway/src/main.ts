// Starts the gateway: configuration from the environment, then listen with graceful shutdown.
import { createServer, startServer } from '@deals/service-kit'
import { gatewayApp } from './app.ts'
import { loadGatewayConfig } from './config.ts'

const config = loadGatewayConfig()
const app = createServer({
  service: 'gateway',
  logLevel: config.LOG_LEVEL,
  bodyLimit: config.BODY_LIMIT_BYTES,
  trustProxy: config.TRUST_PROXY,
})
await app.register(gatewayApp, { config })
await startServer(app, { host: config.HOST, port: config.PORT })
