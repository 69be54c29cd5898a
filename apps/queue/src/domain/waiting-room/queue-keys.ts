// Redis keys of one deal's waiting room. The hash tag keeps them in one cluster slot, which the
// multi-key scripts need; the connection's prefix (`queue:`) goes in front of each.

export function dealKeys(dealId: string) {
  const tag = `deal:{${dealId}}`
  return {
    /** Hash: the deal's mirrored state, the arrival counter, the token bucket, admitted total. */
    state: tag,
    /** Sorted set: waiting buyers by place (arrival counter; shuffled once at the opening). */
    waiting: `${tag}:waiting`,
    /** Sorted set: admitted buyers by the expiry (epoch ms) of their admission. */
    admitted: `${tag}:admitted`,
    /** Hash: the admission token of each admitted buyer. */
    tokens: `${tag}:tokens`,
    /** String: the replica running this deal's admission loop. */
    lease: `${tag}:lease`,
  }
}

/** Set of deals whose admission loop should run (queue required, not ended). */
export const ACTIVE_DEALS_KEY = 'active-deals'
