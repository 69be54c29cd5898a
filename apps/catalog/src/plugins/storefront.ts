// Builds the storefront use cases (stores, follows, categories, products, search, likes, keyword
// alerts) from the catalog database and puts them on the instance for the routes and the seller API.
import fp from 'fastify-plugin'
import { ProductCatalog } from '../domain/products/product-catalog.ts'

export interface Storefront {
  products: ProductCatalog
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
      products: new ProductCatalog(db),
    })
  },
  { name: 'catalog-storefront', fastify: '5.x', dependencies: ['catalog-database'] },
)
