import { ColumnDefinition, PipelineDefinition } from "../pipeline-codegen/definition";

const utmField = (name: string, nullable: boolean): ColumnDefinition => ({
    name,
    type: "varchar",
    length: 255,
    nullable,
    encoding: "zstd",
});

/** Campaign attribution (UTM parameters) per request, loaded into `tracking.utm`. */
export const userUtm: PipelineDefinition = {
    name: "user-utm",
    table: { schema: "tracking", name: "utm" },
    columns: [
        // VARCHAR(56), not CHAR(36): a click id is not a UUID, so no UUID pattern is enforced.
        { name: "request_id", type: "varchar", length: 56, nullable: false, encoding: "zstd" },
        utmField("source", false),
        utmField("medium", false),
        utmField("campaign", true),
        utmField("content", true),
        utmField("term", true),
        utmField("matchtype", true),
        utmField("network", true),
        utmField("ad_id", true),
        utmField("ad_pos", true),
        utmField("placement", true),
        utmField("placement_category", true),
        utmField("testgroup", true),
        utmField("device", true),
    ],
    partitionKeyField: "request_id",
    mergeKey: "request_id",
};
