import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memberMatches, normalizeApprover, parseMember } from './subject.ts';

test('members parse into users and teams, lowercased, and anything else is invalid', () => {
  assert.deepEqual(parseMember('github:Alice'), { kind: 'user', login: 'alice' });
  assert.deepEqual(parseMember(' github-team:Acme/Data-Eng '), { kind: 'team', org: 'acme', team: 'data-eng' });
  for (const bad of ['alice', 'github:', 'github:-alice', 'github:al--ice', 'github-team:acme', 'github-team:a/b/c', 'gitlab:alice']) {
    assert.equal(parseMember(bad).kind, 'invalid', bad);
  }
});

test('a team member matches only the exact org/team, ignoring case', () => {
  const subject = { login: 'erin', teams: ['Acme/Data-Eng'] };
  assert.equal(memberMatches('github-team:acme/data-eng', subject), true);
  assert.equal(memberMatches('github-team:acme/data', subject), false);
  assert.equal(memberMatches('github-team:other/data-eng', subject), false);
  assert.equal(memberMatches('github:erin', subject), true);
  assert.equal(memberMatches('github:ERIN', { login: 'Erin', teams: [] }), true);
});

test('free-text approver names become subjects only when they name a GitHub identity', () => {
  assert.equal(normalizeApprover('bob'), 'github:bob');
  assert.equal(normalizeApprover('acme/stewards'), 'github-team:acme/stewards');
  assert.equal(normalizeApprover('github:bob'), 'github:bob');
  for (const nobody of ['', '  ', 'na', 'N/A', 'none', 'TBD', '-', 'Reporting Manager', 'github:bad name']) {
    assert.equal(normalizeApprover(nobody), undefined, nobody);
  }
});
