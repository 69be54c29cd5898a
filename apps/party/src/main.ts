// Starts the party service: configuration, server, the app, graceful shutdown.
import { createServer, startServer } from '@deals/service-kit'
import { loadPartyConfig } from './config.ts'
import { partyApp, partyServerOptions } from './app.ts'

const config = loadPartyConfig()
const app = createServer(partyServerOptions(config))
await app.register(partyApp, { config })
await startServer(app, { host: config.HOST, port: config.PORT })
