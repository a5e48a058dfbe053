// Shared state while translating one schema object: where findings go and how raw document paths map to
// file positions (when the caller passed a locator).
import { problem, type Problem } from '../../common/problem.ts';
import type { RawPath } from '../diff/contract-view.ts';
import type { AjvInstance } from './ajv-setup.ts';

export type JsonSchema = Record<string, unknown>;

export interface LocateOptions {
  readonly file?: string;
  readonly locate?: (path: (string | number)[]) => { line: number; col: number };
}

export interface BuildContext {
  readonly ajv: AjvInstance;
  readonly problems: Problem[];
  readonly where: LocateOptions;
}

export function report(ctx: BuildContext, code: string, message: string, raw: RawPath, extra: { severity?: 'error' | 'warning'; hint?: string } = {}): void {
  const at = ctx.where.locate?.([...raw]);
  ctx.problems.push(problem(code, message, { ...(ctx.where.file === undefined ? {} : { file: ctx.where.file }), ...(at ?? {}) }, extra));
}
