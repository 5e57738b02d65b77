import { expect } from "chai";
import { autoName, mockCall, mockResource } from "../../tools/plan/aws-mocks";

const ctx = { account: "111111111111", region: "eu-central-1", project: "tracking-engineering", stack: "dev" };

describe("plan: AWS-shaped mocks", () => {
    it("auto-names like Pulumi (logical name, dash, 7 hex) and keeps a given name", () => {
        const auto = mockResource("aws:kinesis/stream:Stream", "user-events", {}, ctx);
        expect(auto.state.name).to.match(/^user-events-[0-9a-f]{7}$/);
        expect(mockResource("aws:kinesis/stream:Stream", "user-events", {}, ctx).state.name, "stable per run").to.equal(auto.state.name);
        expect(mockResource("aws:kinesis/stream:Stream", "user-utm", {}, ctx).state.name).to.not.equal(auto.state.name);
        expect(mockResource("aws:kinesis/stream:Stream", "x", { name: "given" }, ctx).state.name).to.equal("given");
        expect(autoName("abc", "0123456789")).to.equal("abc-0123456");
    });

    it("returns ARNs in the stack's account, region and each service's format", () => {
        const arn = (type: string, inputs: Record<string, unknown> = {}) => mockResource(type, "r", inputs, ctx).state.arn;
        expect(arn("aws:kinesis/stream:Stream", { name: "s" })).to.equal("arn:aws:kinesis:eu-central-1:111111111111:stream/s");
        expect(arn("aws:iam/role:Role", { name: "role-a" })).to.equal("arn:aws:iam::111111111111:role/role-a");
        expect(arn("aws:iam/role:Role", { name: "role-b", path: "/svc/" })).to.equal("arn:aws:iam::111111111111:role/svc/role-b");
        expect(arn("aws:s3/bucket:Bucket", { bucket: "b" })).to.equal("arn:aws:s3:::b");
        expect(arn("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", { name: "f" })).to.equal("arn:aws:firehose:eu-central-1:111111111111:deliverystream/f");
        expect(arn("aws:glue/job:Job", { name: "j" })).to.equal("arn:aws:glue:eu-central-1:111111111111:job/j");
        expect(arn("aws:kms/key:Key")).to.match(/^arn:aws:kms:eu-central-1:111111111111:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(arn("aws:cloudwatch/logGroup:LogGroup", { name: "/aws/x" })).to.equal("arn:aws:logs:eu-central-1:111111111111:log-group:/aws/x");
        const cn = mockResource("aws:kinesis/stream:Stream", "r", { name: "s" }, { ...ctx, region: "cn-north-1" }).state.arn;
        expect(cn).to.equal("arn:aws-cn:kinesis:cn-north-1:111111111111:stream/s");
    });

    it("lowercases S3 auto-names, as S3 requires", () => {
        expect(mockResource("aws:s3/bucket:Bucket", "Landing", {}, ctx).state.bucket).to.match(/^landing-[0-9a-f]{7}$/);
    });

    it("fails loudly for a type or function it does not know, naming it", () => {
        expect(() => mockResource("aws:ec2/instance:Instance", "web", {}, ctx)).to.throw(/no mock for resource type aws:ec2\/instance:Instance \(resource "web"\)/);
        expect(() => mockCall("aws:ec2/getAmi:getAmi", {}, ctx)).to.throw(/no mock for function aws:ec2\/getAmi:getAmi/);
    });

    it("answers caller identity with the stack's own account", () => {
        expect(mockCall("aws:index/getCallerIdentity:getCallerIdentity", {}, ctx).accountId).to.equal("111111111111");
    });
});
