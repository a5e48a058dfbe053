// Names derived from what users wrote: scenario slugs (`Ingest raw orders` → `ingest-raw-orders`) and node
// ids (`NormalizeCurrency` → `normalize-currency`, `landing/Orders v2.ndjson` → `orders-v2`). The results only
// contain [a-z0-9-], so they are safe in Barn keys, file names and URLs.

/** Lower kebab-case of a title; accents are dropped, other symbols become dashes. May return "". */
export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Lower kebab-case of an identifier, splitting camelCase words: `JoinCustomers` → `join-customers`. */
export function kebabCase(name: string): string {
  return slugify(name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2'));
}
