// Starts the auth service: configuration, server, the app, graceful shutdown.
import { createServer, startServer } from '@deals/service-kit'
import { loadAuthConfig } from './config.ts'
import { authApp, authServerOptions } from './app.ts'

const config = loadAuthConfig()
const app = createServer(authServerOptions(config))
await app.register(authApp, { config })
await startServer(app, { host: config.HOST, port: config.PORT })
