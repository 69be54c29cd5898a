// The shared language of the services: identity headers the gateway forwards, the
// problem+json error body, and the versioned domain events that cross service boundaries.
export * from './identity.ts'
export * from './problem.ts'
export * from './events/envelope.ts'
export * from './events/auth.ts'
export * from './events/catalog.ts'
export * from './events/stock.ts'
export * from './events/order.ts'
export * from './events/party.ts'
export * from './events/payment.ts'
