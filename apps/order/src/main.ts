// Starts the order service: configuration, server, the app, graceful shutdown.
import { createServer, startServer } from '@deals/service-kit'
import { loadOrderConfig } from './config.ts'
import { orderApp, orderServerOptions } from './app.ts'

const config = loadOrderConfig()
const app = createServer(orderServerOptions(config))
await app.register(orderApp, { config })
await startServer(app, { host: config.HOST, port: config.PORT })
