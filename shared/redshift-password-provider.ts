import * as pulumi from "@pulumi/pulumi";
import { randomInt } from "crypto";
import {
    disablePasswordStatement,
    md5PasswordHash,
    setPasswordStatement,
} from "./pipeline-codegen/redshift-principals";
import { DataApi, DataApiTarget, RunOptions, runStatement, sdkDataApi } from "./redshift-data-provider";

/**
 * A Pulumi dynamic provider that gives a Redshift user a password nobody sees: at deploy it draws one,
 * writes it (with the user name and the endpoint, what a Glue connection's SECRET_ID needs) into an
 * existing Secrets Manager secret, and sets it in Redshift through the Data API as its MD5 hash, so no
 * statement, query log or state holds it. Per operation: docs/design.md, "The Redshift password provider".
 */

/** The one Secrets Manager call the provider makes (the subset of @aws-sdk/client-secrets-manager it uses). */
export interface SecretsApi {
    putSecretValue(input: { SecretId: string; SecretString: string }): Promise<{ VersionId?: string }>;
}

export interface UserPasswordInputs {
    /** Where the admin runs the ALTER USER (the tables' Data API target). */
    readonly target: DataApiTarget;
    readonly user: string;
    /** The secret that receives the credentials (created, empty, by the stack). */
    readonly secretArn: string;
    /** Written beside the credentials: what the Glue connection and a person need to sign in. */
    readonly endpoint: { readonly host: string; readonly port: number; readonly database: string };
}

export interface UserPasswordOutputs extends UserPasswordInputs {
    /** The secret version holding the password Redshift has. */
    readonly versionId: string;
}

/** The Secrets Manager client the deploy uses; required here so only a deploy loads the SDK. */
export function sdkSecretsApi(region: string): SecretsApi {
    const sdk = require("@aws-sdk/client-secrets-manager") as typeof import("@aws-sdk/client-secrets-manager");
    const client = new sdk.SecretsManagerClient({ region });
    return { putSecretValue: (input) => client.send(new sdk.PutSecretValueCommand(input)) };
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";

/**
 * 32 characters from a CSPRNG, letters and digits only, with at least one upper-case letter, one
 * lower-case letter and one digit: Redshift's password rules ("CREATE USER": 8-64 characters, one of
 * each, none of ' " \ / @ or space).
 */
export function newPassword(length = 32): string {
    const all = LOWER + UPPER + DIGITS;
    const pick = (from: string) => from[randomInt(from.length)];
    const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), ...Array.from({ length: length - 3 }, () => pick(all))];
    for (let i = chars.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return chars.join("");
}

/** An error that means the user is gone (a rerun of a delete, or a database dropped by hand). */
const NO_SUCH_USER = /does not exist/i;

/** The provider, over any Data API and Secrets Manager (tests pass fakes; a deploy, the SDKs'). */
export function userPasswordProvider(
    dataApi: (region: string) => DataApi,
    secretsApi: (region: string) => SecretsApi,
    options?: RunOptions,
): pulumi.dynamic.ResourceProvider<UserPasswordInputs, UserPasswordOutputs> {
    const apply = async (inputs: UserPasswordInputs): Promise<UserPasswordOutputs> => {
        const password = newPassword();
        const secretString = JSON.stringify({
            engine: "redshift",
            username: inputs.user,
            password,
            ...inputs.endpoint,
            dbname: inputs.endpoint.database,
        });
        // The secret first: if the ALTER USER then fails, the next deploy writes a new version and retries.
        const written = await secretsApi(inputs.target.region).putSecretValue({
            SecretId: inputs.secretArn,
            SecretString: secretString,
        });
        await runStatement(
            dataApi(inputs.target.region),
            inputs.target,
            setPasswordStatement(inputs.user, md5PasswordHash(inputs.user, password)),
            options,
        );
        return { ...inputs, versionId: written.VersionId ?? "" };
    };
    const key = (inputs: UserPasswordInputs) =>
        JSON.stringify([
            inputs.user,
            inputs.secretArn,
            inputs.target.database,
            inputs.target.workgroupName,
            inputs.target.clusterIdentifier,
            inputs.endpoint,
        ]);
    return {
        async diff(_id, olds, news) {
            // Another user, secret, database or endpoint: a new password for it. The admin secret or its key
            // changing alone leaves the reader's password as it is.
            return { changes: key(olds) !== key(news) };
        },
        async create(inputs) {
            return { id: `${inputs.target.database}/${inputs.user}`, outs: await apply(inputs) };
        },
        async read(id, props) {
            // Refresh: the recorded state is the truth; no Data API or Secrets Manager call.
            return { id, props };
        },
        async update(_id, _olds, news) {
            return { outs: await apply(news) };
        },
        async delete(_id, props) {
            await runStatement(
                dataApi(props.target.region),
                props.target,
                disablePasswordStatement(props.user),
                options,
                NO_SUCH_USER,
            );
        },
    };
}

/** The provider of every reader password; one object, so its code is serialized into the state once per run. */
export const USER_PASSWORD_PROVIDER = userPasswordProvider(sdkDataApi, sdkSecretsApi);

/** A Redshift user's password, drawn at deploy into a secret (see the provider above). */
export class RedshiftUserPassword extends pulumi.dynamic.Resource {
    declare readonly versionId: pulumi.Output<string>;

    constructor(
        name: string,
        inputs: { [K in keyof UserPasswordInputs]: pulumi.Input<UserPasswordInputs[K]> },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(USER_PASSWORD_PROVIDER, name, { ...inputs, versionId: undefined }, opts, "redshift", "UserPassword");
    }
}
