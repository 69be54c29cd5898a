// Starts the notification service: configuration, server, the app, graceful shutdown.
import { createServer, startServer } from '@deals/service-kit'
import { loadNotificationConfig } from './config.ts'
import { notificationApp, notificationServerOptions } from './app.ts'

const config = loadNotificationConfig()
const app = createServer(notificationServerOptions(config))
await app.register(notificationApp, { config })
await startServer(app, { host: config.HOST, port: config.PORT })
