// A pg client whose results never carry a built-in type @prisma/adapter-pg cannot decode.
// The schema describer selects catalog columns such as relkind and contype (Postgres' internal
// `"char"`), which adapter-pg rejects as "Unsupported column type"; pg already returns those
// values as strings, so they are reported as text. Re-check this list when adapter-pg changes.
import pg from 'pg'

const { builtins } = pg.types
const NAME = 19
const FIRST_USER_DEFINED_OID = 16384
const TEXT = builtins.TEXT
const INTERNAL_CHAR = builtins.CHAR

/** Marks a field reported as text that was Postgres' one-byte `"char"` (see `decodeInternalChars`). */
export const WAS_INTERNAL_CHAR = Symbol('was internal "char"')

// The built-in scalar and array types adapter-pg 7.10 maps to a column type (its conversion.ts).
const DECODED_SCALARS =
  'BOOL BYTEA INT2 INT4 INT8 FLOAT4 FLOAT8 NUMERIC MONEY DATE TIME TIMETZ TIMESTAMP TIMESTAMPTZ JSON JSONB UUID OID BPCHAR TEXT VARCHAR BIT VARBIT INET CIDR XML'
// _bit _bool _bytea _bpchar _char _cidr _date _float4 _float8 _inet _int2 _int4 _int8 _jsonb _json _money
// _numeric _oid _text _timestamp _timestamptz _time _uuid _varbit _varchar _xml
const DECODED_ARRAYS = [
  1561, 1000, 1001, 1014, 1002, 651, 1182, 1021, 1022, 1041, 1005, 1007, 1016, 3807, 199, 791, 1231, 1028,
  1009, 1115, 1185, 1183, 2951, 1563, 1015, 143,
]
const DECODED_BY_ADAPTER = new Set([
  ...DECODED_SCALARS.split(' ').map((name) => builtins[name]),
  NAME,
  ...DECODED_ARRAYS,
])

function reportUndecodableAsText(result) {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of one?.fields ?? []) {
      if (field.dataTypeID < FIRST_USER_DEFINED_OID && !DECODED_BY_ADAPTER.has(field.dataTypeID)) {
        if (field.dataTypeID === INTERNAL_CHAR) field[WAS_INTERNAL_CHAR] = true
        field.dataTypeID = TEXT
      }
    }
  }
  return result
}

const relabelling = (callback) => (error, result) =>
  callback(error, error ? result : reportUndecodableAsText(result))

export class TextFallbackClient extends pg.Client {
  // pg.Pool#query calls this with a callback; a checked-out client is queried for a promise.
  query(config, values, callback) {
    if (typeof values === 'function') return super.query(config, relabelling(values))
    if (typeof callback === 'function') return super.query(config, values, relabelling(callback))
    const pending = super.query(config, values)
    return pending instanceof Promise ? pending.then(reportUndecodableAsText) : pending
  }
}
