import type { Pass, PassReport } from './contract';

/**
 * Consuming a `Pass` without losing its report. `for await` throws a generator's return value away, so a caller that
 * needs to know what could not be read drains the pass here, or streams it through `mapPass` (whose own return value
 * is the inner report, so `yield*` or `drain` on it still gets it).
 */

/** The report of a pass that was left before its end: it is never read (the pass is closed), so its value is moot. */
const CLOSED: PassReport = { unreadable: 0 };

/** Runs a pass to its end, handing each item to `each` (awaited, one at a time); returns the pass's report. */
export async function drain<T>(pass: Pass<T>, each?: (item: T) => void | Promise<void>): Promise<PassReport> {
  // through mapPass, which closes the pass if we leave early (an `each` that throws)
  const items = mapPass(pass, (item) => item);
  try {
    for (let step = await items.next(); ; step = await items.next()) {
      if (step.done === true) return step.value;
      if (each !== undefined) await each(step.value);
    }
  } catch (error) {
    await items.return(CLOSED);
    throw error;
  }
}

/**
 * A pass whose items go through `map` as they stream, one at a time, and which returns the inner pass's report.
 * Left early, it closes the inner pass too.
 */
export async function* mapPass<T, U>(pass: Pass<T>, map: (item: T) => U): Pass<U> {
  let finished = false;
  try {
    for (;;) {
      const step = await pass.next();
      if (step.done === true) {
        finished = true;
        return step.value;
      }
      yield map(step.value);
    }
  } finally {
    if (!finished) await pass.return(CLOSED);
  }
}
