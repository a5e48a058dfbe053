// Job facets of a scenario: `jobType` (BATCH, or STREAMING for `@stream`; integration RUNINK, jobType
// SCENARIO), `sourceCodeLocation` (git: repository, pipeline file, commit) and `documentation` (the
// scenario's Given/When/Then prose). Pure.
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { facet } from './facet-urls.ts';
import type { Facets } from './openlineage-types.ts';
import type { CodeLocation } from './run-inputs.ts';

export const INTEGRATION = 'RUNINK';
export const JOB_TYPE = 'SCENARIO';

export function processingType(scenario: ScenarioSpec): 'BATCH' | 'STREAMING' {
  return scenario.trigger.kind === 'stream' ? 'STREAMING' : 'BATCH';
}

export function jobFacets(producer: string, scenario: ScenarioSpec, code: CodeLocation): Facets {
  const path = scenario.loc.file;
  return {
    jobType: facet('JobTypeJobFacet', producer, { processingType: processingType(scenario), integration: INTEGRATION, jobType: JOB_TYPE }),
    sourceCodeLocation: facet('SourceCodeLocationJobFacet', producer, {
      type: 'git',
      url: code.url ?? fileUrl(code.repoUrl, code.commit, path),
      repoUrl: code.repoUrl,
      path,
      version: code.commit,
      ...(code.branch === undefined ? {} : { branch: code.branch }),
      ...(code.pullRequestNumber === undefined ? {} : { pullRequestNumber: code.pullRequestNumber }),
    }),
    documentation: facet('DocumentationJobFacet', producer, { description: scenarioProse(scenario), contentType: 'text/plain' }),
  };
}

/** `Scenario: <title>` followed by the Given/When/Then lines, as written in the pipeline file. */
export function scenarioProse(scenario: ScenarioSpec): string {
  return [`Scenario: ${scenario.title}`, ...scenario.steps_text.map((l) => `  ${l}`)].join('\n');
}

/** The URL of `path` at `commit` in the repository: a web "blob" URL for http(s) and scp-style git remotes
 * (GitHub, GitLab and Gitea all serve `<repo>/blob/<commit>/<path>`), a `file://` URL for a local folder. */
export function fileUrl(repoUrl: string, commit: string, path: string): string {
  const enc = path.split('/').map(encodeURIComponent).join('/');
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?\/?$/.exec(repoUrl);
  if (scp !== null) return `https://${scp[1]}/${scp[2]}/blob/${encodeURIComponent(commit)}/${enc}`;
  if (/^https?:\/\//i.test(repoUrl)) {
    const base = repoUrl.replace(/\/+$/, '').replace(/\.git$/, '');
    return `${base}/blob/${encodeURIComponent(commit)}/${enc}`;
  }
  if (/^file:\/\//i.test(repoUrl)) return `${repoUrl.replace(/\/+$/, '')}/${enc}`;
  const abs = repoUrl.startsWith('/') ? repoUrl : `/${repoUrl}`;
  return `file://${abs.replace(/\/+$/, '').split('/').map(encodeURIComponent).join('/')}/${enc}`;
}
