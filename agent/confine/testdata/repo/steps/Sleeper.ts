// Sleeper — waits a minute (long enough to be stopped, or to outlive a killed launcher).
export default async function sleeper(record: Record<string, unknown>): Promise<Record<string, unknown>> {
  await new Promise((r) => setTimeout(r, 60_000));
  return record;
}
