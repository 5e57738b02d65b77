import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
const dp = new pulumi.StackReference(new pulumi.Config().require("dataPlatformStack"));
const s = new aws.kinesis.Stream("user-events", { streamModeDetails: { streamMode: "ON_DEMAND" } });
export const streamArn = s.arn;
export const bucket = dp.requireOutput("bucketArn");
