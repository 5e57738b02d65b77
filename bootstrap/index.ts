import * as aws from "@pulumi/aws";
const r = new aws.iam.Role("deployer", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
export const roleArn = r.arn;
