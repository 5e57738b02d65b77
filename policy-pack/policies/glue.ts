/**
 * Glue: every crawler and job runs under a security configuration that encrypts what it writes, and
 * Spark jobs run on a supported Glue version.
 */
import { resourcePolicy } from "./support/define";
import { asObject, asString, isUnknown, Plain } from "./support/plain";

const CRAWLER = "aws:glue/crawler:Crawler";
const JOB = "aws:glue/job:Job";
const SECURITY_CONFIGURATION = "aws:glue/securityConfiguration:SecurityConfiguration";

/** Each part of a security configuration: the mode that encrypts with KMS. */
const REQUIRED_MODES: ReadonlyArray<{ readonly block: string; readonly mode: string; readonly value: string }> = [
    { block: "s3Encryption", mode: "s3EncryptionMode", value: "SSE-KMS" },
    { block: "cloudwatchEncryption", mode: "cloudwatchEncryptionMode", value: "SSE-KMS" },
    { block: "jobBookmarksEncryption", mode: "jobBookmarksEncryptionMode", value: "CSE-KMS" },
];

export const glueSecurityConfiguration = resourcePolicy({
    name: "glue-security-configuration",
    description:
        "Every Glue crawler and job names a securityConfiguration, and every security configuration encrypts with KMS " +
        "(S3 output SSE-KMS, CloudWatch logs SSE-KMS, job bookmarks CSE-KMS, each with a kmsKeyArn).",
    severity: "high",
    remediation:
        "Create an aws.glue.SecurityConfiguration with the three KMS modes and set securityConfiguration on the crawler or job.",
    types: [CRAWLER, JOB, SECURITY_CONFIGURATION],
    check: (context) => {
        if (context.type !== SECURITY_CONFIGURATION) {
            const name = context.props.securityConfiguration;
            if (isUnknown(name)) return context.undetermined.note("securityConfiguration");
            if (typeof name !== "string" || name.trim() === "") {
                context.report(
                    `${context.type === JOB ? "Job" : "Crawler"} has no securityConfiguration, so what it writes to S3 and CloudWatch Logs is not KMS-encrypted.`,
                );
            }
            return;
        }
        const encryption = context.props.encryptionConfiguration;
        if (isUnknown(encryption)) return context.undetermined.note("encryptionConfiguration");
        for (const { block, mode, value } of REQUIRED_MODES) {
            const settings = asObject(asObject(encryption)?.[block] as Plain);
            const actual = settings?.[mode];
            const key = settings?.kmsKeyArn;
            if (isUnknown(actual) || isUnknown(settings)) {
                context.undetermined.note(`encryptionConfiguration.${block}.${mode}`);
                continue;
            }
            if (actual !== value) {
                context.report(
                    `encryptionConfiguration.${block}.${mode} is ${JSON.stringify(actual ?? "DISABLED")}, not "${value}".`,
                );
            } else if (isUnknown(key)) {
                context.undetermined.note(`encryptionConfiguration.${block}.kmsKeyArn`);
            } else if (typeof key !== "string" || key === "") {
                context.report(`encryptionConfiguration.${block} uses ${value} without a kmsKeyArn.`);
            }
        }
    },
});

interface GlueVersionConfig {
    readonly minimumGlueVersion: string;
}

export const DEFAULT_MINIMUM_GLUE_VERSION = "4.0";

/** Compares dotted versions numerically ("4.0" < "10.0"). */
function compareVersions(a: string, b: string): number {
    const left = a.split(".").map(Number);
    const right = b.split(".").map(Number);
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
        const difference = (left[i] ?? 0) - (right[i] ?? 0);
        if (difference !== 0) return difference;
    }
    return 0;
}

const SPARK_COMMANDS = ["glueetl", "gluestreaming"];

export const glueSparkJobSupportedVersion = resourcePolicy<GlueVersionConfig>({
    name: "glue-spark-job-supported-version",
    description:
        "Every Glue Spark job (command glueetl or gluestreaming) sets glueVersion at least minimumGlueVersion " +
        `(${DEFAULT_MINIMUM_GLUE_VERSION} by default: the Redshift connector's preactions/postactions need it; an unset version means AWS's oldest).`,
    control: { id: "Glue.4", title: "AWS Glue Spark jobs should run on supported versions of AWS Glue" },
    severity: "medium",
    remediation: `Set glueVersion to "${DEFAULT_MINIMUM_GLUE_VERSION}" or later.`,
    configProperties: {
        minimumGlueVersion: { type: "string", pattern: "^\\d+\\.\\d+$", default: DEFAULT_MINIMUM_GLUE_VERSION },
    },
    types: [JOB],
    check: (context) => {
        const command = context.props.command;
        if (isUnknown(command)) return context.undetermined.note("command");
        const commandName = asObject(command)?.name;
        if (isUnknown(commandName)) return context.undetermined.note("command.name");
        // The provider defaults command.name to glueetl.
        if (!SPARK_COMMANDS.includes(asString(commandName ?? "glueetl") ?? "")) return;
        const minimum = context.config.minimumGlueVersion ?? DEFAULT_MINIMUM_GLUE_VERSION;
        const version = context.props.glueVersion;
        if (isUnknown(version)) return context.undetermined.note("glueVersion");
        if (typeof version !== "string" || version === "") {
            context.report(`Spark job sets no glueVersion (AWS then uses its oldest); set ${minimum} or later.`);
        } else if (compareVersions(version, minimum) < 0) {
            context.report(`Spark job runs on Glue ${version}; the minimum is ${minimum}.`);
        }
    },
});

export const gluePolicies = [glueSecurityConfiguration, glueSparkJobSupportedVersion];
