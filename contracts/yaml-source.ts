// YAML with source positions. parseYaml() turns text into plain data plus a locator that maps a JSON path
// (as ajv reports it, e.g. ["schema", 0, "properties", 2, "logicalType"]) back to the line and column in the
// file. Pure. Hostile input is reported, never thrown: syntax errors, duplicate keys, several documents, and
// alias bombs (expansion is capped, so a billion-laughs file fails fast instead of ballooning memory).
import { isCollection, isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { problem, type Problem } from '../common/problem.ts';

export type JsonPath = ReadonlyArray<string | number>;

export interface YamlSource {
  /** The parsed value, or undefined when the file could not be parsed. */
  readonly value: unknown;
  readonly problems: Problem[];
  /** 1-based line/col of the deepest node on `path` that exists (the key for map entries). */
  locate(path: JsonPath): { line: number; col: number };
}

/** How many alias dereferences a document may make before it is treated as an alias bomb. */
export const MAX_YAML_ALIASES = 1000;

export function parseYaml(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const problems: Problem[] = [];
  const pos = (offset: number): { line: number; col: number } => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) {
    problems.push(problem('YAML_SYNTAX', 'could not parse YAML', { file, line: 1, col: 1 }));
  }
  for (const doc of list) {
    for (const e of doc.errors) {
      problems.push(problem('YAML_SYNTAX', firstLine(e.message), { file, ...pos(e.pos[0]) }));
    }
    for (const w of doc.warnings) {
      problems.push(problem('YAML_WARNING', firstLine(w.message), { file, ...pos(w.pos[0]) }, { severity: 'warning' }));
    }
  }
  if (list.length > 1) {
    const second = list[1]!;
    const offset = second.range?.[0] ?? 0;
    problems.push(problem('YAML_MULTIPLE_DOCUMENTS', 'expected one YAML document, found several', { file, ...pos(offset) }, { hint: 'split them into separate files' }));
  }
  const doc = list[0];
  let value: unknown;
  if (doc !== undefined && !problems.some((p) => p.severity === 'error')) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const bomb = /alias/i.test(message);
      problems.push(
        problem(bomb ? 'YAML_ALIAS_LIMIT' : 'YAML_SYNTAX', bomb ? `too many alias expansions (limit ${MAX_YAML_ALIASES}): the document looks like an alias bomb` : firstLine(message), { file, line: 1, col: 1 }, bomb ? { hint: 'write the values out instead of nesting aliases' } : {}),
      );
    }
  }
  const root = doc?.contents ?? null;
  return {
    value,
    problems,
    locate(path) {
      let node: unknown = root;
      let at = root && 'range' in (root as object) && (root as Node).range ? pos((root as Node).range![0]) : { line: 1, col: 1 };
      for (const key of path) {
        if (!isCollection(node)) break;
        if (isMap(node)) {
          const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(key));
          if (!pair) break;
          const k = pair.key as Node;
          if (k.range) at = pos(k.range[0]);
          node = pair.value;
        } else {
          const item = (node.items as unknown[])[Number(key)];
          if (item === undefined) break;
          if ((item as Node).range) at = pos((item as Node).range![0]);
          node = item;
        }
      }
      return at;
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
