import { PipelineDefinition } from "../pipeline-codegen/definition";
import { userEvents } from "./user-events";
import { userUtm } from "./user-utm";

/**
 * Every pipeline both stacks deploy. To add an event type, declare it in a file beside these and append
 * it here: the API route, stream, Firehose, landing prefix, crawlers, Glue job and Redshift table follow.
 */
export const pipelines: PipelineDefinition[] = [userEvents, userUtm];
