// Renders a Plan for people: `text` for a terminal, `markdown` for a pull request comment or check run
// summary. (Machines use the Plan itself as JSON.) Pure; colour is the caller's business.
import { formatCpu, formatMemory } from '../../common/quantity.ts';
import { formatProblem } from '../../common/problem.ts';
import type { Plan, QuotaUse } from '../../contracts/plan.ts';

const SIGN = { added: '+', changed: '~', removed: '-' } as const;

export function formatPlanText(plan: Plan): string {
  const lines: string[] = [`Plan ${short(plan.base)} → ${short(plan.head)}`, ''];
  const counts = (k: 'added' | 'changed' | 'removed'): number => plan.scenarios.filter((s) => s.kind === k).length;
  lines.push(`Scenarios: ${counts('added')} to add, ${counts('changed')} to change, ${counts('removed')} to remove`);
  for (const s of plan.scenarios) {
    lines.push(`  ${SIGN[s.kind]} ${s.id}  (herd ${s.herd}, ${s.file}${s.line === undefined ? '' : `:${s.line}`})`);
    for (const f of s.fields) lines.push(`      ${f.field}: ${show(f.field, f.before)} → ${show(f.field, f.after)}`);
  }
  if (plan.contracts.length > 0) {
    lines.push('', 'Contracts:');
    for (const c of plan.contracts) {
      const verdict = c.kind === 'changed' ? c.diff?.verdict ?? 'changed' : c.kind === 'removed' ? 'breaking (removed)' : 'added';
      lines.push(`  ${SIGN[c.kind]} ${c.name}  ${verdict}${c.diff ? `  (version ${c.diff.versionBefore} → ${c.diff.versionAfter})` : ''}`);
      for (const ch of c.diff?.changes ?? []) lines.push(`      [${ch.impact}] ${ch.code} ${ch.path}: ${ch.message}`);
      if (c.downstream.length > 0) lines.push(`      read by: ${c.downstream.join(', ')}`);
    }
  }
  if (plan.herds.length > 0) {
    lines.push('', 'Quota use per herd (before → after / quota):');
    for (const h of plan.herds) lines.push(`  ${h.herd.padEnd(12)} ${quotaLine(h.before, h.after, h.quota)}`);
  }
  if (plan.approvals.length > 0) {
    lines.push('', 'Approvals required:');
    for (const a of plan.approvals) lines.push(`  ${a.subject}: ${a.reason} — any of ${a.approvers.join(', ') || '(nobody is named: add contractApprovers to the herd)'}`);
  }
  if (plan.problems.length > 0) {
    lines.push('', 'Problems:');
    for (const p of plan.problems) lines.push(`  ${formatProblem(p)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatPlanMarkdown(plan: Plan): string {
  const out: string[] = [`### Runink plan \`${short(plan.base)}\` → \`${short(plan.head)}\``, ''];
  if (plan.scenarios.length === 0) out.push('No scenario changes.');
  else {
    out.push('| | scenario | herd | what changed |', '|---|---|---|---|');
    for (const s of plan.scenarios) {
      const what = s.fields.map((f) => `\`${f.field}\``).join(', ') || s.kind;
      out.push(`| ${SIGN[s.kind]} | \`${s.id}\` | ${s.herd} | ${what} |`);
    }
  }
  if (plan.contracts.length > 0) {
    out.push('', '#### Contracts', '', '| | contract | verdict | read by |', '|---|---|---|---|');
    for (const c of plan.contracts) {
      const verdict = c.kind === 'changed' ? c.diff?.verdict ?? 'changed' : c.kind;
      out.push(`| ${SIGN[c.kind]} | \`${c.name}\` | ${verdict === 'breaking' ? '**breaking**' : verdict} | ${c.downstream.map((d) => `\`${d}\``).join(', ')} |`);
    }
  }
  if (plan.herds.length > 0) {
    out.push('', '#### Quota use', '', '| herd | cpu | memory | slices |', '|---|---|---|---|');
    for (const h of plan.herds) {
      out.push(`| ${h.herd} | ${formatCpu(h.before.cpu)} → ${formatCpu(h.after.cpu)} / ${formatCpu(h.quota.cpu)} | ${formatMemory(h.before.memory)} → ${formatMemory(h.after.memory)} / ${formatMemory(h.quota.memory)} | ${h.before.slices} → ${h.after.slices} / ${h.quota.slices} |`);
    }
  }
  if (plan.approvals.length > 0) {
    out.push('', '#### Approvals required', '');
    for (const a of plan.approvals) out.push(`- **${a.subject}**: ${a.reason} — any of ${a.approvers.map((x) => `\`${x}\``).join(', ')}`);
  }
  if (plan.problems.length > 0) {
    out.push('', '#### Problems', '', '```');
    for (const p of plan.problems) out.push(formatProblem(p));
    out.push('```');
  }
  return `${out.join('\n')}\n`;
}

function quotaLine(before: QuotaUse, after: QuotaUse, quota: QuotaUse): string {
  return [
    `cpu ${formatCpu(before.cpu)} → ${formatCpu(after.cpu)} / ${formatCpu(quota.cpu)}`,
    `memory ${formatMemory(before.memory)} → ${formatMemory(after.memory)} / ${formatMemory(quota.memory)}`,
    `slices ${before.slices} → ${after.slices} / ${quota.slices}`,
  ].join(', ');
}

function short(id: string): string {
  return /^[0-9a-f]{40}$/.test(id) ? id.slice(0, 12) : id;
}

/** A field value as people read it: quantities in units, everything else as JSON. */
function show(field: string, v: unknown): string {
  if (v === undefined) return '∅';
  if (typeof v === 'number' && field === 'requires.memory') return formatMemory(v);
  if (typeof v === 'number' && field === 'requires.cpu') return formatCpu(v);
  return JSON.stringify(v);
}
