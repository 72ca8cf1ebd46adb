// Lab suites that need a package or root: skipped with the reason locally, a named failure in CI.
import { describe, it } from 'vitest';

const inCi = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

/** Like describe, but when `reason` is set it skips (reason in the title), or fails under CI: a skip must never pass there. */
export function describeLab(title: string, reason: string | null, body: () => void): void {
  if (reason && inCi) {
    describe(title, () => {
      it(`cannot run: ${reason}`, () => {
        throw new Error(`${title} ${reason}; CI must not skip it: run .ci/run as root, which installs missing packages`);
      });
    });
    return;
  }
  // The default reporter only counts skips; name the reason so a local run says what it did not test.
  if (reason) console.warn(`[lab] skipping "${title}": ${reason}`);
  describe.skipIf(reason !== null)(reason ? `${title} [skipped: ${reason}]` : title, body);
}
