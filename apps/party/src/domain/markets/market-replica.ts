// The party service's copy of catalog's markets, kept from market.created/updated events. The
// catalog owns markets; parties only need each one's name and point.
import type { MarketSnapshot } from '@deals/contracts'
import type { PartyTx } from '../database.ts'

/** Writes the snapshot as the market's current state (created or corrected alike). */
export async function applyMarketSnapshot(tx: PartyTx, market: MarketSnapshot): Promise<void> {
  const fields = { name: market.name, address: market.address, lat: market.lat, lng: market.lng }
  await tx.market.upsert({
    where: { id: market.marketId },
    create: { id: market.marketId, ...fields },
    update: fields,
  })
}
