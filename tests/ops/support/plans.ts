/** The offline plans of every stack (`runPlan`, nothing written), evaluated once per test run. */
import { runPlan } from "../../../tools/plan/runner";
import { StackPlan } from "../../../tools/plan/types";

let plans: Promise<StackPlan[]> | undefined;

export function currentPlans(): Promise<StackPlan[]> {
    plans ??= runPlan({ stack: "dev", write: false }).then((result) => result.plans);
    return plans;
}
