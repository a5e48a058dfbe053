// StepSpec → StepRuntime: the one switch over the built-in step names, plus user modules (loaded once per run
// by the caller and passed in). Parameters were checked by the DSL compiler; what is re-checked here fails the
// run with SLICE_BAD_SPEC instead of crashing.
import type { StepSpec } from '../../../contracts/desired-state.ts';
import { SliceError } from '../errors.ts';
import type { ContractLike } from '../types.ts';
import { castStep } from './cast.ts';
import { dedupeStep } from './dedupe.ts';
import { filterStep } from './filter.ts';
import { mapStep } from './map.ts';
import { maskedFields, maskStep, type MaskStrategy } from './mask.ts';
import { renameStep } from './rename.ts';
import { routeStep } from './route.ts';
import type { StepRuntime } from './step.ts';
import { userStep, type LoadedModule } from './user-step.ts';
import { validateStep } from './validate.ts';

export type BuiltinName = 'validate' | 'mask' | 'filter' | 'map' | 'route' | 'dedupe' | 'rename' | 'cast';

export interface StepDeps {
  readonly scenarioContract: string | undefined;
  readonly contracts: Readonly<Record<string, ContractLike>>;
  readonly modules: ReadonlyMap<string, LoadedModule>;
  readonly tokenKey: string;
}

export function createStep(spec: StepSpec, deps: StepDeps): StepRuntime {
  const p = spec.params as Readonly<Record<string, unknown>>;
  if (spec.kind === 'user') {
    const mod = deps.modules.get(spec.module ?? '');
    if (mod === undefined) throw new SliceError('SLICE_STEP_LOAD_FAILED', `step ${spec.id}: module ${spec.module ?? spec.name} was not loaded`, { step: spec.id });
    return userStep(spec.id, mod, p);
  }
  const name = spec.name as BuiltinName;
  switch (name) {
    case 'validate': {
      const contract = contractName(spec, deps);
      return validateStep(spec.id, contract, contractDoc(spec, contract, deps));
    }
    case 'mask': {
      const contract = contractName(spec, deps);
      const strategy = String(p['strategy'] ?? 'redact') as MaskStrategy;
      if (strategy !== 'redact' && strategy !== 'hash' && strategy !== 'tokenize') throw badSpec(spec, `unknown mask strategy ${strategy}`);
      return maskStep(spec.id, maskedFields(contractDoc(spec, contract, deps)), strategy, deps.tokenKey);
    }
    case 'filter':
      return filterStep(spec.id, required(spec, 'expr'));
    case 'map':
      return mapStep(spec.id, p);
    case 'route':
      return routeStep(spec.id, required(spec, 'expr'), required(spec, 'to'));
    case 'dedupe': {
      const key = p['key'];
      const fields = (Array.isArray(key) ? key : [key]).filter((k) => k !== undefined).map(String);
      if (fields.length === 0) throw badSpec(spec, 'dedupe needs key=');
      return dedupeStep(spec.id, fields);
    }
    case 'rename':
      return renameStep(spec.id, p);
    case 'cast':
      try {
        return castStep(spec.id, p);
      } catch (e) {
        throw badSpec(spec, e instanceof Error ? e.message : String(e));
      }
    default: {
      const never: never = name;
      throw badSpec(spec, `unknown built-in step ${String(never)}`);
    }
  }
}

function contractName(spec: StepSpec, deps: StepDeps): string {
  const c = spec.params['contract'] ?? deps.scenarioContract;
  if (typeof c !== 'string') throw badSpec(spec, `${spec.name} needs a contract`);
  return c;
}

function contractDoc(spec: StepSpec, name: string, deps: StepDeps): Readonly<Record<string, unknown>> {
  const entry = deps.contracts[name];
  if (entry === undefined) throw new SliceError('SLICE_UNKNOWN_CONTRACT', `step ${spec.id}: contract ${name} is not in the run context`, { step: spec.id, contract: name });
  return entry.document;
}

function required(spec: StepSpec, key: string): string {
  const v = spec.params[key];
  if (typeof v !== 'string' || v === '') throw badSpec(spec, `${spec.name} needs ${key}=`);
  return v;
}

function badSpec(spec: StepSpec, message: string): SliceError {
  return new SliceError('SLICE_BAD_SPEC', `step ${spec.id}: ${message}`, { step: spec.id });
}
