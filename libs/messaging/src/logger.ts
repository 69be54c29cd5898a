// The logging surface the library writes to: pino's call shape, so a service passes its logger.

export interface MessagingLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

const ignore = (): void => {}

/** Used when the caller gives no logger: the library stays quiet rather than writing to stdout. */
export const silentLogger: MessagingLogger = { info: ignore, warn: ignore, error: ignore }
