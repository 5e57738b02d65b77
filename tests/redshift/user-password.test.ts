import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { md5PasswordHash, readerUser } from "../../shared/pipeline-codegen/redshift-principals";
import { DataApiTarget } from "../../shared/redshift-data-provider";
import {
    newPassword,
    SecretsApi,
    USER_PASSWORD_PROVIDER,
    UserPasswordInputs,
    userPasswordProvider,
} from "../../shared/redshift-password-provider";
import { PgliteDataApi } from "../support/pglite-data-api";

const TARGET: DataApiTarget = {
    region: "eu-central-1",
    database: "dev",
    workgroupName: "analytics",
    secretArn: "arn:aws:secretsmanager:eu-central-1:222222222222:secret:admin-AbCdEf",
};
const FAST = { pollMilliseconds: 1, timeoutMilliseconds: 5000 };
const READER = readerUser("tracking-test");
const SECRET = "arn:aws:secretsmanager:eu-central-1:222222222222:secret:tracking-test-redshift-reader-AbCdEf";

/** Secrets Manager as far as the provider uses it: every version written, in order. */
class FakeSecrets implements SecretsApi {
    readonly versions: { SecretId: string; SecretString: string }[] = [];
    async putSecretValue(input: { SecretId: string; SecretString: string }): Promise<{ VersionId?: string }> {
        this.versions.push(input);
        return { VersionId: `v${this.versions.length}` };
    }
    last(): { username: string; password: string; host: string; port: number; dbname: string } {
        return JSON.parse(this.versions[this.versions.length - 1].SecretString);
    }
}

function inputs(
    host = "tracking-test-sandbox.222222222222.eu-central-1.redshift-serverless.amazonaws.com",
): UserPasswordInputs {
    return { target: TARGET, user: READER, secretArn: SECRET, endpoint: { host, port: 5439, database: "dev" } };
}

/**
 * The reader's password provider against a real PostgreSQL engine (PGlite) behind the fake Data API and
 * a recording Secrets Manager: the password in the secret is the one the database holds (as its MD5
 * hash, which both Redshift and PostgreSQL accept pre-hashed), and it never reaches the state, the SQL
 * text or a refresh.
 */
describe("the read-only user's password (dynamic provider, on PGlite)", function () {
    this.timeout(60000);
    let db: PGlite;
    let api: PgliteDataApi;
    let secrets: FakeSecrets;
    let provider: ReturnType<typeof userPasswordProvider>;

    before(async () => {
        db = await PGlite.create();
    });
    after(async () => db.close());
    beforeEach(async () => {
        await db.exec(`DROP USER IF EXISTS ${READER}; CREATE USER ${READER};`);
        api = new PgliteDataApi(db);
        secrets = new FakeSecrets();
        provider = userPasswordProvider(
            () => api,
            () => secrets,
            FAST,
        );
    });

    const storedHash = async () =>
        (
            await db.query<{ rolpassword: string | null }>("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [
                READER,
            ])
        ).rows[0]?.rolpassword;

    it("writes a new password into the secret and sets exactly that one in the database, as its hash", async () => {
        const created = await provider.create!(inputs());
        const outs = created.outs!;
        const secret = secrets.last();
        expect(secrets.versions.map((v) => v.SecretId)).to.deep.equal([SECRET]);
        expect(secret).to.deep.include({ username: READER, host: inputs().endpoint.host, port: 5439, dbname: "dev" });
        expect(secret.password)
            .to.match(/^[A-Za-z0-9]{32}$/)
            .and.match(/[a-z]/)
            .and.match(/[A-Z]/)
            .and.match(/[0-9]/);
        expect(await storedHash()).to.equal(md5PasswordHash(READER, secret.password));
        // Neither the state nor the statement Redshift logs holds the password.
        const state = JSON.stringify(created);
        expect(state).to.not.include(secret.password);
        expect(state).to.not.include(md5PasswordHash(READER, secret.password));
        expect(api.executed).to.deep.equal([
            `ALTER USER ${READER} PASSWORD '${md5PasswordHash(READER, secret.password)}'`,
        ]);
        expect(api.executed.join("\n")).to.not.include(secret.password);
        expect(created).to.deep.include({ id: `dev/${READER}` });
        expect(outs).to.deep.include({ versionId: "v1", user: READER, secretArn: SECRET });
    });

    it("refreshes without a call; changes only for another user, secret, database or endpoint, each time with a new password", async () => {
        const created = await provider.create!(inputs());
        const outs = created.outs!;
        const first = secrets.last().password;
        const calls = api.calls;
        const read = await provider.read!(created.id, outs);
        expect(read.props).to.deep.equal(outs);
        expect([api.calls, secrets.versions.length], "a refresh calls nothing").to.deep.equal([calls, 1]);
        expect((await provider.diff!(created.id, outs, inputs())).changes, "same declaration").to.equal(false);
        expect(
            (
                await provider.diff!(created.id, outs, {
                    ...inputs(),
                    target: { ...TARGET, secretArn: `${TARGET.secretArn}2` },
                })
            ).changes,
            "the admin's secret alone",
        ).to.equal(false);
        const moved = inputs("tracking-test-sandbox-2.222222222222.eu-central-1.redshift-serverless.amazonaws.com");
        expect((await provider.diff!(created.id, outs, moved)).changes, "another endpoint").to.equal(true);
        expect(
            (await provider.diff!(created.id, outs, { ...inputs(), user: "other_reader" })).changes,
            "another user",
        ).to.equal(true);
        const updated = await provider.update!(created.id, outs, moved);
        const second = secrets.last().password;
        expect(second).to.not.equal(first);
        expect(secrets.last().host).to.equal(moved.endpoint.host);
        expect(await storedHash()).to.equal(md5PasswordHash(READER, second));
        expect(updated.outs).to.deep.include({ versionId: "v2" });
    });

    it("fails the deploy with the database's error when the user does not exist, and takes the password away on delete", async () => {
        const created = await provider.create!(inputs());
        const outs = created.outs!;
        await provider.delete!(created.id, outs);
        expect(await storedHash(), "no password after delete").to.equal(null);
        await db.exec(`DROP USER ${READER}`);
        // A rerun of the delete (the user is gone) is done, not an error.
        await provider.delete!(created.id, outs);
        let refused: Error | undefined;
        await provider.create!(inputs()).catch((err: Error) => (refused = err));
        expect(refused?.message).to.match(
            /^Redshift refused statement .*ALTER USER .*: ERROR: role "tracking_test_reader" does not exist/,
        );
    });

    it("draws passwords from a CSPRNG within Redshift's rules", () => {
        const drawn = new Set(Array.from({ length: 200 }, () => newPassword()));
        expect(drawn.size).to.equal(200);
        for (const password of drawn)
            expect(password)
                .to.match(/^[A-Za-z0-9]{32}$/)
                .and.match(/[a-z]/)
                .and.match(/[A-Z]/)
                .and.match(/[0-9]/);
    });

    it("is serialized with the SDK clients it needs, and no credential", () => {
        expect(typeof USER_PASSWORD_PROVIDER.create).to.equal("function");
        expect(USER_PASSWORD_PROVIDER.read!.toString()).to.not.match(/putSecretValue|executeStatement/);
    });
});
