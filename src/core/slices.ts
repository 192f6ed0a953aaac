/**
 * Cooperative time slicing for long passes (linking and checking 10,000 certificates): a pass
 * awaits `pause()` at safe points; it costs nothing until the slice is used up, then hands the
 * host's event loop a turn. The host says how to yield (setImmediate in Node, a timer in the
 * browser), so the core stays free of any runtime. Without a pause a pass runs straight through
 * (the CLI, the tests): the result is the same either way.
 */
export type Pause = (step?: string) => Promise<void> | undefined;

/** A pause that also says what held the host longest between two turns, and where: what to cut next. */
export interface TimeSlices {
  pause: Pause;
  longest: { ms: number; step: string };
}

/**
 * A pause that yields through `yieldToHost` once `sliceMs` have passed since the last turn. `step`
 * names the work just done (`check:checkValidity`), for `longest`.
 */
export function timeSlices(yieldToHost: () => Promise<void>, sliceMs = 8, clock: () => number = Date.now): TimeSlices {
  let sliceStart = clock();
  // One turn for everyone: concurrent passes that each yielded on their own would come back one
  // after another within the same turn of the loop, each taking a whole slice (16 readers: 128 ms).
  let turn: Promise<void> | undefined;
  const slices: TimeSlices = {
    longest: { ms: 0, step: '' },
    pause: step => {
      if (turn) {
        return turn;
      }
      const held = clock() - sliceStart;
      if (held < sliceMs) {
        return undefined;
      }
      if (held > slices.longest.ms) {
        slices.longest = { ms: held, step: step ?? '?' };
      }
      turn = yieldToHost().then(() => {
        sliceStart = clock();
        turn = undefined;
      });
      return turn;
    },
  };
  return slices;
}

/**
 * The turn `pause` asks for now, when there is a pause and its slice is used up; `step` names the
 * work just done. A loop over thousands of items awaits only a turn it got
 * (`const turn = maybePause(pause); if (turn) await turn;`): every `await` suspends the pass and
 * resumes it from the microtask queue even when there is nothing to wait for. Linking 10,000
 * certificates made about 100,000 such awaits, on an async helper each: about a third of a relink's
 * time and a sixth of its garbage (the bench workspace's relink in the CLI, see README).
 */
export function maybePause(pause: Pause | undefined, step?: string): Promise<void> | undefined {
  return pause?.(step);
}

/**
 * Items of a pass over every file or certificate between two looks at the clock: each is a few
 * microseconds of work, so sixteen hold the host well under a millisecond, and the pause (a clock
 * read and two calls) runs a sixteenth as often. A relink of the bench workspace asked for a turn
 * 117,000 times, once an item: 7–10 ms of each relink in the extension host's profile.
 */
export const ITEMS_PER_LOOK = 16;

/** `maybePause` at every ITEMS_PER_LOOK-th item (`index` counts the pass's items from 0): for the passes over every file or certificate. */
export function pauseEvery(pause: Pause | undefined, index: number, step: string): Promise<void> | undefined {
  return pause && index % ITEMS_PER_LOOK === ITEMS_PER_LOOK - 1 ? pause(step) : undefined;
}

/**
 * `work()` once a `timeSlices` pause has room in its slice, turn after turn: for one of several passes
 * that share the slices and are let go by the same turn, around its heavy step. Each checks the time
 * only after the work of those before it, and starts its own in the same microtask as the check, so
 * a turn holds one slice however many were waiting (a check awaited before the work would let all
 * of them through before any worked). Only for a pause that asks to yield when its time is up,
 * unless `waitsLeft` bounds the turns waited (the work then starts anyway): a pipeline's caller may
 * hand a pause that yields at every call.
 */
export function withRoom<T>(pause: Pause | undefined, work: () => T, step?: string, waitsLeft = Number.POSITIVE_INFINITY): T | Promise<T> {
  const turn = waitsLeft > 0 ? pause?.(step) : undefined;
  return turn ? turn.then(() => withRoom(pause, work, step, waitsLeft - 1)) : work();
}

/**
 * `pause`, ending the pass at its next turn once `stopped()` says so: that turn rejects with
 * `reason()`. A host that starts a newer pass over newer inputs stops the old one this way, so it
 * costs at most a slice more rather than a whole pass beside the new one.
 */
export function stoppable(pause: Pause, stopped: () => boolean, reason: () => Error): Pause {
  return step => pause(step)?.then(() => {
    if (stopped()) {
      throw reason();
    }
  });
}

/** A stepped pass (a generator yielding at its safe points) run straight through to its result. */
export function runStraight<T>(steps: Generator<unknown, T, void>): T {
  let step = steps.next();
  while (!step.done) {
    step = steps.next();
  }
  return step.value;
}

/**
 * A stepped pass run with `pause`'s turns between its steps. A step that yields a string names the
 * work just done (for `longest`); else `step` does.
 */
export async function runInSlices<T>(steps: Generator<unknown, T, void>, pause: Pause | undefined, step?: string): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    const turn = maybePause(pause, typeof next.value === 'string' ? next.value : step);
    if (turn) {
      await turn;
    }
    next = steps.next();
  }
  return next.value;
}
