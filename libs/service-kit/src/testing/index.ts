// Test helpers: sign requests as the gateway would, to `inject` into a service directly.
import type { Identity } from '@deals/contracts'
import { signIdentityHeaders } from '../internal-auth.ts'

export const TEST_GATEWAY_SECRET = 'test-only-gateway-signing-secret-0123456789'

/** Headers for `app.inject` that make a request look forwarded by the gateway. */
export function gatewayHeaders(identity?: Identity, secret = TEST_GATEWAY_SECRET): Record<string, string> {
  return signIdentityHeaders(secret, identity)
}
