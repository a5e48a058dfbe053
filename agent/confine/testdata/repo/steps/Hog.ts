// Hog — allocates 1 GiB in touched 8 MiB buffers, far past the scenario's memory limit.
const held: Buffer[] = [];

export default function hog(record: Record<string, unknown>): Record<string, unknown> {
  for (let i = 0; i < 128; i++) held.push(Buffer.alloc(8 * 1024 * 1024, 1));
  return { ...record, held: held.length };
}
