// The files `runi init` writes: the smallest repository that validates and shows every part once
// (project, herd, contract, pipeline with a user step and a dead-letter sink, golden fixtures, sample data).
// Pure data; `{{name}}` is replaced by the project name.

export const TEMPLATE: Readonly<Record<string, string>> = {
  'runink.yaml': `apiVersion: runink.dev/v1
kind: Project
metadata:
  name: {{name}}
  description: Pipelines, contracts and quotas of {{name}}, managed by Runink.
spec:
  defaultHerd: default
  trackedBranch: main
`,
  'herds/default.yaml': `apiVersion: runink.dev/v1
kind: Herd
metadata:
  name: default
  description: The first herd. Add one file per team.
spec:
  quotas:
    cpu: "2"
    memory: 2Gi
    slices: 5
    pids: 128
  roles:
    - name: owners
      members: ["github:your-login"]
      permissions: ["*"]
  contractApprovers: ["github:your-login"]
  isolation: required
  network: false
  retention:
    runs: 50
    lineageDays: 30
`,
  'contracts/events.odcs.yaml': `apiVersion: v3.1.0
kind: DataContract
id: urn:{{name}}:events
name: events
version: 1.0.0
status: active
description:
  purpose: Click events as the web site emits them.
schema:
  - name: events
    logicalType: object
    properties:
      - name: event_id
        logicalType: string
        required: true
        primaryKey: true
        primaryKeyPosition: 1
      - name: user_email
        logicalType: string
        classification: restricted
      - name: kind
        logicalType: string
        required: true
      - name: at
        logicalType: timestamp
        required: true
customProperties:
  - property: runink.herd
    value: default
`,
  'pipelines/events.dsl': `@herd(default)
Feature: Events
  Copy click events from the landing zone, hashing e-mail addresses on the way.

  @contract(events)
  @source("file://landing/events.ndjson", format=ndjson, contract=events, id=events)
  @step(validate, contract=events)
  @step(Enrich, site="example.com")
  @step(mask, contract=events, strategy=hash)
  @sink("file://clean/events.ndjson", id=clean)
  @sink("file://deadletter/events.ndjson", deadLetter=true, id=rejects)
  @requires(cpu=250m, memory=128Mi)
  @schedule("0 * * * *")
  @golden(golden/events/copy-events)
  Scenario: Copy events
    Given click events in the landing zone
    When they are valid against the events contract
    Then they are enriched, e-mails are hashed, and they land in clean/
`,
  'steps/Enrich.ts': `// A user step: a pure function over one record. Return the record, an array (fan out) or null (drop).
export default function enrich(record: Record<string, unknown>, ctx: { params: Record<string, unknown> }) {
  return { ...record, site: ctx.params['site'] };
}
`,
  'golden/events/copy-events/input/events.ndjson': `{"event_id":"e1","user_email":"ada@example.com","kind":"click","at":"2026-01-05T10:00:00Z"}
{"event_id":"e2","kind":"view","at":"2026-01-05T10:01:00Z"}
`,
  'golden/events/copy-events/expected/clean.ndjson': `{"event_id":"e1","user_email":"sha256:b5fc85e55755f9e0","kind":"click","at":"2026-01-05T10:00:00Z","site":"example.com"}
{"event_id":"e2","kind":"view","at":"2026-01-05T10:01:00Z","site":"example.com"}
`,
  'golden/events/copy-events/expected/rejects.ndjson': '',
  'data/default/landing/events.ndjson': `{"event_id":"e1","user_email":"ada@example.com","kind":"click","at":"2026-01-05T10:00:00Z"}
{"event_id":"e2","kind":"view","at":"2026-01-05T10:01:00Z"}
{"event_id":"e3","kind":"click"}
`,
  '.gitignore': `.runink/
`,
  'README.md': `# {{name}}

A Runink pipeline repository. \`runi validate\` checks it, \`runi plan --base main --head WORKTREE\` shows
what your change does, \`runi test\` runs the golden tests.
`,
};
