import { PipelineDefinition } from "../pipeline-codegen/definition";

/** Website and CMS interaction events, loaded into `tracking.events`. */
export const userEvents: PipelineDefinition = {
    name: "user-events",
    table: { schema: "tracking", name: "events" },
    columns: [
        { name: "request_id", type: "char", length: 36, nullable: false },
        { name: "request_timestamp", type: "timestamp", nullable: false },
        { name: "cookie_id", type: "char", length: 36, nullable: false },
        { name: "topic", type: "varchar", length: 1024, nullable: false },
        { name: "message", type: "varchar", length: 3128, nullable: true },
        { name: "environment", type: "varchar", length: 30, nullable: true },
        { name: "website_id", type: "char", length: 36, nullable: true },
        { name: "user_account_id", type: "char", length: 36, nullable: true },
        { name: "location", type: "varchar", length: 5000, nullable: true },
        { name: "user_agent", type: "varchar", length: 1024, nullable: true },
        { name: "referrer", type: "varchar", length: 500, nullable: true },
    ],
    partitionKeyField: "cookie_id",
    eventTimeField: "request_timestamp",
    mergeKey: "request_id",
};
