// Builds the storefront use cases (stores, follows, categories, products, search, likes, keyword
// alerts) from the catalog database and puts them on the instance for the routes and the seller API.
import fp from 'fastify-plugin'
import { Categories } from '../domain/categories/categories.ts'
import { KeywordAlerts } from '../domain/keyword-alerts/keyword-alerts.ts'
import { Likes } from '../domain/likes/likes.ts'
import { ProductCatalog } from '../domain/products/product-catalog.ts'
import { ProductSearch } from '../domain/search/product-search.ts'
import { StoreFollows } from '../domain/stores/store-follows.ts'
import { Stores } from '../domain/stores/stores.ts'

export interface Storefront {
  stores: Stores
  follows: StoreFollows
  categories: Categories
  products: ProductCatalog
  search: ProductSearch
  likes: Likes
  keywordAlerts: KeywordAlerts
}

declare module 'fastify' {
  interface FastifyInstance {
    storefront: Storefront
  }
}

export const storefrontPlugin = fp(
  async (app) => {
    const db = app.catalogDb
    app.decorate('storefront', {
      stores: new Stores(db),
      follows: new StoreFollows(db),
      categories: new Categories(db),
      products: new ProductCatalog(db),
      search: new ProductSearch(db),
      likes: new Likes(db),
      keywordAlerts: new KeywordAlerts(db),
    })
  },
  { name: 'catalog-storefront', fastify: '5.x', dependencies: ['catalog-database'] },
)
