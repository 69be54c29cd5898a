// Starts the queue service: configuration, server, the app, graceful shutdown.
import { createServer, startServer } from '@deals/service-kit'
import { loadQueueConfig } from './config.ts'
import { queueApp, queueServerOptions } from './app.ts'

const config = loadQueueConfig()
const app = createServer(queueServerOptions(config))
await app.register(queueApp, { config })
await startServer(app, { host: config.HOST, port: config.PORT })
