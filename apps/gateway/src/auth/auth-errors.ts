// Why the gateway refuses a credential. Every refusal is a 401; the code tells a client whether
// refreshing its token can help.
import { defineError } from '@deals/service-kit'

export const InvalidToken = defineError('INVALID_TOKEN', 401, 'The access token is not valid')
export const TokenExpired = defineError('TOKEN_EXPIRED', 401, 'The access token has expired')
export const InvalidApiKey = defineError('INVALID_API_KEY', 401, 'The API key is not valid')
