// NormalizeCurrency — converts an order's `amount` from its `currency` into a target currency and adds it as
// `amount_<target>` (by default `amount_eur`), rounded to cents.
//
// Parameters (from `@step(NormalizeCurrency, …)`):
//   target="EUR"   currency to convert into (any currency in the table below)
//   decimals=2     digits after the decimal point of the result
//
// The rates are a fixed table on purpose: a run must give the same output for the same input (golden tests,
// replays, backfills), so a rate change is a pull request that reviewers see, not a surprise at run time.
// A record whose currency has no rate throws; the runtime then sends it to the scenario's dead-letter sink
// with `_error.reason` = the error message.

/** A record as it flows through a pipeline: one decoded JSON object. */
type PipelineRecord = Record<string, unknown>;

/** What the runtime passes besides the record. `params` holds the `@step` key=value arguments. */
interface StepContext {
  readonly params: Readonly<Record<string, unknown>>;
}

/** Value of one unit of each currency in EUR (reference rates of 2024-05-02, rounded). */
const EUR_PER_UNIT: Readonly<Record<string, number>> = {
  EUR: 1,
  USD: 0.93,
  GBP: 1.17,
};

export default function normalizeCurrency(record: PipelineRecord, ctx: StepContext): PipelineRecord {
  const target = typeof ctx.params['target'] === 'string' ? ctx.params['target'] : 'EUR';
  const decimals = typeof ctx.params['decimals'] === 'number' ? ctx.params['decimals'] : 2;
  const amount = record['amount'];
  const currency = record['currency'];
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new Error(`amount is not a number: ${JSON.stringify(amount)}`);
  }
  const from = typeof currency === 'string' ? EUR_PER_UNIT[currency] : undefined;
  const to = EUR_PER_UNIT[target];
  if (from === undefined || to === undefined) {
    throw new Error(`no exchange rate from ${String(currency)} to ${target}`);
  }
  const factor = 10 ** decimals;
  const converted = Math.round(((amount * from) / to) * factor) / factor;
  return { ...record, [`amount_${target.toLowerCase()}`]: converted };
}
