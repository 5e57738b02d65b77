import Ajv from "ajv-draft-04";
import { expect } from "chai";
import { putRecordRequestTemplate, putRecordsRequestTemplate } from "../../shared/api/templates";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { qualifiedTableName } from "../../shared/pipeline-codegen/redshift-ddl";
import { batchRequestModel, recordRequestModel } from "../../shared/pipeline-codegen/request-model";
import { firehosePrefix, landingPrefix } from "../../shared/pipeline-codegen/s3-prefix";
import { pipelines } from "../../shared/pipelines";
import { codeBlocks, readmeSection } from "../support/readme";
import { renderMappingTemplate } from "./support/api-gateway-emulation";

/**
 * The README's "Send your first event" examples, read from README.md: each curl body goes through the
 * route's request model (ajv, draft 4, as API Gateway validates) and mapping template (velocityjs, as API
 * Gateway renders), and the 400 example, the S3 prefix and the Redshift query agree with the pipeline.
 */

interface Example {
    readonly pipeline: PipelineDefinition;
    readonly route: "record" | "records";
    readonly body: Record<string, unknown>;
}

type Data = Record<string, unknown>;
type KinesisRecord = { Data: string; PartitionKey: string };

const section = readmeSection("Send your first event");

function examples(): Example[] {
    const found: Example[] = [];
    const curl = /curl [^\n]*"\$URL\/streams\/([a-z0-9-]+)\/(record|records)"[\s\S]*?--data '([^']*)'/g;
    for (const block of codeBlocks(section, "sh")) {
        for (const [, name, route, body] of block.text.matchAll(curl)) {
            const pipeline = pipelines.find((def) => def.name === name);
            if (!pipeline)
                throw new Error(`README "Send your first event" sends to ${name}, which is not a declared pipeline`);
            found.push({
                pipeline,
                route: route as Example["route"],
                body: JSON.parse(body) as Record<string, unknown>,
            });
        }
    }
    return found;
}

const decode = (data: string): unknown => JSON.parse(Buffer.from(data, "base64").toString("utf8"));
const ajv = () => new Ajv({ allErrors: true, strict: true });

describe("README: Send your first event", () => {
    const all = examples();

    it("shows one event and one batch, with curl and the API key header", () => {
        expect(all.map((e) => e.route).sort()).to.deep.equal(["record", "records"]);
        expect(section)
            .to.include("pulumi stack output apiUrl")
            .and.include("aws apigateway get-api-key")
            .and.include("--include-value");
    });

    for (const { pipeline, route, body } of all) {
        it(`${route}: the body passes ${pipeline.name}'s request model`, () => {
            const validate = ajv().compile(
                route === "record" ? recordRequestModel(pipeline) : batchRequestModel(pipeline),
            );
            expect(validate(body), JSON.stringify(validate.errors)).to.equal(true);
        });

        it(`${route}: the mapping template sends Kinesis exactly its events, keyed as documented`, () => {
            const stream = `tracking-dev-${pipeline.name}`;
            const template =
                route === "record"
                    ? putRecordRequestTemplate(stream, pipeline.partitionKeyField)
                    : putRecordsRequestTemplate(stream, pipeline.partitionKeyField);
            const request = JSON.parse(renderMappingTemplate(template, { body: JSON.stringify(body) }).output) as {
                StreamName: string;
                Records?: KinesisRecord[];
            } & Partial<KinesisRecord>;
            expect(request.StreamName).to.equal(stream);
            const sent =
                route === "record"
                    ? [body as { Data: Data; PartitionKey?: string }]
                    : (body.Records as Array<{ Data: Data; PartitionKey?: string }>);
            const records = route === "record" ? [request as KinesisRecord] : request.Records!;
            expect(records).to.have.length(sent.length);
            records.forEach((record, i) => {
                expect(decode(record.Data)).to.deep.equal(sent[i].Data);
                expect(record.PartitionKey).to.equal(sent[i].PartitionKey ?? sent[i].Data[pipeline.partitionKeyField]);
            });
        });
    }

    it("the 400 example: the event without the named field is rejected for that very field", () => {
        const field = /without `(\w+)`/.exec(section)?.[1];
        expect(field, "the README names the field it leaves out").to.be.a("string");
        expect(section).to.include(`[object has missing required properties (["${field}"])]`);
        const single = all.find((e) => e.route === "record")!;
        const data = { ...(single.body.Data as Data) };
        delete data[field!];
        const validate = ajv().compile(recordRequestModel(single.pipeline));
        expect(validate({ ...single.body, Data: data })).to.equal(false);
        expect(
            validate.errors?.map((e) => [e.keyword, (e.params as { missingProperty?: string }).missingProperty]),
        ).to.deep.include(["required", field]);
    });

    it("names the S3 prefix the event lands under and the table the query reads, with the event's id", () => {
        const single = all.find((e) => e.route === "record")!;
        const def = single.pipeline;
        expect(firehosePrefix(def)).to.match(
            /year=!\{timestamp:yyyy\}\/month=!\{timestamp:MM\}\/day=!\{timestamp:dd\}\/hour=!\{timestamp:HH\}\/$/,
        );
        expect(section).to.include(`s3://<landingBucketName>/${landingPrefix(def)}year=YYYY/month=MM/day=DD/hour=HH/`);
        const sql = codeBlocks(section, "sql")
            .map((b) => b.text)
            .join("\n");
        expect(sql).to.include(
            `FROM ${qualifiedTableName(def)} WHERE request_id = '${String((single.body.Data as Data).request_id)}'`,
        );
    });
});
