import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderDocument } from "../../shared/iam";
import { apiGatewayLogsPolicy } from "../iam/policies";
import type { Scope } from "../iam/scope";
import { apiGatewayLogsTrust } from "../iam/trust";
import { APIGATEWAY_LOGS_ROLE_NAME } from "../../shared/naming";

export interface ApiGatewayAccountLoggingArgs {
    /** Account, region and hosted stacks: the role may write the stacks' access-log groups. */
    readonly scope: Scope;
}

/**
 * API Gateway's account-level CloudWatch Logs role (`aws.apigateway.Account`). It is one setting per
 * account and region, shared by every API there, so it is owned here, once, and never by a pipeline
 * stack: two stacks each setting it would overwrite each other, and destroying either would not reset it
 * (API Gateway has no call to unset it).
 */
export class ApiGatewayAccountLogging extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly account: aws.apigateway.Account;

    constructor(name: string, args: ApiGatewayAccountLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:bootstrap:ApiGatewayAccountLogging", name, {}, opts);

        this.role = new aws.iam.Role(
            name,
            {
                name: APIGATEWAY_LOGS_ROLE_NAME,
                description: "API Gateway writes execution and access logs of this account's APIs to CloudWatch Logs",
                assumeRolePolicy: renderDocument(apiGatewayLogsTrust()),
            },
            { parent: this },
        );
        // An inline policy with the four logs actions API Gateway uses, instead of the AWS-managed
        // AmazonAPIGatewayPushToCloudWatchLogs (which also reads every log group of the account).
        const policy = new aws.iam.RolePolicy(
            name,
            {
                name: "write-api-logs",
                role: this.role.name,
                policy: renderDocument(apiGatewayLogsPolicy(args.scope)),
            },
            { parent: this },
        );

        this.account = new aws.apigateway.Account(
            name,
            { cloudwatchRoleArn: this.role.arn },
            { parent: this, dependsOn: [policy] },
        );

        this.registerOutputs({ roleArn: this.role.arn });
    }
}
