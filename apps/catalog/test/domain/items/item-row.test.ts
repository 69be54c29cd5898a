import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkItemRow } from '../../../src/domain/items/item-row.ts'
import { readSourcePage, SourcePageError } from '../../../src/domain/items/source-page.ts'
import { lastRowPerCode } from '../../../src/domain/items/item-upsert.ts'

describe('a source row', () => {
  test('is tidied: NFC text, one space between words, empty optional fields as null, price in won', () => {
    const decomposed = '사과'.normalize('NFD')
    assert.deepEqual(
      checkItemRow({
        itemCode: ' A-1 ',
        itemName: `  경북 \t ${decomposed}  `,
        categoryName: ' ',
        unit: '1kg',
        price: '12,500',
      }),
      {
        ok: true,
        item: { sourceCode: 'A-1', name: '경북 사과', category: null, unit: '1kg', price: 12500 },
      },
    )
    assert.deepEqual(checkItemRow({ itemCode: 1234, itemName: '배', price: '3000원' }), {
      ok: true,
      item: { sourceCode: '1234', name: '배', category: null, unit: null, price: 3000 },
    })
    for (const price of ['', '-', null, undefined])
      assert.equal(
        (checkItemRow({ itemCode: 'A', itemName: '무', price }) as { item: { price: unknown } }).item.price,
        null,
      )
  })

  test('is refused with a reason naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ itemName: '무' }, /itemCode/],
      [{ itemCode: '  ', itemName: '무' }, /itemCode/],
      [{ itemCode: 'A/1', itemName: '무' }, /itemCode/],
      [{ itemCode: 'A', itemName: '' }, /itemName/],
      [{ itemCode: 'A', itemName: '가'.repeat(201) }, /itemName/],
      [{ itemCode: 'A', itemName: '무', price: '1.5' }, /price: is not a whole number of won/],
      [{ itemCode: 'A', itemName: '무', price: '-100' }, /price/],
      [{ itemCode: 'A', itemName: '무', price: '99999999999' }, /price/],
      ['just text', /row/],
      [null, /row/],
    ]
    for (const [raw, reason] of cases) {
      const check = checkItemRow(raw)
      assert.equal(check.ok, false, JSON.stringify(raw))
      assert.match((check as { reason: string }).reason, reason)
    }
    assert.equal((checkItemRow({ itemCode: 'A/1' }) as { sourceCode: string }).sourceCode, 'A/1')
  })

  test('repeats of a code keep the last row', () => {
    const row = (sourceCode: string, price: number) => ({
      sourceCode,
      name: 'n',
      category: null,
      unit: null,
      price,
    })
    const { rows, dropped } = lastRowPerCode([row('a', 1), row('b', 2), row('a', 3), row('a', 4)])
    assert.deepEqual(rows, [row('a', 4), row('b', 2)])
    assert.equal(dropped, 2)
  })
})

describe('a source page', () => {
  const page = (items: unknown, header = { resultCode: '00', resultMsg: 'NORMAL SERVICE.' }) => ({
    response: { header, body: { items, numOfRows: 10, pageNo: 1, totalCount: 3 } },
  })

  test('reads one row given as an object, and an empty page given as ""', () => {
    assert.deepEqual(readSourcePage(page({ item: { itemCode: 'A' } })).rows, [{ itemCode: 'A' }])
    assert.deepEqual(readSourcePage(page({ item: [{ itemCode: 'A' }, { itemCode: 'B' }] })).rows.length, 2)
    assert.deepEqual(readSourcePage(page('')).rows, [])
    assert.equal(readSourcePage(page('')).totalCount, 3)
  })

  test('refuses an error header or a body that is not a page', () => {
    assert.throws(
      () => readSourcePage(page('', { resultCode: '30', resultMsg: 'SERVICE_KEY_IS_NOT_REGISTERED_ERROR' })),
      (error) =>
        error instanceof SourcePageError &&
        /resultCode 30 \(SERVICE_KEY_IS_NOT_REGISTERED_ERROR\)/.test(error.message),
    )
    assert.throws(() => readSourcePage({ items: [] }), SourcePageError)
    assert.throws(() => readSourcePage('<html>'), SourcePageError)
  })
})
