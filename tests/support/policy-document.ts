/**
 * The IAM document model the stacks build with (shared/iam.ts), for tests that read planned documents
 * back: one Statement type, one parser, one list reader.
 */
import type { PolicyDocument, PolicyStatement } from "../../shared/iam";

export type { Conditions, PolicyDocument } from "../../shared/iam";
export type Statement = PolicyStatement;

/** IAM documents are planned as JSON text; `where` names the resource in the error. */
export function parseDocument(value: unknown, where = "policy"): PolicyDocument {
    if (typeof value !== "string")
        throw new Error(`${where}: expected a policy document as JSON text, got ${JSON.stringify(value)}`);
    return JSON.parse(value) as PolicyDocument;
}

/** An `Action`/`Resource`-style field as a list: IAM writes one value without brackets. */
export function list(value: string | readonly string[] | undefined): string[] {
    if (value === undefined) return [];
    return typeof value === "string" ? [value] : [...value];
}
