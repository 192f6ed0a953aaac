// The relink run once more after a start's first build, in the background, its result thrown away.
//
// Why: V8 settles the relink's code over its first few runs. After the first build its rules meet
// branches and shapes they have not seen (13–19 deoptimisations, 50–80 functions optimised in the
// second run of a 10,000-certificate workspace), so the first relink after a start took 390–470 ms
// where the later ones took 120–230 ms (Node and the bench's build log alike). A person's first save
// after opening the workspace is the one that paid. The rehearsal pays it instead, while the host is
// otherwise idle, in the same 8 ms slices as any build; a real build that links stops it at its next
// turn (it then warms the code itself). Small workspaces relink in milliseconds: they skip it.
import { Logger } from '../util/logger';
import { threadCpu, threadCpuMsSince } from '../util/threadCpu';
import { BuildOptions, BuildSuperseded, buildWorkspace } from './build';
import type { IndexedFile } from './model';

/** Below this many files with material a relink is quick from the first: no rehearsal. */
export const REHEARSAL_MIN_FILES = 2000;

export interface RehearsalResult {
  /** 'done': ran to its end; 'stopped': a build that links started first. */
  state: 'done' | 'stopped';
  /** Wall time, and the host thread's CPU time where Node can tell. */
  ms: number;
  cpuMs?: number;
}

/** Link and check `files` once, the result dropped; never rejects. `options.superseded` stops it. */
export async function rehearse(files: readonly IndexedFile[], options: BuildOptions, logger: Logger): Promise<RehearsalResult> {
  const started = Date.now();
  if (options.superseded?.()) {
    return { state: 'stopped', ms: 0 }; // a build that links started before the rehearsal's first turn
  }
  const cpu = threadCpu();
  let state: RehearsalResult['state'] = 'done';
  try {
    await buildWorkspace(files, options);
  } catch (e) {
    if (!(e instanceof BuildSuperseded)) {
      logger.error('the relink rehearsal failed (builds are not affected)', e);
    }
    state = 'stopped';
  }
  const result = { state, ms: Date.now() - started, cpuMs: threadCpuMsSince(cpu) };
  logger.info(`relink rehearsal ${state === 'done' ? 'done' : 'stopped by a build'} in ${result.ms} ms${result.cpuMs !== undefined ? ` (the host's thread ran ${Math.round(result.cpuMs)} ms of it)` : ''}: a change's first relink runs code V8 has optimised`);
  return result;
}
