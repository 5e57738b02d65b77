/**
 * Mocha's spec reporter plus one closing line, `N passed, N failed, N skipped`, the plain form CI
 * tooling reads to know tests ran.
 */
import Mocha from "mocha";

class SpecWithTotals extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
            console.log(`${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
        });
    }
}

export = SpecWithTotals;
