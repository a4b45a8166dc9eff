// The frame the web chat's browser tests share: a failure names the step it happened in and
// what was expected, the page is kept as a "-failure" screenshot, errors thrown in the page are
// reported, and the whole run has a deadline. Exit 0 after "PASS"; otherwise "FAIL: <reason>"
// on stderr and exit 1, which the Java process-level test that started the script reports.

/** A check that did not hold: its message is the whole reason, with the step. */
export class Failure extends Error {}

/**
 * @param options.screenshot the screenshot's path; the failure screenshot goes next to it
 * @param options.overallMs the deadline of the whole run
 * @param options.stepMs how long one step waits for the page, unless it says otherwise
 * @param options.fullPageFailure whether the failure screenshot shows the whole page
 * @param options.current the script's browser, page and step as they are now
 * @param options.pageErrors errors thrown in the page, filled by the script's listeners
 * @param options.moreErrors further lines for a failure report (console errors)
 */
export function browserRun(options) {
  const { screenshot, overallMs, stepMs, fullPageFailure = false, current, pageErrors } = options;
  const moreErrors = options.moreErrors || (() => []);
  let finished = false;

  const log = (line) => process.stdout.write(`${line}\n`);

  const screenshotPath = (suffix) =>
    screenshot.endsWith('.png') ? `${screenshot.slice(0, -4)}${suffix}.png` : `${screenshot}${suffix}.png`;

  async function expectThat(what, promise) {
    try {
      return await promise;
    } catch (e) {
      if (e instanceof Failure) throw e;
      throw new Failure(`step ${current().step}: ${what} (${e.message.split('\n')[0]})`);
    }
  }

  const until = (what, fn, arg, timeout = stepMs) =>
    expectThat(what, current().page.waitForFunction(fn, arg, { timeout, polling: 100 }).then((h) => h.jsonValue()));

  function check(condition, what) {
    if (!condition) throw new Failure(`step ${current().step}: ${what}`);
  }

  async function fail(reason) {
    if (finished) return;
    finished = true;
    const { browser, page } = current();
    process.stderr.write(`FAIL: ${reason}\n`);
    for (const e of pageErrors) process.stderr.write(`  page error: ${e}\n`);
    for (const line of moreErrors()) process.stderr.write(`  ${line}\n`);
    if (page) {
      try {
        await page.screenshot({ path: screenshotPath('-failure'), fullPage: fullPageFailure, timeout: 5000 });
        process.stderr.write(`  screenshot: ${screenshotPath('-failure')}\n`);
      } catch { /* the page may be gone */ }
    }
    try { await browser?.close(); } catch { /* exiting anyway */ }
    process.exit(1);
  }

  /** Runs the script's steps within the deadline, then exits. */
  async function main(run) {
    const overall = setTimeout(
      () => fail(`overall timeout of ${overallMs / 1000} s exceeded in step ${current().step}`), overallMs);
    try {
      await run();
      finished = true;
      clearTimeout(overall);
      await current().browser.close();
      log('PASS');
      process.exit(0);
    } catch (e) {
      await fail(e instanceof Failure ? e.message : `step ${current().step}: ${e.stack || e}`);
    }
  }

  return { log, screenshotPath, expectThat, until, check, main };
}
