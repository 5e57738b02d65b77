import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GLUE_SCRIPT_FOLDER } from "./naming";

/** The job script's path inside the repository. */
export const GLUE_SCRIPT_REPO_PATH = path.join("data-platform", "glue", "load_to_redshift.py");

/**
 * The repository's copy of the job script. The component runs compiled (build/shared/*.js) and build/
 * holds no .py file, so the path is found from the repository root: the nearest folder above this file
 * that holds the script.
 */
export function defaultGlueScriptPath(from: string = __dirname): string {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, GLUE_SCRIPT_REPO_PATH);
        if (fs.existsSync(candidate)) return candidate;
        if (path.dirname(dir) === dir) {
            throw new Error(`the Glue job script ${GLUE_SCRIPT_REPO_PATH} was not found in any folder above ${from}`);
        }
    }
}

/** The repository's copy of another script beside the load job's, e.g. `load_precheck.py`. */
export function glueScriptPath(file: string, from: string = __dirname): string {
    return path.join(path.dirname(defaultGlueScriptPath(from)), file);
}

export interface GlueJobScriptArgs {
    /**
     * The Glue bucket (scripts and TempDirs), in this account, and what the upload waits for: the bucket's
     * default encryption (else the object could be written before SSE-KMS applies) and its policy.
     */
    readonly bucket: {
        readonly name: pulumi.Input<string>;
        readonly arn: pulumi.Input<string>;
        readonly ready?: pulumi.Resource[];
    };
    /** The script to upload; the repository's load_to_redshift.py by default. */
    readonly scriptPath?: string;
}

/**
 * The load jobs' script, uploaded once from the repository as an asset to `scripts/<file>` of the Glue
 * bucket. Every pipeline's job runs this one object with its own arguments (source prefix, target table,
 * column mapping): the code is the same for all, so one copy is what a reader audits and what a change
 * replaces, and adding a pipeline uploads nothing.
 */
export class GlueJobScript extends pulumi.ComponentResource {
    readonly object: aws.s3.BucketObjectv2;
    /** `scripts/load_to_redshift.py`. */
    readonly key: string;
    /** `s3://<bucket>/<key>`, for a job's `scriptLocation`; resolves once the object is uploaded. */
    readonly s3Uri: pulumi.Output<string>;
    /** The object's ARN, for the jobs' read grant. */
    readonly objectArn: pulumi.Output<string>;

    constructor(name: string, args: GlueJobScriptArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:GlueJobScript", name, {}, opts);
        const scriptPath = args.scriptPath ?? defaultGlueScriptPath();
        if (!fs.existsSync(scriptPath))
            throw new Error(`GlueJobScript ${name}: scriptPath ${scriptPath} does not exist`);
        this.key = `${GLUE_SCRIPT_FOLDER}${path.basename(scriptPath)}`;
        this.object = new aws.s3.BucketObjectv2(
            name,
            {
                bucket: args.bucket.name,
                key: this.key,
                source: new pulumi.asset.FileAsset(scriptPath),
                contentType: "text/x-python",
            },
            { parent: this, dependsOn: args.bucket.ready },
        );
        this.s3Uri = pulumi.interpolate`s3://${this.object.bucket}/${this.object.key}`;
        this.objectArn = pulumi.interpolate`${args.bucket.arn}/${this.key}`;
        this.registerOutputs({ key: this.key, s3Uri: this.s3Uri, objectArn: this.objectArn });
    }
}
