// Generates a large, valid pipeline repository as a real Git repository for the plan benchmark:
// `pipelines` pipelines (100 per folder under pipelines/gNNN/) and `contracts` contracts, spread over 4 herds.
// Deterministic: the same sizes give the same files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GeneratedRepo {
  readonly dir: string;
  readonly pipelines: number;
  readonly contracts: number;
}

const HERDS = ['retail', 'finance', 'marketing', 'logistics'];
const PER_FOLDER = 100;

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', '-c', 'gc.auto=0', ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

export function generateRepo(dir: string, pipelines: number, contracts: number): GeneratedRepo {
  mkdirSync(dir, { recursive: true });
  write(dir, 'runink.yaml', project());
  for (const h of HERDS) write(dir, `herds/${h}.yaml`, herd(h, pipelines));
  for (let c = 0; c < contracts; c++) write(dir, `contracts/${contractName(c)}.odcs.yaml`, contract(c));
  for (let p = 0; p < pipelines; p++) write(dir, pipelinePath(p), pipeline(p, contracts, 0));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', `generated: ${pipelines} pipelines, ${contracts} contracts`);
  // Packed, as a clone is: objects are read from one packfile, not thousands of loose files.
  git(dir, 'gc', '-q');
  return { dir, pipelines, contracts };
}

/** Rewrites one pipeline (a changed memory request and step parameter) and commits; returns the commit id. */
export function changeOnePipeline(repo: GeneratedRepo, index: number, revision: number): string {
  write(repo.dir, pipelinePath(index), pipeline(index, repo.contracts, revision));
  git(repo.dir, 'commit', '-qam', `change pipeline ${index} (revision ${revision})`);
  return git(repo.dir, 'rev-parse', 'HEAD');
}

function write(dir: string, path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

export function pipelinePath(p: number): string {
  return `pipelines/g${String(Math.floor(p / PER_FOLDER)).padStart(3, '0')}/p${String(p).padStart(5, '0')}.dsl`;
}

function contractName(c: number): string {
  return `dataset_${String(c).padStart(4, '0')}`;
}

function project(): string {
  return ['apiVersion: runink.dev/v1', 'kind: Project', 'metadata:', '  name: bench', 'spec:', '  defaultHerd: retail', ''].join('\n');
}

function herd(name: string, pipelines: number): string {
  return [
    'apiVersion: runink.dev/v1',
    'kind: Herd',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  quotas:',
    `    cpu: "${pipelines}"`,
    `    memory: ${pipelines}Gi`,
    `    slices: ${pipelines}`,
    '    pids: 256',
    '  roles:',
    '    - name: engineers',
    `      members: ["github-team:acme/${name}"]`,
    '      permissions: [pipelines.read, pipelines.write, pipelines.run]',
    `  contractApprovers: ["github:${name}-lead"]`,
    '',
  ].join('\n');
}

function contract(c: number): string {
  const name = contractName(c);
  return [
    'apiVersion: v3.1.0',
    'kind: DataContract',
    `id: urn:bench:${name}`,
    `name: ${name}`,
    'version: 1.0.0',
    'status: active',
    'schema:',
    `  - name: ${name}`,
    '    logicalType: object',
    '    properties:',
    '      - name: id',
    '        logicalType: string',
    '        required: true',
    '        primaryKey: true',
    '        primaryKeyPosition: 1',
    '      - name: amount',
    '        logicalType: number',
    '        logicalTypeOptions:',
    '          minimum: 0',
    '      - name: email',
    '        logicalType: string',
    '        classification: restricted',
    'customProperties:',
    '  - property: runink.herd',
    `    value: ${HERDS[c % HERDS.length]}`,
    '',
  ].join('\n');
}

function pipeline(p: number, contracts: number, revision: number): string {
  const c = contractName(p % contracts);
  const herdName = HERDS[(p % contracts) % HERDS.length];
  return [
    `@herd(${herdName})`,
    `Feature: Pipeline ${p}`,
    `  Generated pipeline number ${p} reading ${c}.`,
    '',
    `  @contract(${c})`,
    `  @source("file://in/${c}/*.ndjson", format=ndjson, contract=${c}, id=input)`,
    `  @step(validate, contract=${c})`,
    `  @step(filter, expr="record.amount > ${revision}.0")`,
    `  @sink("file://out/p${p}.ndjson", id=output)`,
    `  @sink("file://dead/p${p}.ndjson", deadLetter=true, id=rejects)`,
    `  @requires(cpu=100m, memory=${64 + revision}Mi)`,
    '  @schedule("0 * * * *")',
    `  Scenario: Copy ${c}`,
    `    Given records of ${c}`,
    '    When they are valid and positive',
    '    Then they are copied out',
    '',
  ].join('\n');
}
