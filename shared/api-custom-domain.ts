import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ApiCustomDomainArgs {
    /** The domain clients call, e.g. `ingest.example.com` (lowercase, no trailing dot). */
    readonly domainName: string;
    /** The Route 53 zone holding `domainName`: the certificate's validation record and the alias go there. */
    readonly hostedZoneId: string;
    /** The REST API the domain's base path maps to. */
    readonly restApiId: pulumi.Input<string>;
    /** The API's stage the base path maps to. */
    readonly stageName: pulumi.Input<string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A regional custom domain for a REST API stage: an ACM certificate validated by DNS in the zone, the
 * API Gateway domain name (TLS 1.2), its base path mapping and the zone's alias record to it.
 */
export class ApiCustomDomain extends pulumi.ComponentResource {
    /** The domain name as API Gateway serves it. */
    readonly domainName: pulumi.Output<string>;

    constructor(name: string, args: ApiCustomDomainArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:ApiCustomDomain", name, {}, opts);
        // Stacks deployed before this component hold these resources directly under its parent: the alias
        // moves them here without replacing the certificate or the domain.
        const child = { parent: this, aliases: opts?.parent !== undefined ? [{ parent: opts.parent }] : [] };
        const certificate = new aws.acm.Certificate(
            name,
            {
                domainName: args.domainName,
                validationMethod: "DNS",
                tags: args.tags,
            },
            child,
        );
        const option = certificate.domainValidationOptions.apply((options) => options[0]);
        const validationRecord = new aws.route53.Record(
            `${name}-validation`,
            {
                zoneId: args.hostedZoneId,
                name: option.apply((o) => o.resourceRecordName),
                type: option.apply((o) => o.resourceRecordType),
                records: [option.apply((o) => o.resourceRecordValue)],
                ttl: 300,
            },
            child,
        );
        const validation = new aws.acm.CertificateValidation(
            name,
            {
                certificateArn: certificate.arn,
                validationRecordFqdns: [validationRecord.fqdn],
            },
            child,
        );
        const domainName = new aws.apigateway.DomainName(
            name,
            {
                domainName: args.domainName,
                regionalCertificateArn: validation.certificateArn,
                endpointConfiguration: { types: "REGIONAL" },
                securityPolicy: "TLS_1_2",
                tags: args.tags,
            },
            child,
        );
        new aws.apigateway.BasePathMapping(
            name,
            {
                domainName: domainName.domainName,
                restApi: args.restApiId,
                stageName: args.stageName,
            },
            child,
        );
        new aws.route53.Record(
            `${name}-alias`,
            {
                zoneId: args.hostedZoneId,
                name: args.domainName,
                type: "A",
                aliases: [
                    {
                        name: domainName.regionalDomainName,
                        zoneId: domainName.regionalZoneId,
                        evaluateTargetHealth: false,
                    },
                ],
            },
            child,
        );
        this.domainName = domainName.domainName;
        this.registerOutputs({ domainName: this.domainName });
    }
}
