import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mergeDocuments } from '../../src/openapi/merge-documents.ts'

const serviceDocument = (schemaName: string) => ({
  openapi: '3.1.0',
  info: { title: 'x', version: '1' },
  paths: {
    '/products/{id}': {
      get: {
        responses: {
          200: {
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } },
          },
        },
      },
    },
    '/internal/api-keys/introspect': { post: { responses: {} } },
  },
  components: {
    schemas: { [schemaName]: { type: 'object' } },
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
  },
})

describe('merging the services’ OpenAPI documents', () => {
  const merged = mergeDocuments({ openapi: '3.1.0', info: { title: 'gw', version: '1' }, paths: {} }, [
    { service: 'catalog', prefix: '/api/catalog', document: serviceDocument('Product') },
    { service: 'order', prefix: '/api/orders', document: serviceDocument('Product') },
  ])

  test('two services’ components of the same name both survive, renamed per service, with their refs', () => {
    assert.deepEqual(Object.keys(merged.components?.schemas ?? {}).sort(), [
      'catalog_Product',
      'order_Product',
    ])
    const ref = JSON.stringify(merged.paths?.['/api/orders/products/{id}'])
    assert.match(ref, /#\/components\/schemas\/order_Product/)
  })

  test('security schemes keep their names, operations are tagged by service, internal paths are dropped', () => {
    assert.deepEqual(Object.keys(merged.components?.securitySchemes ?? {}), ['bearer'])
    assert.deepEqual((merged.paths?.['/api/catalog/products/{id}'] as { get: { tags: string[] } }).get.tags, [
      'catalog',
    ])
    assert.ok(!Object.keys(merged.paths ?? {}).some((path) => path.includes('internal')))
  })
})
