// Redis key names of a deal's stock. The `{dealId}` hash tag keeps one deal's keys in one cluster
// slot, which a Lua script touching several of them needs.
export const stockKeys = (dealId: string) => {
  const base = `stock:{${dealId}}`
  return {
    stock: base,
    /** user id -> units the user holds (reserved or bought), for the per-user limit. */
    holders: `${base}:holders`,
    /** reservation id -> "userId quantity". */
    reservations: `${base}:reservations`,
    /** reservation ids scored by their deadline (epoch ms). */
    deadlines: `${base}:deadlines`,
    /** ids of paid orders whose units were put back on sale after a cancel. */
    returned: `${base}:returned`,
    rebuildLock: `${base}:rebuild-lock`,
    admission: (jti: string) => `${base}:admission:${jti}`,
  }
}

/** Every deal that has stock counters, for the sweeper and the metrics. */
export const STOCK_DEALS_KEY = 'stock-deals'
