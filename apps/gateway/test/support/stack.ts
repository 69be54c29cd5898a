// The usual cast of a gateway test: a catalog upstream, the auth double with one signing key
// published, and the gateway in front of both.
import { startUpstream, type UpstreamService } from './upstream-service.ts'
import { startAuthDouble, type AuthDouble, type SigningKey } from './auth-double.ts'
import { startGateway, type TestGateway } from './gateway.ts'

export interface Stack {
  catalog: UpstreamService
  auth: AuthDouble
  key: SigningKey
  gateway: TestGateway
  close(): Promise<void>
}

export async function startStack(
  env: Record<string, string> = {},
  prepare: (auth: AuthDouble) => void = () => {},
): Promise<Stack> {
  const [catalog, auth] = await Promise.all([startUpstream('catalog'), startAuthDouble()])
  const key = await auth.addKey()
  prepare(auth)
  const gateway = await startGateway({ auth: auth.url, catalog: catalog.url }, env)
  return {
    catalog,
    auth,
    key,
    gateway,
    async close() {
      await gateway.close()
      await Promise.all([catalog.close(), auth.close()])
    },
  }
}
