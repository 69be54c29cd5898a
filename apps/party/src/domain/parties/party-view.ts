// What clients see of a party: its terms, how full it is, its status and its market.
import type { Market, Party, PartyStatus } from '../../generated/prisma/client.ts'

export type PartyWithMarket = Party & { market: Market }

export interface MarketView {
  id: string
  name: string
  address: string
  lat: number
  lng: number
}

export interface PartyView {
  id: string
  title: string
  itemName: string
  productId: string | null
  leaderId: string
  capacity: number
  memberCount: number
  pricePerPerson: number
  meetAt: string
  deadline: string
  status: PartyStatus
  market: MarketView
  createdAt: string
}

export const partyView = (party: PartyWithMarket): PartyView => ({
  id: party.id,
  title: party.title,
  itemName: party.itemName,
  productId: party.productId,
  leaderId: party.leaderId,
  capacity: party.capacity,
  memberCount: party.memberCount,
  pricePerPerson: party.pricePerPerson,
  meetAt: party.meetAt.toISOString(),
  deadline: party.deadline.toISOString(),
  status: party.status,
  market: {
    id: party.market.id,
    name: party.market.name,
    address: party.market.address,
    lat: party.market.lat,
    lng: party.market.lng,
  },
  createdAt: party.createdAt.toISOString(),
})
