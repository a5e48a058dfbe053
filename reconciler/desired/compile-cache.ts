// Memo of compile results, keyed by Git object ids (plus a context fingerprint where a result depends on other
// files). Two generations: a compile reads from both and writes to the current one; `nextGeneration()` drops
// what the previous compile did not use. So memory stays bounded by about two repository states, and a
// one-file change re-parses only that file.

export class CompileCache {
  private current = new Map<string, unknown>();
  private previous = new Map<string, unknown>();
  hits = 0;
  misses = 0;
  /** Files actually read and compiled since the last nextGeneration() (what a change really cost). */
  compiledFiles = 0;

  get<T>(key: string): T | undefined {
    if (this.current.has(key)) {
      this.hits++;
      return this.current.get(key) as T;
    }
    if (this.previous.has(key)) {
      this.hits++;
      const value = this.previous.get(key);
      this.current.set(key, value);
      return value as T;
    }
    this.misses++;
    return undefined;
  }

  set<T>(key: string, value: T): T {
    this.current.set(key, value);
    return value;
  }

  async getOrCompute<T>(key: string, compute: () => Promise<T> | T): Promise<T> {
    const hit = this.get<T>(key);
    if (hit !== undefined) return hit;
    return this.set(key, await compute());
  }

  /** Call before each compile: entries the last compile did not touch are released. */
  nextGeneration(): void {
    this.previous = this.current;
    this.current = new Map();
    this.hits = 0;
    this.misses = 0;
    this.compiledFiles = 0;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
