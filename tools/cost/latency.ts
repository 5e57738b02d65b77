/**
 * End-to-end latency model, API request to row in Redshift: latency = fixed + W_buffer + W_job, the
 * Firehose buffer wait and the wait for the next load independent, so the quantiles are exact (bisection
 * on the piecewise-quadratic CDF, no sampling). The model and its assumptions: docs/cost.md, "Latency model".
 */

/** P(U(0,a) + U(0,b) <= t) for a, b >= 0. */
export function sumOfUniformsCdf(a: number, b: number, t: number): number {
    if (t <= 0) return 0;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    if (hi === 0) return 1;
    if (lo === 0) return Math.min(1, t / hi);
    if (t >= lo + hi) return 1;
    if (t <= lo) return (t * t) / (2 * lo * hi);
    if (t <= hi) return (t - lo / 2) / hi;
    const rest = lo + hi - t;
    return 1 - (rest * rest) / (2 * lo * hi);
}

/**
 * The wait for the next job run, as a mixture of shifted uniforms: with probability `weight`, the wait is
 * U(offset, offset + width). A plain schedule gives one component per gap g: weight g / day, offset 0,
 * width g. Objects that must also wait for their partition to be registered get offset components.
 */
export interface WaitComponent {
    readonly weight: number;
    readonly offset: number;
    readonly width: number;
}

/** The components of a schedule's gaps alone (no partition gate). */
export function gapComponents(gapsSeconds: readonly number[]): WaitComponent[] {
    const total = gapsSeconds.reduce((s, g) => s + g, 0);
    return gapsSeconds.map((g) => ({ weight: g / total, offset: 0, width: g }));
}

/** CDF of U(0, bufferSeconds) + W_job. */
export function waitCdf(bufferSeconds: number, components: readonly WaitComponent[], t: number): number {
    return components.reduce((s, c) => s + c.weight * sumOfUniformsCdf(bufferSeconds, c.width, t - c.offset), 0);
}

/** The q-quantile (0 < q < 1) of U(0, bufferSeconds) + W_job, to 0.001 s. */
export function waitQuantile(bufferSeconds: number, components: readonly WaitComponent[], q: number): number {
    let lo = 0;
    let hi = bufferSeconds + Math.max(0, ...components.map((c) => c.offset + c.width));
    for (let i = 0; i < 200 && hi - lo > 1e-4; i++) {
        const mid = (lo + hi) / 2;
        if (waitCdf(bufferSeconds, components, mid) < q) lo = mid;
        else hi = mid;
    }
    return Math.round(((lo + hi) / 2) * 1000) / 1000;
}
