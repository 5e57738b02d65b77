/**
 * The CrossGuard entry point: `pulumi preview|up --policy-pack policy-pack` runs the compiled form of this
 * file (build/policy-pack/index.js, see PulumiPolicy.yaml), which serves the policies to the engine.
 * Nothing else may import it: constructing the PolicyPack starts the analyzer's gRPC server.
 */
import { PolicyPack, PolicyPackConfig } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./policies";
import initialConfig from "./policy-config.json";

new PolicyPack(
    PACK_NAME,
    { policies: [...policies], enforcementLevel: PACK_ENFORCEMENT_LEVEL },
    // The same file `--policy-pack-config` takes: a run without the flag, or a Pulumi Cloud policy group
    // that has not been configured, starts from the reviewed levels and exceptions, not from bare defaults.
    initialConfig as PolicyPackConfig,
);
