/**
 * Public on-demand list prices (USD, before tax, no free tier, no Savings Plans) the cost model uses: ONE
 * dated table, compiled 2026-11-25 (the Glue Flex rate and the Kinesis On-demand Advantage note 2026-12-05).
 * eu-central-1 where an entry says so, else the us-east-1 price (`region: "us-east-1"`). Sources and how
 * the rates were confirmed: docs/cost.md.
 */

export type PriceRegion = "eu-central-1" | "us-east-1";

export interface Price {
    readonly usd: number;
    /** What one unit is. */
    readonly unit: string;
    /** Whose rate this is: eu-central-1, or the us-east-1 rate standing in for it. */
    readonly region: PriceRegion;
    /** The pricing page (and the rule on it) this comes from. */
    readonly source: string;
}

export interface Tier {
    /** Units per month up to which this rate applies (cumulative); Infinity for the last tier. */
    readonly upTo: number;
    readonly price: Price;
}

export const PRICES_DATE = "2026-11-25";
export const PRICES_REGION = "eu-central-1";

/** Hours in a billing month, as AWS's own calculator counts them. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

const p = (usd: number, unit: string, region: PriceRegion, source: string): Price => ({ usd, unit, region, source });

export const PRICES = {
    apiGateway: {
        /** REST API requests, per million, tiered by monthly volume (the tiers are account-wide per region). */
        restRequestsPerMillion: [
            {
                upTo: 333e6,
                price: p(
                    3.7,
                    "million requests",
                    "eu-central-1",
                    "Amazon API Gateway pricing, REST APIs, first 333 million",
                ),
            },
            {
                upTo: 1e9,
                price: p(
                    2.8,
                    "million requests",
                    "us-east-1",
                    "Amazon API Gateway pricing, REST APIs, next 667 million",
                ),
            },
            {
                upTo: 20e9,
                price: p(
                    2.38,
                    "million requests",
                    "us-east-1",
                    "Amazon API Gateway pricing, REST APIs, next 19 billion",
                ),
            },
            {
                upTo: Infinity,
                price: p(
                    1.51,
                    "million requests",
                    "us-east-1",
                    "Amazon API Gateway pricing, REST APIs, over 20 billion",
                ),
            },
        ] as readonly Tier[],
    },
    kinesis: {
        /** On-demand (Standard): each stream, per hour. */
        onDemandStreamHour: p(
            0.04,
            "stream-hour",
            "us-east-1",
            "Amazon Kinesis Data Streams pricing, On-Demand Standard, per stream hour",
        ),
        /** On-demand: data in, per GB, each record rounded up to 1 KB. */
        onDemandIngestPerGB: p(
            0.08,
            "GB ingested",
            "us-east-1",
            "Amazon Kinesis Data Streams pricing, On-Demand Standard, data ingested (records rounded up to 1 KB)",
        ),
        /** On-demand: data out to shared-throughput consumers (Firehose), per GB. */
        onDemandRetrievalPerGB: p(
            0.04,
            "GB retrieved",
            "us-east-1",
            "Amazon Kinesis Data Streams pricing, On-Demand Standard, data retrievals",
        ),
        // Not priced: On-demand Advantage, an account-level mode with no per-stream charge and data rates at
        // least 60% lower, in exchange for a minimum-throughput billing commitment of at least 24 hours
        // ("Choose the right mode to stream in", Kinesis Data Streams developer guide; UpdateAccountSettings,
        // MinimumThroughputBillingCommitment). AWS calls it cost-effective from 10 MiB/s ingested in aggregate
        // ("Amazon Kinesis Data Streams launches On-demand Advantage", AWS Big Data Blog); it is a setting of
        // the whole account, not of a stream this program creates.
        /** Provisioned: per shard, per hour. */
        provisionedShardHour: p(
            0.015,
            "shard-hour",
            "us-east-1",
            "Amazon Kinesis Data Streams pricing, Provisioned, shard hour",
        ),
        /** Provisioned: PUT payload units (25 KB chunks of a record), per million. */
        provisionedPutUnitsPerMillion: p(
            0.014,
            "million PUT payload units",
            "us-east-1",
            "Amazon Kinesis Data Streams pricing, Provisioned, PUT payload units (25 KB)",
        ),
    },
    firehose: {
        /** Ingestion from a Kinesis stream source, per GB, each record rounded up to 5 KB; first 500 TB/month. */
        ingestPerGB: p(
            0.029,
            "GB ingested",
            "us-east-1",
            "Amazon Data Firehose pricing, Direct PUT and KDS as a source, first 500 TB/month (5 KB increments)",
        ),
    },
    s3: {
        standardStoragePerGBMonth: p(
            0.0245,
            "GB-month",
            "eu-central-1",
            "Amazon S3 pricing, S3 Standard, first 50 TB/month (EUC1-TimedStorage-ByteHrs)",
        ),
        putCopyPostListPer1000: p(
            0.0054,
            "1,000 requests",
            "eu-central-1",
            "Amazon S3 pricing, PUT, COPY, POST, LIST requests (EUC1-Requests-Tier1)",
        ),
    },
    glue: {
        /** Spark ETL jobs, per DPU-hour, billed per second with a 1-minute minimum (Glue 2.0 and later). */
        etlDpuHour: p(
            0.44,
            "DPU-hour",
            "us-east-1",
            "AWS Glue pricing, ETL jobs (Glue 2.0+: per second, 1-minute minimum)",
        ),
        /**
         * Spark jobs in the Flex execution class (spare capacity), per DPU-hour, 1-minute minimum. Priced only as
         * a lever the report names, not planned: AWS documents no bound on a Flex run's start ("The flexible
         * execution class is appropriate for time-insensitive jobs whose start and completion times may vary",
         * AWS Glue API, Job.ExecutionClass), so no p99 can be stated for a load job that uses it.
         */
        flexEtlDpuHour: p(
            0.29,
            "DPU-hour",
            "us-east-1",
            "AWS Glue pricing, ETL jobs, Flex execution class (Glue 3.0+, G.1X/G.2X)",
        ),
        /** Python shell jobs (the load pre-check), per DPU-hour, billed per second with a 1-minute minimum. */
        pythonShellDpuHour: p(
            0.44,
            "DPU-hour",
            "us-east-1",
            "AWS Glue pricing, Python shell jobs (0.0625 or 1 DPU; per second, 1-minute minimum)",
        ),
        /** Crawlers, per DPU-hour, billed per second with a 10-minute minimum per run. */
        crawlerDpuHour: p(
            0.44,
            "DPU-hour",
            "us-east-1",
            "AWS Glue pricing, crawlers (per second, 10-minute minimum per run)",
        ),
    },
    cloudWatch: {
        logsIngestPerGB: p(
            0.63,
            "GB ingested",
            "eu-central-1",
            "Amazon CloudWatch pricing, Logs, Standard log class ingestion (EUC1-DataProcessing-Bytes)",
        ),
        logsStoragePerGBMonth: p(0.03, "GB-month", "us-east-1", "Amazon CloudWatch pricing, Logs, storage (archival)"),
        alarmMonth: p(0.1, "alarm-month", "us-east-1", "Amazon CloudWatch pricing, standard resolution metric alarm"),
        dashboardMonth: p(
            3,
            "dashboard-month",
            "us-east-1",
            "Amazon CloudWatch pricing, dashboard (beyond the first 3)",
        ),
        /** API Gateway detailed (per-method) metrics are billed as custom metrics. */
        customMetricMonth: p(
            0.3,
            "metric-month",
            "us-east-1",
            "Amazon CloudWatch pricing, custom metrics, first 10,000",
        ),
    },
    xray: {
        tracesRecordedPerMillion: p(5, "million traces recorded", "us-east-1", "AWS X-Ray pricing, traces recorded"),
    },
    redshiftServerless: {
        /** Per RPU-hour, billed per second with a 60-second minimum while queries run. */
        rpuHour: p(
            0.375,
            "RPU-hour",
            "us-east-1",
            "Amazon Redshift pricing, Redshift Serverless, per RPU-hour (60-second minimum)",
        ),
    },
    vpc: {
        /** Interface VPC endpoints (PrivateLink), per endpoint per AZ it has an ENI in, per hour; data processed is extra. */
        interfaceEndpointAzHour: p(
            0.01,
            "endpoint-AZ-hour",
            "us-east-1",
            "AWS PrivateLink pricing, interface endpoint per AZ per hour",
        ),
        natGatewayHour: p(0.045, "NAT gateway-hour", "us-east-1", "Amazon VPC pricing, NAT gateway per hour"),
        publicIpv4Hour: p(0.005, "IPv4 address-hour", "us-east-1", "Amazon VPC pricing, public IPv4 address per hour"),
    },
    secretsManager: {
        secretMonth: p(0.4, "secret-month", "us-east-1", "AWS Secrets Manager pricing, per secret per month"),
    },
    kms: {
        keyMonth: p(1, "key-month", "us-east-1", "AWS Key Management Service pricing, customer managed key"),
        requestsPer10000: p(
            0.03,
            "10,000 requests",
            "us-east-1",
            "AWS Key Management Service pricing, symmetric requests",
        ),
    },
} as const;

/** The cost of `units` under a tiered price, each unit at the rate of the tier it falls in. */
export function tieredCost(units: number, tiers: readonly Tier[], unitsPerPriceUnit: number): number {
    let remaining = units;
    let floor = 0;
    let cost = 0;
    for (const tier of tiers) {
        if (remaining <= 0) break;
        const inTier = Math.min(remaining, tier.upTo - floor);
        cost += (inTier / unitsPerPriceUnit) * tier.price.usd;
        remaining -= inTier;
        floor = tier.upTo;
    }
    return cost;
}
