// Kubernetes-style resource quantities, as users write them in `@requires` and herd quotas.
//   cpu:    "2", "0.5", "500m"            → millicores (integer)
//   memory: "512Mi", "1Gi", "200M", "1024" → bytes (integer)
// Returns undefined for malformed input; callers turn that into a Problem naming the place.

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/;
const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

export function parseCpu(value: string | number): number | undefined {
  const m = CPU.exec(String(value).trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === 'm' ? n : n * 1000);
}

export function parseMemory(value: string | number): number | undefined {
  const m = MEMORY.exec(String(value).trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * MEMORY_UNITS[m[2] ?? '']!);
}

export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

/** The exact unit giving the smallest number (`256Mi`, `2G`), else a rounded binary one (`1.15Gi`). */
export function formatMemory(bytes: number): string {
  let best: string | undefined;
  let smallest = Infinity;
  for (const unit of ['Ti', 'Gi', 'Mi', 'Ki', 'T', 'G', 'M', 'k'] as const) {
    const size = MEMORY_UNITS[unit]!;
    if (bytes >= size && bytes % size === 0 && bytes / size < smallest) {
      smallest = bytes / size;
      best = `${smallest}${unit}`;
    }
  }
  if (best !== undefined) return best;
  for (const unit of ['Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const size = MEMORY_UNITS[unit]!;
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))}${unit}`;
  }
  return String(bytes);
}
