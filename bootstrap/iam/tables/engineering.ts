/** The deployer's grants for the engineering stacks: API Gateway, Kinesis, Firehose and what they use. */
import { arn, perStack, requestTagged, resourceTagged, Scope } from "../scope";
import type { PermissionTable } from "./grant";

const apigatewayArn = (scope: Scope, path: string) => `arn:${scope.partition}:apigateway:${scope.region}::${path}`;

export const ENGINEERING: PermissionTable = {
    kinesis: (scope) => [
        {
            sid: "KinesisStackStreams",
            readOnly: [
                "kinesis:DescribeStream",
                "kinesis:DescribeStreamSummary",
                "kinesis:ListTagsForStream",
                "kinesis:ListTagsForResource",
                "kinesis:ListShards",
                "kinesis:GetResourcePolicy",
            ],
            deployOnly: [
                "kinesis:CreateStream",
                "kinesis:DeleteStream",
                "kinesis:AddTagsToStream",
                "kinesis:RemoveTagsFromStream",
                "kinesis:TagResource",
                "kinesis:UntagResource",
                "kinesis:IncreaseStreamRetentionPeriod",
                "kinesis:DecreaseStreamRetentionPeriod",
                "kinesis:StartStreamEncryption",
                "kinesis:StopStreamEncryption",
                "kinesis:PutResourcePolicy",
                "kinesis:DeleteResourcePolicy",
            ],
            resources: perStack(scope, (p) => arn(scope, "kinesis", `stream/${p}*`)),
        },
        // The capacity settings the stack file holds (stream mode, shard count). IAM knows no resource
        // type for these two, so they cannot be narrowed to the stacks' streams.
        {
            sid: "KinesisCapacity",
            deployOnly: ["kinesis:UpdateShardCount", "kinesis:UpdateStreamMode"],
            resources: ["*"],
        },
    ],
    firehose: (scope) => [
        {
            sid: "FirehoseStackStreams",
            readOnly: ["firehose:DescribeDeliveryStream", "firehose:ListTagsForDeliveryStream"],
            deployOnly: [
                "firehose:CreateDeliveryStream",
                "firehose:DeleteDeliveryStream",
                "firehose:UpdateDestination",
                "firehose:TagDeliveryStream",
                "firehose:UntagDeliveryStream",
                "firehose:StartDeliveryStreamEncryption",
                "firehose:StopDeliveryStreamEncryption",
            ],
            resources: perStack(scope, (p) => arn(scope, "firehose", `deliverystream/${p}*`)),
        },
    ],
    apigateway: (scope) => {
        // API Gateway ids are generated, and REST API children inherit the API's tags for access
        // control ("Tag inheritance in the Amazon API Gateway V1 API"): create with the stack tag,
        // then act only on what carries it.
        const collections = ["/restapis", "/apikeys", "/usageplans", ...(scope.hostedZoneId ? ["/domainnames"] : [])];
        const configuration = collections.filter((c) => c !== "/apikeys");
        const changes = ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"];
        return [
            {
                sid: "ApiGatewayCreateTagged",
                deployOnly: ["apigateway:POST"],
                resources: collections.map((c) => apigatewayArn(scope, c)),
                condition: requestTagged(scope),
            },
            {
                sid: "ApiGatewayStackApis",
                readOnly: ["apigateway:GET"],
                deployOnly: changes,
                resources: configuration.map((c) => apigatewayArn(scope, `${c}/*`)),
                condition: resourceTagged(scope),
            },
            {
                // Reading an API key returns its value (the provider's GetApiKey asks includeValue=true;
                // GetApiKeys takes includeValues): a refresh of aws.apigateway.ApiKey reads it, a preview
                // never does.
                sid: "ApiGatewayStackApiKeys",
                refreshOnly: ["apigateway:GET"],
                // UpdateApiKey (PATCH) and DeleteApiKey (DELETE): no POST or PUT call takes an existing key's path.
                deployOnly: ["apigateway:PATCH", "apigateway:DELETE"],
                resources: [apigatewayArn(scope, "/apikeys/*")],
                condition: resourceTagged(scope),
                deniedToPreviewer: [apigatewayArn(scope, "/apikeys"), apigatewayArn(scope, "/apikeys/*")],
            },
            {
                // GetUsagePlanKey returns the key's value too (aws.apigateway.UsagePlanKey's refresh), and so
                // does the list, GetUsagePlanKeys. ApiGatewayStackApis's `/usageplans/*` already covers both
                // paths, for the previewer as well: only a Deny takes them out of the previewer's reads.
                sid: "ApiGatewayRefreshUsagePlanKeys",
                refreshOnly: ["apigateway:GET"],
                resources: [apigatewayArn(scope, "/usageplans/*/keys/*")],
                condition: resourceTagged(scope),
                deniedToPreviewer: [
                    apigatewayArn(scope, "/usageplans/*/keys"),
                    apigatewayArn(scope, "/usageplans/*/keys/*"),
                ],
            },
            // Tags set with (or after) a create: the request must carry the stack tag. No untagging: the
            // tags resource accepts no aws:ResourceTag condition, so it could not be scoped to the stacks.
            {
                sid: "ApiGatewayTagOnCreate",
                deployOnly: ["apigateway:PUT"],
                resources: [apigatewayArn(scope, "/tags/*")],
                condition: requestTagged(scope),
            },
        ];
    },
    "logs-apigateway": (scope) => {
        // A stack may create its API's execution log group (to set retention and a key) before API
        // Gateway does; its name holds the generated API id, so the stack tag scopes it.
        const executionLogs = [arn(scope, "logs", "log-group:API-Gateway-Execution-Logs_*")];
        return [
            {
                sid: "LogsCreateTaggedApiGroups",
                deployOnly: ["logs:CreateLogGroup", "logs:TagResource", "logs:TagLogGroup"],
                resources: executionLogs,
                condition: requestTagged(scope),
            },
            {
                sid: "LogsStackApiGroups",
                readOnly: ["logs:ListTagsForResource", "logs:ListTagsLogGroup", "logs:DescribeLogStreams"],
                deployOnly: [
                    "logs:DeleteLogGroup",
                    "logs:PutRetentionPolicy",
                    "logs:DeleteRetentionPolicy",
                    "logs:TagResource",
                    "logs:UntagResource",
                    "logs:TagLogGroup",
                    "logs:UntagLogGroup",
                    "logs:AssociateKmsKey",
                    "logs:DisassociateKmsKey",
                ],
                resources: executionLogs,
                condition: resourceTagged(scope),
            },
        ];
    },
    acm: (scope) => {
        if (scope.hostedZoneId === undefined) return [];
        const certificates = [arn(scope, "acm", "certificate/*")];
        return [
            {
                sid: "AcmRequestTagged",
                deployOnly: ["acm:RequestCertificate"],
                resources: ["*"],
                condition: requestTagged(scope),
            },
            {
                sid: "AcmTagOnCreate",
                deployOnly: ["acm:AddTagsToCertificate"],
                resources: certificates,
                condition: requestTagged(scope),
            },
            {
                sid: "AcmStackCertificates",
                readOnly: ["acm:DescribeCertificate", "acm:ListTagsForCertificate", "acm:GetCertificate"],
                deployOnly: ["acm:DeleteCertificate", "acm:RemoveTagsFromCertificate"],
                resources: certificates,
                condition: resourceTagged(scope),
            },
        ];
    },
    route53: (scope) => {
        if (scope.hostedZoneId === undefined) return [];
        if (scope.customDomainName === undefined)
            throw new Error("route53: a hosted zone needs customDomainName, the record names the deployer may change");
        const hostedZone = `arn:${scope.partition}:route53:::hostedzone/${scope.hostedZoneId}`;
        const domain = scope.customDomainName;
        return [
            {
                sid: "Route53DomainZone",
                readOnly: ["route53:GetHostedZone", "route53:ListResourceRecordSets"],
                resources: [hostedZone],
            },
            {
                // The API's alias record and its certificate's DNS validation record (`_<token>.<domain>`),
                // nothing else of the zone (Route 53: "...NormalizedRecordNames": lowercase, no trailing dot).
                sid: "Route53DomainRecords",
                deployOnly: ["route53:ChangeResourceRecordSets"],
                resources: [hostedZone],
                condition: {
                    "ForAllValues:StringLike": {
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [domain, `_*.${domain}`],
                    },
                    "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["A", "CNAME"] },
                },
            },
            {
                sid: "Route53Changes",
                readOnly: ["route53:GetChange"],
                resources: [`arn:${scope.partition}:route53:::change/*`],
            },
        ];
    },
};
