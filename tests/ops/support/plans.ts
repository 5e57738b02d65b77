/** The offline plans of every stack (`runPlan`, nothing written), evaluated once per test run. */
import { devPlan } from "../../support/dev-plan";
import { StackPlan } from "../../../tools/plan/types";

let plans: Promise<StackPlan[]> | undefined;

export function currentPlans(): Promise<StackPlan[]> {
    plans ??= devPlan().then((result) => result.plans);
    return plans;
}
