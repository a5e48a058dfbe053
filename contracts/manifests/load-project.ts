// runink.yaml (kind: Project) → ProjectSpec. Pure: the caller reads the file and passes its text.
// Defaults come from contracts/schema/project.schema.json (trackedBranch `main`, folders named after
// themselves). Whether `defaultHerd` names an existing herd is checked where all herds are known.
import { hasErrors, sortProblems, type Problem } from '../../common/problem.ts';
import type { ProjectSpec } from '../desired-state.ts';
import { loadManifest } from './load-manifest.ts';

export interface LoadedProject {
  /** Present only when there is no error. */
  readonly project?: ProjectSpec;
  /** Every finding, sorted; warnings may accompany a project. */
  readonly problems: Problem[];
}

export function loadProject(file: string, text: string): LoadedProject {
  const loaded = loadManifest(file, text, 'Project');
  const problems = sortProblems(loaded.problems);
  if (loaded.doc === undefined || hasErrors(problems)) return { problems };
  const { name, description, spec } = loaded.doc;
  const folders = spec['folders'] as Record<string, string>;
  const github = spec['github'] as { repository: string } | undefined;
  // Keys in alphabetical order, so equal projects serialise equally.
  const project: ProjectSpec = {
    defaultHerd: spec['defaultHerd'] as string,
    ...(description === undefined ? {} : { description }),
    folders: {
      contracts: folders['contracts']!,
      data: folders['data']!,
      golden: folders['golden']!,
      herds: folders['herds']!,
      pipelines: folders['pipelines']!,
      steps: folders['steps']!,
    },
    ...(github === undefined ? {} : { github: { repository: github.repository } }),
    name,
    trackedBranch: spec['trackedBranch'] as string,
  };
  return { project, problems };
}
