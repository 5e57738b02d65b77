/**
 * docs/components.md: an inputs and outputs table for every component of the library (each
 * `pulumi.ComponentResource` subclass exported from a top-level `shared/*.ts` file), generated from the
 * source with the TypeScript compiler's parser. Inputs are the fields of the constructor's `...Args`
 * interface (and of the interfaces declared beside it that those fields use), outputs the public
 * readonly properties of the class; each row carries the field's doc comment, so the comments in the
 * code are the documentation and cannot drift from it.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export interface FieldDoc {
    readonly name: string;
    readonly type: string;
    readonly optional: boolean;
    readonly doc: string;
}

export interface InterfaceDoc {
    readonly name: string;
    readonly doc: string;
    readonly fields: readonly FieldDoc[];
    /** Interfaces it extends, as written. */
    readonly extends: readonly string[];
}

export interface ComponentDoc {
    readonly file: string;
    readonly className: string;
    /** The component's type token, e.g. `tracking:shared:PipelineAlarms`. */
    readonly typeToken?: string;
    readonly doc: string;
    readonly args?: InterfaceDoc;
    /** Interfaces of the same file that the Args fields use (nested inputs). */
    readonly nested: readonly InterfaceDoc[];
    readonly outputs: readonly FieldDoc[];
}

/** A node's doc comment as one line of text (tags other than the summary dropped). */
function docOf(node: ts.Node): string {
    const parts = ts
        .getJSDocCommentsAndTags(node)
        .filter(ts.isJSDoc)
        .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "");
    return parts
        .join(" ")
        .replace(/\{@link\s+([^}\s|]+)(?:\s*\|?\s*[^}]*)?\}/g, "`$1`")
        .replace(/\s+/g, " ")
        .trim();
}

function typeText(node: ts.TypeNode | undefined, source: ts.SourceFile): string {
    return node ? node.getText(source).replace(/\s+/g, " ") : "unknown";
}

function interfaceDoc(node: ts.InterfaceDeclaration, source: ts.SourceFile): InterfaceDoc {
    const fields: FieldDoc[] = [];
    for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.name) continue;
        fields.push({
            name: member.name.getText(source),
            type: typeText(member.type, source),
            optional: member.questionToken !== undefined,
            doc: docOf(member),
        });
    }
    const heritage = (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.getText(source)));
    return { name: node.name.text, doc: docOf(node), fields, extends: heritage };
}

function extendsComponentResource(node: ts.ClassDeclaration, source: ts.SourceFile): boolean {
    return (node.heritageClauses ?? []).some(
        (h) =>
            h.token === ts.SyntaxKind.ExtendsKeyword &&
            h.types.some((t) => /ComponentResource$/.test(t.expression.getText(source))),
    );
}

function isExported(node: ts.Node): boolean {
    return (
        ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    );
}

/** Every identifier in a type's text, to find the interfaces a field refers to. */
function referencedNames(type: string): string[] {
    return [...type.matchAll(/\b([A-Z][A-Za-z0-9]*)\b/g)].map((m) => m[1]);
}

/** The components one source file declares. */
export function componentsOfFile(file: string, text: string): ComponentDoc[] {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const interfaces = new Map<string, ts.InterfaceDeclaration>();
    source.forEachChild((node) => {
        if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
    });
    const components: ComponentDoc[] = [];
    source.forEachChild((node) => {
        if (!ts.isClassDeclaration(node) || !node.name || !isExported(node) || !extendsComponentResource(node, source))
            return;
        const ctor = node.members.find(ts.isConstructorDeclaration);
        const argsParam = ctor?.parameters[1];
        const argsTypeName = argsParam?.type ? argsParam.type.getText(source) : undefined;
        const argsNode = argsTypeName ? interfaces.get(argsTypeName) : undefined;
        const args = argsNode ? interfaceDoc(argsNode, source) : undefined;

        // Interfaces of this file reached from the Args fields (transitively), in order of first use.
        const nested: InterfaceDoc[] = [];
        const seen = new Set<string>(argsTypeName ? [argsTypeName] : []);
        const queue = [...(args?.fields ?? []).flatMap((f) => referencedNames(f.type)), ...(args?.extends ?? [])];
        while (queue.length > 0) {
            const name = queue.shift() as string;
            if (seen.has(name)) continue;
            seen.add(name);
            const declared = interfaces.get(name);
            if (!declared) continue;
            const doc = interfaceDoc(declared, source);
            nested.push(doc);
            queue.push(...doc.fields.flatMap((f) => referencedNames(f.type)), ...doc.extends);
        }

        const outputs: FieldDoc[] = [];
        for (const member of node.members) {
            if (!ts.isPropertyDeclaration(member) || !member.name) continue;
            const modifiers = ts.getModifiers(member) ?? [];
            const hidden = modifiers.some(
                (m) =>
                    m.kind === ts.SyntaxKind.PrivateKeyword ||
                    m.kind === ts.SyntaxKind.ProtectedKeyword ||
                    m.kind === ts.SyntaxKind.StaticKeyword,
            );
            if (hidden || ts.isPrivateIdentifier(member.name)) continue;
            outputs.push({
                name: member.name.getText(source),
                type: typeText(member.type, source),
                optional: member.questionToken !== undefined,
                doc: docOf(member),
            });
        }

        let typeToken: string | undefined;
        ctor?.body?.forEachChild(function find(child) {
            if (
                ts.isCallExpression(child) &&
                child.expression.kind === ts.SyntaxKind.SuperKeyword &&
                child.arguments[0] &&
                ts.isStringLiteral(child.arguments[0])
            )
                typeToken = child.arguments[0].text;
            else child.forEachChild(find);
        });
        components.push({ file, className: node.name.text, typeToken, doc: docOf(node), args, nested, outputs });
    });
    return components;
}

/** Every component in `<root>/shared/*.ts`, ordered by file then declaration. */
export function collectComponents(root: string): ComponentDoc[] {
    const dir = path.join(root, "shared");
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
        .sort()
        .flatMap((f) => componentsOfFile(`shared/${f}`, fs.readFileSync(path.join(dir, f), "utf8")));
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function fieldTable(fields: readonly FieldDoc[], requiredColumn: boolean): string[] {
    if (fields.length === 0) return ["_(none)_"];
    const header = requiredColumn
        ? ["| Input | Type | Required | Description |", "| --- | --- | --- | --- |"]
        : ["| Output | Type | Description |", "| --- | --- | --- |"];
    return [
        ...header,
        ...fields.map((f) =>
            requiredColumn
                ? `| \`${f.name}\` | \`${cell(f.type)}\` | ${f.optional ? "no" : "yes"} | ${cell(f.doc) || "_undocumented_"} |`
                : `| \`${f.name}\` | \`${cell(f.type)}\` | ${cell(f.doc) || "_undocumented_"} |`,
        ),
    ];
}

/** The Markdown of every component: a heading each, its summary, inputs, nested inputs and outputs. */
export function renderComponentsDoc(components: readonly ComponentDoc[]): string {
    const out: string[] = [];
    out.push("| Component | Type token | File |", "| --- | --- | --- |");
    for (const c of components)
        out.push(`| [${c.className}](#${c.className.toLowerCase()}) | \`${c.typeToken ?? "?"}\` | \`${c.file}\` |`);
    for (const c of components) {
        out.push("", `### ${c.className}`, "", `\`${c.file}\`${c.doc ? ` - ${c.doc}` : ""}`, "");
        if (c.args) {
            out.push(
                `Inputs: \`${c.args.name}\`${c.args.extends.length > 0 ? ` (extends ${c.args.extends.map((e) => `\`${e}\``).join(", ")})` : ""}`,
                "",
                ...fieldTable(c.args.fields, true),
            );
        } else {
            out.push("Inputs: _the constructor takes no documented `...Args` interface_");
        }
        for (const n of c.nested)
            out.push("", `\`${n.name}\`${n.doc ? ` - ${cell(n.doc)}` : ""}`, "", ...fieldTable(n.fields, true));
        out.push("", "Outputs", "", ...fieldTable(c.outputs, false));
    }
    return out.join("\n");
}
