/**
 * Prints one plain closing line, `N passed, N failed` (plus skipped), after jest's own summary, so that
 * CI can read the outcome without knowing jest's format.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`;
    process.stdout.write(`\ntests: ${line}\n`);
  }
}
module.exports = SummaryReporter;
