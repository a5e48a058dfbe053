import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approvalSatisfied, odcsApprovers, requiredApprovals } from './required-approvals.ts';
import { runDataDriven } from './testing/datadriven.ts';
import { contractsFrom, herdsFrom, parseYamlObject, subjectFrom, verdictsFrom } from './testing/fixtures.ts';

test('approval requirements match testdata/approvals.txt', () => {
  runDataDriven(new URL('./testdata/approvals.txt', import.meta.url), (c) => {
    if (c.command !== 'approvals') throw new Error(`${c.at}: unknown command ${c.command}`);
    const spec = parseYamlObject(c.input);
    const head = { herds: herdsFrom(spec['herds']), contracts: contractsFrom(spec['contracts']) };
    const reqs = requiredApprovals({ contracts: verdictsFrom(spec['verdicts']), scenarios: [] }, head);
    const reviewers = (Array.isArray(spec['approvedBy']) ? spec['approvedBy'] : []).map(String);
    if (reqs.length === 0) return 'no approval required';
    return reqs
      .flatMap((r) => [
        `${r.subject} needs one of: ${r.approvers.length === 0 ? '(nobody)' : r.approvers.join(', ')}`,
        `  reason: ${r.reason}`,
        ...reviewers.map((line) => {
          const ok = approvalSatisfied(r, [subjectFrom(line.split(/\s+/)).subject]);
          return `  approved by ${line}: ${ok ? 'satisfied' : 'not enough'}`;
        }),
      ])
      .join('\n');
  });
});

test('an approval from nobody never satisfies a requirement, even one without approvers', () => {
  assert.equal(approvalSatisfied({ subject: 'contract:x', reason: '', approvers: ['github:alice'] }, []), false);
  assert.equal(approvalSatisfied({ subject: 'contract:x', reason: '', approvers: [] }, [{ login: 'alice', teams: [] }]), false);
});

test('ODCS roles of any shape yield only valid subjects and never throw', () => {
  const weird = [null, 3, 'x', { firstLevelApprovers: 7 }, { firstLevelApprovers: 'alice, acme/gov , Reporting Manager, n/a' }];
  assert.deepEqual(odcsApprovers({ document: { roles: weird } }), ['github:alice', 'github-team:acme/gov']);
  assert.deepEqual(odcsApprovers({ document: { roles: 'owner' } }), []);
  assert.deepEqual(odcsApprovers(undefined), []);
});
