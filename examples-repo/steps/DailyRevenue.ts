// DailyRevenue — aggregates enriched orders into one record per UTC day and customer country:
//   { date, country, order_count, customer_count, revenue_eur }
// sorted by date, then country.
//
// Parameters:
//   statuses=[paid, shipped]   order statuses that count as revenue (pending and cancelled orders do not)
//
// An aggregation needs all records of the run, so this module exports `batch` instead of a default
// per-record function. Amounts are summed in integer cents so the result does not depend on the order in
// which floating-point numbers are added.

type PipelineRecord = Record<string, unknown>;

interface StepContext {
  readonly params: Readonly<Record<string, unknown>>;
}

interface DayCountry {
  readonly date: string;
  readonly country: string;
  orders: number;
  readonly customers: Set<string>;
  cents: number;
}

const DEFAULT_STATUSES: readonly string[] = ['paid', 'shipped'];

/** UTC calendar day of an ISO 8601 timestamp: `2024-05-02T01:15:00+02:00` → `2024-05-01`. */
function utcDay(timestamp: unknown): string {
  const time = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(time)) throw new Error(`ordered_at is not a timestamp: ${JSON.stringify(timestamp)}`);
  return new Date(time).toISOString().slice(0, 10);
}

export function batch(records: readonly PipelineRecord[], ctx: StepContext): PipelineRecord[] {
  const param = ctx.params['statuses'];
  const statuses = new Set(Array.isArray(param) ? param.map(String) : DEFAULT_STATUSES);

  const groups = new Map<string, DayCountry>();
  for (const record of records) {
    if (!statuses.has(String(record['status']))) continue;
    const date = utcDay(record['ordered_at']);
    const country = String(record['country']);
    const key = `${date}|${country}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { date, country, orders: 0, customers: new Set(), cents: 0 };
      groups.set(key, group);
    }
    group.orders += 1;
    group.customers.add(String(record['customer_id']));
    group.cents += Math.round(Number(record['amount_eur']) * 100);
  }

  return [...groups.values()]
    .sort((a, b) => (a.date === b.date ? compare(a.country, b.country) : compare(a.date, b.date)))
    .map((g) => ({
      date: g.date,
      country: g.country,
      order_count: g.orders,
      customer_count: g.customers.size,
      revenue_eur: g.cents / 100,
    }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
