/**
 * The engineering stack: the ingestion API, a Kinesis stream and a Firehose per pipeline (delivering into
 * the data-platform account), their alarms and dashboards. It awaits and checks the data-platform exports
 * before declaring any resource, so a broken contract stops the deploy with a message, not half-way.
 */
import * as pulumi from "@pulumi/pulumi";
import { AlarmTopic } from "../shared/alarm-topic";
import { EncryptionKey } from "../shared/encryption-key";
import { streamArnOf, streamKeyUseStatements } from "../shared/event-stream";
import { pipelineRoutes } from "../shared/api/routes";
import { IngestionApi } from "../shared/ingestion-api";
import { IngestionPipeline } from "../shared/ingestion-pipeline";
import { pipelineNames } from "../shared/naming";
import {
    firehoseRoleName,
    redshiftStreamingRoleName,
    resourceName,
    roleArn,
    streamReaderRoleName,
} from "../shared/naming";
import { PipelineAlarms } from "../shared/pipeline-alarms";
import { PipelineDashboard } from "../shared/pipeline-dashboard";
import { streamKeyReaderStatement } from "../shared/redshift-streaming-access";
import { StreamReader } from "../shared/stream-reader";
import {
    firehoseErrorPrefix,
    firehosePrefix,
    rawBackupErrorPrefix,
    rawBackupPrefix,
} from "../shared/pipeline-codegen/s3-prefix";
import { validatePipelines } from "../shared/pipeline-codegen/validate";
import { pipelines } from "../shared/pipelines";
import { loadEngineeringConfig } from "./config";
import { resolveDataPlatform } from "./data-platform";

async function main() {
    const config = loadEngineeringConfig();
    validatePipelines(pipelines);

    const { stack, accountId, region, partition } = config;
    const tags = { project: "tracking-pipeline", stack };

    // Every name and role ARN is derived, not read back: the key policy and the data-platform grants need
    // them before the resources exist.
    const names = Object.fromEntries(pipelines.map((def) => [def.name, pipelineNames(stack, def.name)]));
    const streamArnPattern = streamArnOf(partition, region, accountId, resourceName(stack, "*"));
    const firehoseRoleArn = (pipeline: string) => roleArn(partition, accountId, names[pipeline].firehoseRoleName);
    const apiName = resourceName(stack, "ingest");
    const apiRoleName = resourceName(stack, "ingest", "api");

    // A pull request adding a pipeline is previewed before data-platform is deployed with it: the preview
    // plans it as data-platform will grant it and says so; `pulumi up` still stops before any resource.
    const waiting: string[] = [];
    const dataPlatform = await resolveDataPlatform({
        stackName: config.dataPlatformStack,
        partition,
        region,
        dataPlatformAccountId: config.dataPlatformAccountId,
        expected: pipelines.map((def) => ({ pipeline: def.name, firehoseRoleArn: firehoseRoleArn(def.name) })),
        ...(pulumi.runtime.isDryRun()
            ? {
                  notYetGranted: (pipeline: string) => {
                      waiting.push(pipeline);
                      const def = pipelines.find((p) => p.name === pipeline)!;
                      return {
                          prefix: firehosePrefix(def),
                          errorPrefix: firehoseErrorPrefix(def),
                          rawBackupPrefix: rawBackupPrefix(def),
                          firehoseRoleArn: firehoseRoleArn(pipeline),
                      };
                  },
              }
            : {}),
    });
    for (const pipeline of waiting) {
        void pulumi.log.warn(
            `pipeline "${pipeline}" waits for data-platform deploy: ${config.dataPlatformStack} does not grant it yet, so this preview plans it as ` +
                "data-platform will; `pulumi up` of this stack fails until data-platform is deployed with it (CI deploys data-platform first)",
        );
    }

    const streamKey = new EncryptionKey("streams", {
        description: `Tracking ${stack}: Kinesis streams of the ingestion pipelines`,
        aliasName: resourceName(stack, "streams"),
        administratorRoleArn: config.deployerRoleArn,
        readerRoleArns: config.readOnlyRoleArns,
        policyStatements: [
            ...streamKeyUseStatements({
                partition,
                region,
                accountId,
                streamArnPattern,
                producerRoleArn: roleArn(partition, accountId, apiRoleName),
                consumerRoleArnPattern: roleArn(partition, accountId, firehoseRoleName(stack, "*")),
            }),
            // Redshift streaming ingestion reads the streams of pipelines declared `streaming: true` through the
            // stack's stream reader roles (shared/redshift-streaming-access.ts).
            ...(pipelines.some((def) => def.streaming === true)
                ? [
                      streamKeyReaderStatement({
                          partition,
                          region,
                          accountId,
                          streamArnPattern,
                          readerRoleArnPattern: roleArn(partition, accountId, streamReaderRoleName(stack, "*")),
                      }),
                  ]
                : []),
        ],
    });

    const ingestion: IngestionPipeline[] = [];
    for (const def of pipelines) {
        const granted = dataPlatform.pipelines[def.name];
        ingestion.push(
            new IngestionPipeline(def.name, {
                definition: def,
                stack,
                accountId,
                region,
                partition,
                stream: { ...config.stream, kmsKeyArn: streamKey.keyArn },
                landing: {
                    bucketArn: dataPlatform.landingBucketArn,
                    prefix: granted.prefix,
                    errorPrefix: granted.errorPrefix,
                },
                dataKeyArn: dataPlatform.dataKeyArn,
                ...(config.firehose.rawBackup
                    ? {
                          rawBackup: {
                              bucketArn: dataPlatform.rawBucketArn,
                              prefix: granted.rawBackupPrefix,
                              errorPrefix: rawBackupErrorPrefix(def),
                          },
                      }
                    : {}),
                buffering: { intervalSeconds: config.firehose.bufferSeconds, sizeMiB: config.firehose.bufferMiB },
                compression: config.firehose.compression,
                logRetentionDays: config.logRetentionDays,
                permissionsBoundaryArn: config.workloadBoundaryArn,
                tags,
            }),
        );
    }

    // --- Streaming tier: per `streaming: true` pipeline, the role the data-platform account's Redshift
    // chains to, reading exactly that pipeline's stream.
    const redshiftStreaming = {
        partition,
        dataPlatformAccountId: config.dataPlatformAccountId,
        roleArn: roleArn(partition, config.dataPlatformAccountId, redshiftStreamingRoleName(stack)),
    };
    const streamReaders: Record<string, StreamReader> = {};
    for (const [index, def] of pipelines.entries()) {
        if (def.streaming !== true) continue;
        streamReaders[def.name] = new StreamReader(def.name, {
            roleName: streamReaderRoleName(stack, def.name),
            region,
            streamArn: ingestion[index].streamArn,
            streamKeyArn: streamKey.keyArn,
            redshift: redshiftStreaming,
            permissionsBoundaryArn: config.workloadBoundaryArn,
            tags,
        });
    }

    const api = new IngestionApi("ingest", {
        apiName,
        roleName: apiRoleName,
        accountId,
        region,
        partition,
        routes: pipelines.map((def, index) => ({
            pipeline: def,
            streamName: names[def.name].streamName,
            streamArn: ingestion[index].streamArn,
        })),
        streamKeyArn: streamKey.keyArn,
        streamArnPattern,
        stageName: config.api.stageName,
        throttle: { rateLimit: config.api.rateLimit, burstLimit: config.api.burstLimit },
        quota: { limit: config.api.quotaLimit, period: config.api.quotaPeriod },
        tracing: config.api.tracing,
        logRetentionDays: config.logRetentionDays,
        permissionsBoundaryArn: config.workloadBoundaryArn,
        ...(config.api.customDomain ? { customDomain: config.api.customDomain } : {}),
        tags,
    });

    // --- Monitoring: one topic for the stack; per pipeline its alarms and a dashboard of the same metrics.
    const alarmTopic = new AlarmTopic("alarms", {
        topicName: resourceName(stack, "alarms"),
        scope: { partition, region, accountId },
        ...(config.alarms.topicArn !== undefined
            ? { existingTopicArn: config.alarms.topicArn }
            : // Every alarm below is named tracking-<stack>-<pipeline>-...: the topic admits exactly those.
              { cloudWatchAlarms: { alarmNamePrefix: `${resourceName(stack)}-` } }),
        ...(config.alarms.email !== undefined ? { email: config.alarms.email } : {}),
        displayName: `Tracking ${stack} alarms`,
        tags,
    });
    const monitoring: Array<{ alarms: PipelineAlarms; dashboard: PipelineDashboard }> = [];
    for (const [index, def] of pipelines.entries()) {
        const { streamName, deliveryStreamName } = ingestion[index].names;
        // The stage has detailed metrics on (IngestionApi's method settings), so each route has its own.
        const apiMetrics = {
            apiName: api.restApi.name,
            stageName: api.stage.stageName,
            routes: pipelineRoutes(def.name),
        };
        const alarms = new PipelineAlarms(def.name, {
            namePrefix: resourceName(stack, def.name),
            topicArn: alarmTopic.topicArn,
            streamName,
            deliveryStreamName,
            firehoseBufferIntervalSeconds: config.firehose.bufferSeconds,
            api: apiMetrics,
            thresholds: config.alarms.thresholds,
            tags,
        });
        const dashboard = new PipelineDashboard(def.name, {
            dashboardName: resourceName(stack, def.name),
            region,
            streamName,
            deliveryStreamName,
            api: apiMetrics,
            alarmArns: alarms.alarmArns,
        });
        monitoring.push({ alarms, dashboard });
    }

    const byPipeline = <T>(value: (index: number) => T) =>
        Object.fromEntries(pipelines.map((def, index) => [def.name, value(index)]));

    return {
        /** Base URL of the API (custom domain when configured). */
        apiUrl: api.url,
        /** `{ [pipeline]: PUT URL for one record }`. */
        recordUrls: api.recordUrls,
        /** `{ [pipeline]: PUT URL for up to 500 records }`. */
        batchUrls: api.batchUrls,
        apiKeyId: api.apiKeyId,
        /** Secret: `pulumi stack output apiKeyValue --show-secrets`. */
        apiKeyValue: api.apiKeyValue,
        apiRoleArn: api.roleArn,
        streamKeyArn: streamKey.keyArn,
        streamNames: byPipeline((index) => ingestion[index].names.streamName),
        streamArns: byPipeline((index) => ingestion[index].streamArn),
        firehoseArns: byPipeline((index) => ingestion[index].firehoseArn),
        /** Read by the data-platform stack (engineeringStack set) to check that both stacks derive the same roles. */
        firehoseRoleArns: byPipeline((index) => ingestion[index].firehoseRoleArn),
        /**
         * `{ [streaming pipeline]: stream reader role ARN }`: read by the data-platform stack, which chains its
         * Redshift role to these and creates the stream views once they exist.
         */
        streamReaderRoleArns: Object.fromEntries(
            Object.entries(streamReaders).map(([pipeline, reader]) => [pipeline, reader.roleArn]),
        ),
        /** The SNS topic every alarm notifies (subscribe to it, or set alarmEmail). */
        alarmTopicArn: alarmTopic.topicArn,
        /** `{ [pipeline]: CloudWatch dashboard name }`. */
        dashboardNames: byPipeline((index) => monitoring[index].dashboard.dashboard.dashboardName),
    };
}

// Pulumi runs a CommonJS program that exports a function by calling it; `npm run plan` calls `default`.
export = Object.assign(main, { default: main });
