// Starts the payment service: configuration, server, the app, graceful shutdown.
import { createServer, startServer } from '@deals/service-kit'
import { loadPaymentConfig } from './config.ts'
import { paymentApp, paymentServerOptions } from './app.ts'

const config = loadPaymentConfig()
const app = createServer(paymentServerOptions(config))
await app.register(paymentApp, { config })
await startServer(app, { host: config.HOST, port: config.PORT })
