// Starts the catalog service: configuration, server, the app, graceful shutdown.
import { createServer, startServer } from '@deals/service-kit'
import { loadCatalogConfig } from './config.ts'
import { catalogApp, catalogServerOptions } from './app.ts'

const config = loadCatalogConfig()
const app = createServer(catalogServerOptions(config))
await app.register(catalogApp, { config })
await startServer(app, { host: config.HOST, port: config.PORT })
