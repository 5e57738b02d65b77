import { expect } from "chai";
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { BAD_ROWS_METRIC } from "../../shared/glue-bad-rows-alarm";
import { ColumnDefinition, PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { jobColumnMapping } from "../../shared/pipeline-codegen/job-mapping";
import { columnHoldsUuid } from "../../shared/pipeline-codegen/request-model";
import { pipelines } from "../../shared/pipelines";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const glueDir = path.join(repoRoot, "data-platform", "glue");

/** The job module's own check over raw lines, as main() runs it in mapPartitions. */
const DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1])
import load_to_redshift as job
def check(request):
    mappings = job.parse_column_mapping(json.dumps(request["mapping"]))
    return [{"good": row.values is not None, "reasons": list(row.reasons), "truncated": list(row.truncated), "line": row.line} for row in job.check_lines(request["lines"], mappings)]
json.dump({"results": [check(request) for request in json.load(sys.stdin)], "metric": job.BAD_ROW_METRIC}, sys.stdout)
`;

type CheckedRow = { good: boolean; reasons: string[]; truncated: string[]; line: string };

/** One Python process for every pipeline's lines. */
function check(requests: { def: PipelineDefinition; lines: string[] }[]): { results: CheckedRow[][]; metric: string } {
    const env = { ...process.env, PYTHONPYCACHEPREFIX: path.join(os.tmpdir(), "tracking-pipeline-pycache") };
    const input = JSON.stringify(requests.map((r) => ({ mapping: jobColumnMapping(r.def), lines: r.lines })));
    const run = spawnSync("python3", ["-c", DRIVER, glueDir], { input, encoding: "utf8", env });
    if (run.status !== 0) throw new Error(`the row checks raised: ${run.stderr}`);
    return JSON.parse(run.stdout) as { results: CheckedRow[][]; metric: string };
}

interface Case {
    readonly line: string;
    readonly good: boolean;
    readonly reason?: RegExp;
    readonly truncated?: string;
}

function casesFor(def: PipelineDefinition): Case[] {
    const dated = def.columns.find((c) => c.type === "timestamp" || c.type === "date");
    const required = def.columns.find((c) => !c.nullable);
    const text = def.columns.find((c) => c.type === "varchar");
    const typed = def.columns[0];
    return [
        { line: record(def), good: true },
        ...(dated
            ? [
                  {
                      line: record(def, { [dated.name]: dated.type === "date" ? "2023-02-29" : "2024-02-30 00:00:00" }),
                      good: false,
                      reason: new RegExp(`^${dated.name}: .* is not a calendar-valid`),
                  },
              ]
            : []),
        ...(required
            ? [
                  {
                      line: record(def, { [required.name]: null }),
                      good: false,
                      reason: new RegExp(`^${required.name}: null in NOT NULL column`),
                  },
              ]
            : []),
        {
            line: record(def, { [typed.name]: typed.type === "char" || typed.type === "varchar" ? 42 : "42" }),
            good: false,
            reason: new RegExp(`^${typed.name}: expected .* got JSON`),
        },
        ...(text
            ? [
                  {
                      line: record(def, { [text.name]: "\u00e9".repeat(text.length ?? 1) }),
                      good: true,
                      truncated: text.name,
                  },
              ]
            : []),
        { line: "{not json", good: false, reason: /^not valid JSON/ },
    ];
}

/** A value the API accepts for the column. */
function validValue(column: ColumnDefinition): unknown {
    switch (column.type) {
        case "char":
            return columnHoldsUuid(column)
                ? "0b7e6f4e-3c2a-4d0e-9a65-2f1d8e7c6b5a"
                : "A".repeat(Math.min(column.length ?? 1, 2));
        case "varchar":
            return "ok";
        case "timestamp":
            return "2024-02-29 23:59:59.123456";
        case "date":
            return "2024-02-29";
        case "boolean":
            return true;
        case "real":
        case "double":
            return 1.5;
        default:
            return 1;
    }
}

function record(def: PipelineDefinition, change: Record<string, unknown> = {}): string {
    return JSON.stringify({ ...Object.fromEntries(def.columns.map((c) => [c.name, validValue(c)])), ...change });
}

/**
 * The load job's row checks on every declared pipeline's own column mapping (the one its job receives):
 * good rows come out for loading, impossible dates, nulls in NOT NULL columns and wrong JSON types come out
 * with their reasons, over-long text is truncated and still loaded, and nothing raises.
 */
describe("Glue job row checks on the declared pipelines' column mappings", function () {
    const cases = pipelines.map(casesFor);
    let checked: { results: CheckedRow[][]; metric: string };

    before(function () {
        checked = check(pipelines.map((def, i) => ({ def, lines: cases[i].map((c) => c.line) })));
    });

    pipelines.forEach((def, index) => {
        it(`${def.name}: sets aside exactly the rows that cannot load, with their reasons`, function () {
            const rows = checked.results[index];
            expect(rows.map((r) => r.line)).to.deep.equal(cases[index].map((c) => c.line));
            cases[index].forEach((expected, i) => {
                const row = rows[i];
                expect(row.good, `${expected.line}: ${row.reasons.join("; ")}`).to.equal(expected.good);
                if (expected.reason)
                    expect(
                        row.reasons.some((r) => expected.reason!.test(r)),
                        `${row.reasons.join("; ")} names ${expected.reason}`,
                    ).to.equal(true);
                expect(row.truncated).to.deep.equal(expected.truncated ? [expected.truncated] : []);
            });
        });
    });

    it("counts bad rows under the metric name the bad-rows alarm watches", () => {
        expect(checked.metric).to.equal(BAD_ROWS_METRIC);
    });
});
