/**
 * Glue/EventBridge cron expressions, `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, reduced
 * to what the model needs: the times of day a schedule fires. Only schedules that repeat every day are
 * modeled (day, month, weekday and year fields `*` or `?`); anything else is refused by name.
 */
import { WaitComponent } from "./latency";

const CRON = /^cron\((.+)\)$/;

function expandField(field: string, min: number, max: number, what: string): number[] {
    const values = new Set<number>();
    for (const part of field.split(",")) {
        const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
        if (!m) throw new Error(`${what} field "${part}" is not a number, range, list or step`);
        const start = m[1] === "*" ? min : Number(m[1]);
        const end = m[2] !== undefined ? Number(m[2]) : m[1] === "*" || m[3] !== undefined ? max : start;
        const step = m[3] !== undefined ? Number(m[3]) : 1;
        if (start < min || end > max || start > end || step < 1)
            throw new Error(`${what} field "${part}" is out of range ${min}-${max}`);
        for (let v = start; v <= end; v += step) values.add(v);
    }
    return [...values].sort((a, b) => a - b);
}

/** Minutes after midnight (UTC) at which a daily-repeating Glue cron schedule fires, ascending. */
export function dailyTriggerMinutes(expression: string): number[] {
    const inner = CRON.exec(expression.trim())?.[1];
    if (!inner)
        throw new Error(
            `schedule "${expression}" must be a Glue cron expression, cron(Minutes Hours Day-of-month Month Day-of-week Year)`,
        );
    const fields = inner.trim().split(/\s+/);
    if (fields.length !== 6)
        throw new Error(
            `schedule "${expression}" needs 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got ${fields.length}`,
        );
    const [minutes, hours, dom, month, dow, year] = fields;
    for (const [name, value] of [
        ["Day-of-month", dom],
        ["Month", month],
        ["Day-of-week", dow],
        ["Year", year],
    ] as const) {
        if (value !== "*" && value !== "?")
            throw new Error(
                `schedule "${expression}": the model covers schedules that repeat daily; ${name} must be * or ? (got "${value}")`,
            );
    }
    const mins = expandField(minutes, 0, 59, `schedule "${expression}": Minutes`);
    const hrs = expandField(hours, 0, 23, `schedule "${expression}": Hours`);
    return hrs.flatMap((h) => mins.map((m) => h * 60 + m));
}

const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/**
 * Runs a month of a Glue cron schedule that repeats daily, or weekly on the days its Day-of-week field
 * names (`SUN`-`SAT` or 1-7, lists and ranges; Day-of-month `?`), e.g. `cron(0 3 ? * SUN *)`: a month is
 * HOURS_PER_MONTH / 24 days or / 168 weeks. Other calendars are refused by name.
 */
export function runsPerMonth(expression: string, hoursPerMonth: number): number {
    const inner = CRON.exec(expression.trim())?.[1];
    const fields = inner?.trim().split(/\s+/) ?? [];
    if (
        fields.length === 6 &&
        fields[2] === "?" &&
        fields[4] !== "*" &&
        fields[4] !== "?" &&
        fields[3] === "*" &&
        fields[5] === "*"
    ) {
        const dow = fields[4].toUpperCase().replace(/[A-Z]{3}/g, (day) => {
            const i = WEEKDAYS.indexOf(day);
            if (i < 0)
                throw new Error(`schedule "${expression}": Day-of-week "${day}" is not one of ${WEEKDAYS.join(", ")}`);
            return String(i + 1);
        });
        const days = expandField(dow, 1, 7, `schedule "${expression}": Day-of-week`);
        const daily = dailyTriggerMinutes(`cron(${fields[0]} ${fields[1]} * * ? *)`);
        return (daily.length * days.length * hoursPerMonth) / (7 * 24);
    }
    return (dailyTriggerMinutes(expression).length * hoursPerMonth) / 24;
}

/**
 * The times (seconds after midnight, ascending) at which runs really start over one day, given that a
 * run lasting `runSeconds` makes a trigger firing while it still runs a no-op: Glue allows one concurrent
 * run of a job by default, so such a trigger's run is refused.
 */
export function effectiveTriggerSeconds(triggerMinutes: readonly number[], runSeconds = 0): number[] {
    if (triggerMinutes.length === 0) throw new Error("a schedule needs at least one trigger time");
    const day = 24 * 3600;
    const triggers = triggerMinutes.map((m) => m * 60);
    // Walk three days so the runs kept on day one settle, then read the second day.
    const kept: number[] = [];
    let busyUntil = -Infinity;
    for (const t of [...triggers, ...triggers.map((x) => x + day), ...triggers.map((x) => x + 2 * day)]) {
        if (t >= busyUntil) {
            kept.push(t);
            busyUntil = t + runSeconds;
        }
    }
    return kept.filter((t) => t >= day && t < 2 * day).map((t) => t - day);
}

/** The gaps, in seconds, between consecutive effective runs over one day (the last wraps to the next day's first). */
export function effectiveGapsSeconds(triggerMinutes: readonly number[], runSeconds = 0): number[] {
    const day = 24 * 3600;
    const kept = effectiveTriggerSeconds(triggerMinutes, runSeconds);
    return kept.map((t, i) => (i + 1 < kept.length ? kept[i + 1] : kept[0] + day) - t);
}

/**
 * W_job as shifted uniforms, for objects landing uniformly over a day: an object landing at x is loaded
 * by the first run starting at or after max(x, R), where R is when its hour's partition becomes visible
 * to the job (`registration(hourStart)`, seconds after midnight, possibly past the hour or the day; omit
 * for no gate). Between consecutive breakpoints (runs, hour starts, registrations) the run that loads an
 * object is the same one, so each such interval (x0, x1] is one uniform component of the wait.
 */
export function jobWaitComponents(
    runStarts: readonly number[],
    registration?: (hourStart: number) => number,
): WaitComponent[] {
    const day = 24 * 3600;
    const runs = [0, 1, 2].flatMap((d) => runStarts.map((t) => t + d * day));
    const firstRunAtOrAfter = (x: number) => runs.find((t) => t >= x) as number;
    const hours = Array.from({ length: 24 }, (_, h) => h * 3600);
    const gate = new Map(hours.map((h) => [h, registration ? registration(h) : -Infinity]));
    const breaks = [
        ...new Set([0, day, ...runStarts, ...hours, ...[...gate.values()].filter((r) => r > 0 && r < day)]),
    ].sort((a, b) => a - b);
    const components: WaitComponent[] = [];
    for (let i = 0; i + 1 < breaks.length; i++) {
        const [x0, x1] = [breaks[i], breaks[i + 1]];
        const hourGate = gate.get(Math.floor(x0 / 3600) * 3600) as number;
        const run = firstRunAtOrAfter(Math.max(x1, hourGate));
        components.push({ weight: (x1 - x0) / day, offset: run - x1, width: x1 - x0 });
    }
    return components;
}
