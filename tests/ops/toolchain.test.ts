import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../tools/plan/runner";
import { readWorkflows } from "./support/workflow-checks";

/**
 * One Node major for everyone: `.nvmrc` names it (nvm, fnm and actions/setup-node read it), the workflows
 * install it from there, and `npm ci` brings it for `npm run` on machines whose own Node is older.
 */
const ROOT = repoRoot();
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    engines: { node: string };
    optionalDependencies?: Record<string, string>;
};
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<
        string,
        {
            version?: string;
            os?: string[] | string;
            cpu?: string[] | string;
            optional?: boolean;
            bin?: Record<string, string>;
        }
    >;
};
const targetMajor = Number(fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim());

/** The Node binaries the project ships through npm: optional dependencies that each install only on their own os and cpu. */
const bundledNodes = Object.entries(pkg.optionalDependencies ?? {}).filter(([name]) =>
    /^node-(linux|darwin|win|bin-darwin)-/.test(name),
);

describe("toolchain: one Node major", () => {
    it(".nvmrc and .node-version name the same major, which package.json engines admits", () => {
        expect(Number.isInteger(targetMajor), ".nvmrc holds a bare major").to.equal(true);
        expect(fs.readFileSync(path.join(ROOT, ".node-version"), "utf8").trim()).to.equal(String(targetMajor));
        const minimum = /^>=(\d+)$/.exec(pkg.engines.node);
        expect(minimum, `engines.node "${pkg.engines.node}" is an open lower bound`).to.not.equal(null);
        expect(targetMajor).to.be.at.least(Number(minimum![1]));
    });

    it("the tests run on that major where a bundled Node exists (npm run puts it first on PATH), elsewhere on one engines admits", () => {
        const running = Number(process.versions.node.split(".")[0]);
        const bundled = bundledNodes.some(([name]) => {
            const entry = lock.packages[`node_modules/${name}`];
            return [entry?.os].flat().includes(process.platform) && [entry?.cpu].flat().includes(process.arch);
        });
        if (bundled) expect(running, `node ${process.version} runs the tests`).to.equal(targetMajor);
        else
            expect(running, `node ${process.version} runs the tests`).to.be.at.least(
                Number(/\d+/.exec(pkg.engines.node)![0]),
            );
    });

    it("every workflow's setup-node step reads .nvmrc", () => {
        const steps = readWorkflows(path.join(ROOT, ".github", "workflows")).flatMap((w) =>
            Object.entries(w.jobs).flatMap(([job, j]) =>
                (j.steps ?? [])
                    .filter((s) => s.uses?.startsWith("actions/setup-node@"))
                    .map((s) => ({ where: `${path.basename(w.file)} job ${job}`, with: s.with ?? {} })),
            ),
        );
        expect(steps.length, "workflows that install Node").to.be.greaterThan(0);
        for (const step of steps) {
            expect(step.with, step.where).to.not.have.property("node-version");
            expect(step.with["node-version-file"], step.where).to.equal(".nvmrc");
        }
    });

    it("the bundled Node binaries are that major, locked with their os and cpu so one lockfile installs anywhere", () => {
        expect(bundledNodes.length, "optional node-<os>-<cpu> dependencies").to.be.greaterThan(0);
        for (const [name, range] of bundledNodes) {
            expect(Number(range.split(".")[0]), `${name}@${range}`).to.equal(targetMajor);
            const entry = lock.packages[`node_modules/${name}`];
            expect(entry, `package-lock.json entry of ${name}`).to.not.equal(undefined);
            expect(entry.optional, `${name} is optional in the lockfile`).to.equal(true);
            // Without os and cpu in the lockfile, npm ci on another platform would try to install it.
            expect(entry.os, `${name} os`).to.not.equal(undefined);
            expect(entry.cpu, `${name} cpu`).to.not.equal(undefined);
            expect(entry.bin?.node, `${name} provides node_modules/.bin/node`).to.be.a("string");
        }
    });
});
