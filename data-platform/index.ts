import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
const cfg = new pulumi.Config();
const engStack = cfg.get("engineeringStack");
const b = new aws.s3.Bucket("landing", {});
export const bucketArn = b.arn;
export const eng = engStack ? new pulumi.StackReference(engStack).requireOutput("streamArn") : undefined;
