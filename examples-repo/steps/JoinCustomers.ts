// JoinCustomers — the fan-in step of revenue-gold: enriches every order with the `country` and `segment` of
// the customer who placed it.
//
// It is declared `@step(JoinCustomers, after=[orders, customers], …)`, so it receives the records of both
// sources; the runtime marks each with `_source` = the id of the source it came from. Output records are
// the orders (without `_source`) plus `country` and `segment`; customer records themselves are not emitted.
//
// Parameters:
//   customerSource=customers   id of the source that carries customers (every other source carries orders)
//   unmatched=keep             what to do with an order whose customer is unknown: `keep` it with country
//                              "ZZ" and segment "unknown" (no revenue is lost), or `drop` it
//
// Ordering: a join needs every customer before the first order it enriches. A per-record version of this
// step would rely on the customers source being read completely before the orders source; the batch form
// used here does not, because `batch` receives all records of the run at once and indexes customers first.

type PipelineRecord = Record<string, unknown>;

interface StepContext {
  readonly params: Readonly<Record<string, unknown>>;
}

interface CustomerFacts {
  readonly country: unknown;
  readonly segment: unknown;
}

export function batch(records: readonly PipelineRecord[], ctx: StepContext): PipelineRecord[] {
  const customerSource = typeof ctx.params['customerSource'] === 'string' ? ctx.params['customerSource'] : 'customers';
  const unmatched = ctx.params['unmatched'] === 'drop' ? 'drop' : 'keep';

  const customers = new Map<string, CustomerFacts>();
  for (const record of records) {
    if (record['_source'] !== customerSource) continue;
    customers.set(String(record['customer_id']), { country: record['country'], segment: record['segment'] });
  }

  const out: PipelineRecord[] = [];
  for (const record of records) {
    if (record['_source'] === customerSource) continue;
    const { _source: _ignored, ...order } = record;
    const customer = customers.get(String(order['customer_id']));
    if (customer === undefined) {
      if (unmatched === 'keep') out.push({ ...order, country: 'ZZ', segment: 'unknown' });
      continue;
    }
    out.push({ ...order, country: customer.country, segment: customer.segment });
  }
  return out;
}
