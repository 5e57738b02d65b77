/**
 * The pack inside the real CrossGuard analyzer: the compiled entry point (what `pulumi preview
 * --policy-pack policy-pack` starts) serves its policies over gRPC on 127.0.0.1, and this test talks to
 * it as the Pulumi engine does - configure, analyze (resource inputs), analyzeStack (outputs) - with
 * unknown values encoded as the engine encodes them.
 */
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../../policy-pack/policies";
import { allow } from "../../shared/iam";
import { ACCOUNT, OTHER_ACCOUNT, policyDocument } from "./fixtures";

const ROOT = path.resolve(__dirname, "..", "..", "..");
/** How the engine sends a value it cannot know yet (sdk/go/common/resource/plugin: UnknownStringValue). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROVIDER_URN = "urn:pulumi:dev::p::pulumi:providers:aws::default_7_48_0";

function call<Request, Response>(
    method: (request: Request, callback: (error: grpc.ServiceError | null, response: Response) => void) => unknown,
    request: Request,
): Promise<Response> {
    return new Promise((resolve, reject) =>
        method(request, (error, response) => (error ? reject(error) : resolve(response))),
    );
}

function options(protect = false): analyzer.AnalyzerResourceOptions {
    return new analyzer.AnalyzerResourceOptions().setProtect(protect);
}

function provider(): analyzer.AnalyzerProviderResource {
    // Default providers carry their config JSON-encoded, as the engine passes them.
    return new analyzer.AnalyzerProviderResource()
        .setType("pulumi:providers:aws")
        .setName("default_7_48_0")
        .setUrn(PROVIDER_URN)
        .setProperties(Struct.fromJavaScript({ region: "eu-central-1", allowedAccountIds: JSON.stringify([ACCOUNT]) }));
}

function analyzeRequest(type: string, name: string, properties: Record<string, unknown>): analyzer.AnalyzeRequest {
    return new analyzer.AnalyzeRequest()
        .setType(type)
        .setName(name)
        .setUrn(`urn:pulumi:dev::p::${type}::${name}`)
        .setProperties(Struct.fromJavaScript(properties as Record<string, never>))
        .setOptions(options())
        .setProvider(provider());
}

function stackResource(
    type: string,
    name: string,
    properties: Record<string, unknown>,
    protect = true,
): analyzer.AnalyzerResource {
    return new analyzer.AnalyzerResource()
        .setType(type)
        .setName(name)
        .setUrn(`urn:pulumi:dev::p::${type}::${name}`)
        .setProperties(Struct.fromJavaScript(properties as Record<string, never>))
        .setOptions(options(protect))
        .setProvider(provider());
}

interface Diagnostic {
    readonly policy: string;
    readonly level: analyzer.EnforcementLevel;
    readonly message: string;
    readonly urn: string;
}

function diagnostics(response: analyzer.AnalyzeResponse): Diagnostic[] {
    return response.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        level: d.getEnforcementlevel(),
        message: d.getMessage(),
        urn: d.getUrn(),
    }));
}

describe("policy pack inside the real CrossGuard analyzer (gRPC)", function () {
    let server: ChildProcess | undefined;
    let client: AnalyzerClient;

    before(async function () {
        // The pack reads its version from package.json in its working directory, as under `pulumi`.
        const child = spawn(process.execPath, [path.join(ROOT, "build", "policy-pack", "index.js")], {
            cwd: path.join(ROOT, "policy-pack"),
            stdio: ["ignore", "pipe", "pipe"],
        });
        server = child;
        const port = await new Promise<string>((resolve, reject) => {
            let stderr = "";
            child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
            child.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
            child.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
        });
        expect(port).to.match(/^\d+$/);
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        server?.kill();
    });

    it("announces every policy, with its config schema and the reviewed config as initial config", async () => {
        const info = await call<Empty, analyzer.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
        expect(info.getName()).to.equal("tracking-pipeline-least-privilege");
        const announced = info.getPoliciesList().map((p) => p.getName());
        expect(announced).to.have.members(policies.map((p) => p.name));
        const wildcard = info.getPoliciesList().find((p) => p.getName() === "iam-no-wildcard-actions");
        expect(wildcard?.getEnforcementlevel()).to.equal(analyzer.EnforcementLevel.MANDATORY);
        expect(Object.keys(wildcard?.getConfigschema()?.getProperties()?.toJavaScript() ?? {})).to.include(
            "exceptions",
        );
        const initial = info.getInitialconfigMap().get("iam-service-trust-confused-deputy");
        expect(JSON.stringify(initial?.getProperties()?.toJavaScript())).to.include("glue.amazonaws.com");
    });

    it("reports a wildcard identity policy as mandatory, with the pack's message", async () => {
        const request = analyzeRequest("aws:iam/rolePolicy:RolePolicy", "wide", {
            role: "r",
            policy: policyDocument(allow("Everything", ["*"], ["*"])),
        });
        const found = diagnostics(await call(client.analyze.bind(client), request)).filter(
            (d) => d.policy === "iam-no-wildcard-actions",
        );
        expect(found).to.have.length(1);
        expect(found[0].level).to.equal(analyzer.EnforcementLevel.MANDATORY);
        expect(found[0].message).to.include('allows every action ("*")');
    });

    it("reads the account from the default provider: cross-account trust without ExternalId is refused, own account is not", async () => {
        // No condition: the model's allowAssumeRole requires one, and this trust is the unguarded form under test.
        const trust = (principal: string) =>
            policyDocument({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" });
        const foreign = diagnostics(
            await call(
                client.analyze.bind(client),
                analyzeRequest("aws:iam/role:Role", "cross", {
                    assumeRolePolicy: trust(`arn:aws:iam::${OTHER_ACCOUNT}:root`),
                }),
            ),
        );
        expect(foreign.filter((d) => d.policy === "iam-cross-account-trust")).to.have.length(1);
        const own = diagnostics(
            await call(
                client.analyze.bind(client),
                analyzeRequest("aws:iam/role:Role", "own", {
                    assumeRolePolicy: trust(`arn:aws:iam::${ACCOUNT}:role/ci`),
                }),
            ),
        );
        expect(own.filter((d) => d.policy === "iam-cross-account-trust")).to.deep.equal([]);
    });

    it("during preview, an unknown document is 'cannot judge' (advisory), never a mandatory violation or a crash", async () => {
        const request = analyzeRequest("aws:iam/role:Role", "pending", {
            assumeRolePolicy: UNKNOWN,
            inlinePolicies: [
                { name: "wide", policy: policyDocument(allow("AllObjectActions", ["s3:*"], ["arn:aws:s3:::b/*"])) },
            ],
        });
        const found = diagnostics(await call(client.analyze.bind(client), request));
        const trust = found.filter((d) => d.policy === "iam-cross-account-trust");
        expect(trust).to.have.length(1);
        expect(trust[0].level).to.equal(analyzer.EnforcementLevel.ADVISORY);
        expect(trust[0].message).to.include("during preview").and.to.include("assumeRolePolicy");
        // The known inline policy is still judged.
        const wildcard = found.filter(
            (d) => d.policy === "iam-no-wildcard-actions" && d.level === analyzer.EnforcementLevel.MANDATORY,
        );
        expect(wildcard).to.have.length(1);
        expect(wildcard[0].message).to.include('"s3:*"');
    });

    it("applies config the engine sends: an advisory level, and an exception with a reason", async () => {
        const config = new analyzer.ConfigureAnalyzerRequest();
        config
            .getPolicyconfigMap()
            .set(
                "iam-no-wildcard-actions",
                new analyzer.PolicyConfig()
                    .setEnforcementlevel(analyzer.EnforcementLevel.ADVISORY)
                    .setProperties(Struct.fromJavaScript({})),
            );
        config.getPolicyconfigMap().set(
            "kms-key-rotation",
            new analyzer.PolicyConfig().setEnforcementlevel(analyzer.EnforcementLevel.MANDATORY).setProperties(
                Struct.fromJavaScript({
                    exceptions: [{ name: "legacy", reason: "imported key, rotated by hand" }],
                }),
            ),
        );
        await call(client.configure.bind(client), config);

        const wide = diagnostics(
            await call(
                client.analyze.bind(client),
                analyzeRequest("aws:iam/rolePolicy:RolePolicy", "wide", {
                    role: "r",
                    policy: policyDocument(allow("Everything", ["*"], ["*"])),
                }),
            ),
        );
        expect(wide.find((d) => d.policy === "iam-no-wildcard-actions")?.level).to.equal(
            analyzer.EnforcementLevel.ADVISORY,
        );
        const legacy = diagnostics(
            await call(client.analyze.bind(client), analyzeRequest("aws:kms/key:Key", "legacy", {})),
        );
        expect(legacy.filter((d) => d.policy === "kms-key-rotation")).to.deep.equal([]);
        const fresh = diagnostics(
            await call(client.analyze.bind(client), analyzeRequest("aws:kms/key:Key", "fresh", {})),
        );
        expect(fresh.filter((d) => d.policy === "kms-key-rotation")).to.have.length(1);
    });

    it("runs the stack policies over outputs and blames the bucket; pairs companions through property dependencies while names are unknown", async () => {
        const bare = new analyzer.AnalyzeStackRequest().setResourcesList([
            stackResource("aws:s3/bucket:Bucket", "bare", { bucket: "bare-bucket", id: "bare-bucket" }),
        ]);
        const bareFound = diagnostics(await call(client.analyzeStack.bind(client), bare)).filter(
            (d) => d.policy === "s3-versioning",
        );
        expect(bareFound).to.have.length(1);
        expect(bareFound[0].urn).to.equal("urn:pulumi:dev::p::aws:s3/bucket:Bucket::bare");

        const bucket = stackResource("aws:s3/bucket:Bucket", "pending", { bucket: UNKNOWN, id: UNKNOWN });
        const versioning = stackResource("aws:s3/bucketVersioning:BucketVersioning", "pending-versioning", {
            bucket: UNKNOWN,
            versioningConfiguration: { status: "Enabled" },
        });
        versioning
            .getPropertydependenciesMap()
            .set("bucket", new analyzer.AnalyzerPropertyDependencies().setUrnsList([bucket.getUrn()]));
        const paired = diagnostics(
            await call(
                client.analyzeStack.bind(client),
                new analyzer.AnalyzeStackRequest().setResourcesList([bucket, versioning]),
            ),
        );
        expect(paired.filter((d) => d.policy === "s3-versioning")).to.deep.equal([]);
    });
});
