import { expect } from "chai";
import { ColumnDefinition, PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { PipelineDefinitionError, validatePipeline, validatePipelines } from "../../shared/pipeline-codegen/validate";
import { pipelines } from "../../shared/pipelines";
import { userEvents } from "../../shared/pipelines/user-events";
import { userUtm } from "../../shared/pipelines/user-utm";

/** A definition that may break the static types on purpose, as a hand-edited or JSON-loaded one could. */
type Loose = Record<string, unknown>;

function withColumn(def: PipelineDefinition, index: number, changes: Loose): PipelineDefinition {
    const columns = def.columns.map((column, i) =>
        i === index ? ({ ...column, ...changes } as unknown as ColumnDefinition) : column,
    );
    return { ...def, columns };
}

function problemsOf(run: () => void): string[] {
    try {
        run();
    } catch (error) {
        expect(error).to.be.instanceOf(PipelineDefinitionError);
        const problems = (error as PipelineDefinitionError).problems;
        expect((error as Error).message).to.equal(problems.join("\n"));
        return [...problems];
    }
    expect.fail("expected a PipelineDefinitionError, but validation passed");
}

describe("pipeline definition validation", () => {
    it("accepts every committed pipeline, alone and as the deployed set", () => {
        for (const def of pipelines) expect(() => validatePipeline(def), def.name).not.to.throw();
        expect(() => validatePipelines(pipelines)).not.to.throw();
    });

    it("names pipeline, field path and rule, in the documented form", () => {
        const problems = problemsOf(() => validatePipeline(withColumn(userEvents, 4, { length: 0 })));
        expect(problems).to.deep.equal([
            'pipeline "user-events": columns[4].length: varchar length must be an integer from 1 to 65535 bytes (got 0)',
        ]);
    });

    /** Each case breaks one rule of a valid definition; the message must name the field path and the rule. */
    const singlePipelineCases: Array<{ rule: string; def: PipelineDefinition; expected: RegExp }> = [
        {
            rule: "pipeline name has capitals/underscores",
            def: { ...userEvents, name: "User_Events" },
            expected: /^pipeline "User_Events": name: pipeline name must match/,
        },
        {
            rule: "pipeline name ends with a hyphen",
            def: { ...userEvents, name: "user-events-" },
            expected: /name: pipeline name must match .*\(got "user-events-"\)/,
        },
        {
            rule: "pipeline name starts with a digit",
            def: { ...userEvents, name: "1events" },
            expected: /name: pipeline name must match/,
        },
        {
            rule: "pipeline name over 24 characters",
            def: { ...userEvents, name: "a-very-long-pipeline-name" },
            expected: /name: pipeline name must be at most 24 characters .*\(got 25\)/,
        },
        {
            rule: "schema not a plain identifier",
            def: { ...userEvents, table: { schema: "Tracking", name: "events" } },
            expected: /table\.schema: schema name must match .*\(got "Tracking"\)/,
        },
        {
            rule: "table name with a hyphen",
            def: { ...userEvents, table: { schema: "tracking", name: "user-events" } },
            expected: /table\.name: table name must match .*\(got "user-events"\)/,
        },
        {
            rule: "table name over 127 bytes",
            def: { ...userEvents, table: { schema: "tracking", name: "t".repeat(128) } },
            expected: /table\.name: table name must be at most 127 bytes \(got 128\)/,
        },
        {
            rule: "column name not a plain identifier",
            def: withColumn(userEvents, 2, { name: "Cookie-Id" }),
            expected: /columns\[2\]\.name: column name must match .*\(got "Cookie-Id"\)/,
        },
        {
            rule: "column name over 127 bytes",
            def: withColumn(userEvents, 10, { name: "r".repeat(128) }),
            expected: /columns\[10\]\.name: column name must be at most 127 bytes \(got 128\)/,
        },
        {
            rule: "duplicate column",
            def: withColumn(userEvents, 5, { name: "message" }),
            expected: /columns\[5\]\.name: duplicate column "message" \(also columns\[4\]\)/,
        },
        {
            rule: "no columns",
            def: { ...userEvents, columns: [] },
            expected: /columns: a pipeline needs at least one column \(got 0\)/,
        },
        {
            rule: "more than 1,600 columns",
            def: {
                ...userEvents,
                columns: [
                    ...userEvents.columns,
                    ...Array.from({ length: 1590 }, (_, i): ColumnDefinition => ({
                        name: `c${i}`,
                        type: "boolean",
                        nullable: true,
                    })),
                ],
            },
            expected: /columns: a Redshift table has at most 1600 columns \(got 1601\)/,
        },
        {
            rule: "unknown column type",
            def: withColumn(userEvents, 5, { type: "text" }),
            expected: /columns\[5\]\.type: type must be one of .*\(got "text"\)/,
        },
        {
            rule: "nullable missing",
            def: withColumn(userEvents, 5, { nullable: undefined }),
            expected: /columns\[5\]\.nullable: nullable must be true or false \(got undefined\)/,
        },
        {
            rule: "char length 0",
            def: withColumn(userEvents, 0, { length: 0 }),
            expected: /columns\[0\]\.length: char length must be an integer from 1 to 4096 bytes \(got 0\)/,
        },
        {
            rule: "char length over 4096",
            def: withColumn(userEvents, 0, { length: 4097 }),
            expected: /columns\[0\]\.length: char length must be an integer from 1 to 4096 bytes \(got 4097\)/,
        },
        {
            rule: "varchar length over 65535",
            def: withColumn(userEvents, 4, { length: 65536 }),
            expected: /columns\[4\]\.length: varchar length must be an integer from 1 to 65535 bytes \(got 65536\)/,
        },
        {
            rule: "varchar length not an integer",
            def: withColumn(userEvents, 4, { length: 10.5 }),
            expected: /columns\[4\]\.length: varchar length must be an integer .*\(got 10\.5\)/,
        },
        {
            rule: "varchar length missing",
            def: withColumn(userEvents, 4, { length: undefined }),
            expected: /columns\[4\]\.length: varchar length must be an integer .*\(got undefined\)/,
        },
        {
            rule: "length on a non-text column",
            def: withColumn(userEvents, 1, { length: 8 }),
            expected: /columns\[1\]\.length: length applies only to char and varchar columns, not timestamp \(got 8\)/,
        },
        {
            rule: "decimal precision 0",
            def: withColumn(userEvents, 5, { type: "decimal", length: undefined, precision: 0 }),
            expected: /columns\[5\]\.precision: decimal precision must be an integer from 1 to 38 \(got 0\)/,
        },
        {
            rule: "decimal precision 39",
            def: withColumn(userEvents, 5, { type: "decimal", length: undefined, precision: 39 }),
            expected: /columns\[5\]\.precision: decimal precision must be an integer from 1 to 38 \(got 39\)/,
        },
        {
            rule: "decimal precision missing",
            def: withColumn(userEvents, 5, { type: "decimal", length: undefined }),
            expected: /columns\[5\]\.precision: decimal precision must be an integer from 1 to 38 \(got undefined\)/,
        },
        {
            rule: "decimal scale above precision",
            def: withColumn(userEvents, 5, { type: "decimal", length: undefined, precision: 10, scale: 11 }),
            expected: /columns\[5\]\.scale: decimal scale must be an integer from 0 to the precision 10 \(got 11\)/,
        },
        {
            rule: "decimal scale negative",
            def: withColumn(userEvents, 5, { type: "decimal", length: undefined, precision: 10, scale: -1 }),
            expected: /columns\[5\]\.scale: decimal scale must be an integer from 0 to the precision 10 \(got -1\)/,
        },
        {
            rule: "precision on a non-decimal column",
            def: withColumn(userEvents, 5, { precision: 10 }),
            expected: /columns\[5\]\.precision: precision applies only to decimal columns, not varchar \(got 10\)/,
        },
        {
            rule: "scale on a non-decimal column",
            def: withColumn(userEvents, 5, { scale: 2 }),
            expected: /columns\[5\]\.scale: scale applies only to decimal columns, not varchar \(got 2\)/,
        },
        {
            rule: "unknown encoding",
            def: withColumn(userEvents, 5, { encoding: "snappy" }),
            expected: /columns\[5\]\.encoding: encoding must be one of .*\(got "snappy"\)/,
        },
        {
            rule: "encoding the type does not support",
            def: withColumn(userEvents, 0, { encoding: "text255" }),
            expected:
                /columns\[0\]\.encoding: encoding text255 does not support char columns \(Redshift accepts it for varchar\)/,
        },
        {
            rule: "az64 on varchar",
            def: withColumn(userUtm, 3, { encoding: "az64" }),
            expected: /^pipeline "user-utm": columns\[3\]\.encoding: encoding az64 does not support varchar columns/,
        },
        {
            rule: "format on a non-text column",
            def: withColumn(userEvents, 1, { format: "uuid" }),
            expected: /columns\[1\]\.format: format applies only to char and varchar columns, not timestamp/,
        },
        {
            rule: "uuid format on a column too short for one",
            def: withColumn(userEvents, 5, { format: "uuid" }),
            expected: /columns\[5\]\.format: format "uuid" needs a length of at least 36 bytes \(got length 30\)/,
        },
        {
            rule: "unknown format",
            def: withColumn(userEvents, 5, { format: "email" }),
            expected: /columns\[5\]\.format: format must be "uuid" or "none" \(got "email"\)/,
        },
        {
            rule: "partitionKeyField not a column",
            def: { ...userEvents, partitionKeyField: "session_id" },
            expected:
                /partitionKeyField: partitionKeyField must name one of the pipeline's columns \(got "session_id"\)/,
        },
        {
            rule: "partitionKeyField nullable",
            def: { ...userEvents, partitionKeyField: "website_id" },
            expected: /partitionKeyField: partitionKeyField column "website_id" must be NOT NULL/,
        },
        {
            rule: "partitionKeyField longer than a Kinesis key",
            def: { ...userEvents, partitionKeyField: "topic" },
            expected:
                /partitionKeyField: partitionKeyField column "topic" may hold up to 1024 bytes but a Kinesis partition key is at most 256 characters/,
        },
        {
            rule: "eventTimeField not a column",
            def: { ...userEvents, eventTimeField: "event_time" },
            expected: /eventTimeField: eventTimeField must name one of the pipeline's columns \(got "event_time"\)/,
        },
        {
            rule: "eventTimeField not a time",
            def: { ...userEvents, eventTimeField: "topic" },
            expected:
                /eventTimeField: eventTimeField column "topic" must be of type timestamp or date \(got "varchar"\)/,
        },
        {
            rule: "mergeKey not a column",
            def: { ...userEvents, mergeKey: "id" },
            expected: /mergeKey: mergeKey must name one of the pipeline's columns \(got "id"\)/,
        },
        {
            rule: "mergeKey nullable",
            def: { ...userEvents, mergeKey: "user_account_id" },
            expected: /mergeKey: mergeKey column "user_account_id" must be NOT NULL/,
        },
        {
            rule: "streaming not a boolean",
            def: { ...userEvents, streaming: "yes" } as unknown as PipelineDefinition,
            expected: /streaming: streaming must be true or false \(got "yes"\)/,
        },
        {
            rule: "streaming with a column named like a Kinesis metadata column",
            def: withColumn({ ...userEvents, streaming: true }, 5, { name: "shard_id" }),
            expected:
                /columns\[5\]\.name: with streaming: true, column "shard_id" would clash with the Kinesis metadata column/,
        },
        {
            rule: "streaming with a stream view name over 127 bytes",
            def: { ...userEvents, streaming: true, table: { schema: "tracking", name: "t".repeat(120) } },
            expected:
                /table\.name: with streaming: true, the stream view name "t+_stream" must be at most 127 bytes \(got 127\)|table\.name: with streaming: true, the stream schema name "tracking_t+_kinesis" must be at most 127 bytes \(got 137\)/,
        },
    ];

    for (const { rule, def, expected } of singlePipelineCases) {
        it(`rejects: ${rule}`, () => {
            const problems = problemsOf(() => validatePipeline(def));
            expect(
                problems.some((problem) => expected.test(problem)),
                `no problem matched ${expected}; got:\n${problems.join("\n")}`,
            ).to.equal(true);
            // Every message starts with the pipeline it is about.
            for (const problem of problems) {
                expect(problem).to.match(/^pipeline ("[^"]+"|\(unnamed\)): \S+: /);
            }
        });
    }

    it("accepts a date event time and a decimal column within the limits", () => {
        const def: PipelineDefinition = {
            ...userUtm,
            columns: [
                ...userUtm.columns,
                { name: "visit_date", type: "date", nullable: true },
                { name: "amount", type: "decimal", precision: 38, scale: 38, nullable: true },
            ],
            eventTimeField: "visit_date",
        };
        expect(() => validatePipeline(def)).not.to.throw();
    });

    it("rejects two pipelines with the same name, naming both positions", () => {
        const problems = problemsOf(() => validatePipelines([userEvents, { ...userUtm, name: "user-events" }]));
        expect(problems).to.include(
            'pipeline "user-events": name: duplicate pipeline name (pipelines[0] and pipelines[1] share it)',
        );
    });

    it("rejects two pipelines loading the same table", () => {
        const problems = problemsOf(() =>
            validatePipelines([userEvents, { ...userUtm, table: { schema: "tracking", name: "events" } }]),
        );
        expect(problems).to.include(
            'pipeline "user-utm": table: duplicate target table tracking.events (also the target of pipeline "user-events")',
        );
    });

    it("accepts streaming: true and false, and rejects a table that is another pipeline's stream view", () => {
        expect(() =>
            validatePipelines([
                { ...userEvents, streaming: true },
                { ...userUtm, streaming: false },
            ]),
        ).not.to.throw();
        const problems = problemsOf(() =>
            validatePipelines([
                { ...userEvents, streaming: true },
                { ...userUtm, table: { schema: "tracking", name: "events_stream" } },
            ]),
        );
        expect(problems).to.include(
            'pipeline "user-utm": table: target table tracking.events_stream is the stream view of pipeline "user-events" (streaming: true): rename one of them',
        );
        // The same table name without streaming, or in another schema, is no clash.
        expect(() =>
            validatePipelines([userEvents, { ...userUtm, table: { schema: "tracking", name: "events_stream" } }]),
        ).not.to.throw();
    });

    it("rejects an empty pipeline set", () => {
        expect(problemsOf(() => validatePipelines([]))).to.deep.equal([
            "pipelines: at least one pipeline must be declared (got 0)",
        ]);
    });

    it("reports every problem of every pipeline at once", () => {
        const brokenEvents = withColumn({ ...userEvents, mergeKey: "nope" }, 4, { length: 0 });
        const brokenUtm = { ...userUtm, name: "User-UTM" };
        const problems = problemsOf(() => validatePipelines([brokenEvents, brokenUtm]));
        expect(problems).to.have.length(3);
        expect(problems[0]).to.match(/^pipeline "user-events": columns\[4\]\.length: /);
        expect(problems[1]).to.match(/^pipeline "user-events": mergeKey: /);
        expect(problems[2]).to.match(/^pipeline "User-UTM": name: /);
    });

    it("names an unnamed pipeline by its position in the set", () => {
        const problems = problemsOf(() => validatePipelines([userEvents, { ...userUtm, name: "" }]));
        expect(problems[0]).to.match(/^pipelines\[1\] \(unnamed\): name: pipeline name must match .*\(got ""\)/);
    });
});
