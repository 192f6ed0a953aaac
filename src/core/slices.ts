/**
 * Cooperative time slicing for long passes (linking and checking 10,000 certificates): a pass
 * awaits `pause()` at safe points; it costs nothing until the slice is used up, then hands the
 * host's event loop a turn. The host says how to yield (setImmediate in Node, a timer in the
 * browser), so the core stays free of any runtime. Without a pause a pass runs straight through
 * (the CLI, the tests): the result is the same either way.
 */
export type Pause = () => Promise<void> | undefined;

/** A pause that yields through `yieldToHost` once `sliceMs` have passed since the last turn. */
export function timeSlices(yieldToHost: () => Promise<void>, sliceMs = 8, clock: () => number = Date.now): Pause {
  let sliceStart = clock();
  return () => {
    if (clock() - sliceStart < sliceMs) {
      return undefined;
    }
    return yieldToHost().then(() => {
      sliceStart = clock();
    });
  };
}

/** Await `pause` when there is one and it asks to yield. */
export async function maybePause(pause: Pause | undefined): Promise<void> {
  const turn = pause?.();
  if (turn) {
    await turn;
  }
}
