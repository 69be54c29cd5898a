// Test helpers for code that publishes or consumes events; never imported by production code.
export { collectMessages, type CollectedMessage, type MessageCollector } from './collect-messages.ts'
export { waitUntil } from './wait-until.ts'
export { forceCloseConnection } from './force-close-connection.ts'
