// Entry point of a slice runtime (spawned by runtime.ts inside the sandbox, never imported): the protocol
// runs on fd 3 (child-main.ts). Plain JavaScript on purpose: it needs no tsx transform, and every module it
// loads is in the launcher's transform cache (prewarmRuntimeCache), so a start does not spawn esbuild.
import { childMain } from './child-main.ts';

await childMain(3);
