/**
 * Renders the architecture graph as a Mermaid flowchart: one subgraph per AWS account, nodes in a stable
 * order (by kind along the data path, then by name) so the same plans always give the same text.
 */
import { ArchitectureGraph, GraphNode, NodeKind } from "./graph";

const ORDER: readonly NodeKind[] = ["route", "stream", "firehose", "prefix", "crawler", "catalog", "job", "table"];

/** Mermaid shapes by kind: routes as rounded boxes, streams and tables as cylinders, S3 prefixes as parallelograms. */
function shape(node: GraphNode): string {
    const text = `"${node.label.replace(/"/g, "#quot;")}"`;
    switch (node.kind) {
        case "route":
            return `(${text})`;
        case "stream":
        case "table":
            return `[(${text})]`;
        case "prefix":
            return `[/${text}/]`;
        case "crawler":
            return `{{${text}}}`;
        case "firehose":
        case "job":
            return `[[${text}]]`;
        default:
            return `[${text}]`;
    }
}

function compare(a: GraphNode, b: GraphNode): number {
    const k = ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind);
    return k !== 0 ? k : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function renderMermaid(graph: ArchitectureGraph): string {
    const lines = ["flowchart LR"];
    graph.accounts.forEach((group, index) => {
        lines.push(`    subgraph account${index}["${group.stacks.join(", ")} - account ${group.account}"]`);
        for (const node of graph.nodes.filter((n) => n.account === group.account).sort(compare))
            lines.push(`        ${node.id}${shape(node)}`);
        lines.push("    end");
    });
    const rank = new Map(graph.nodes.map((n) => [n.id, n]));
    const edges = [...graph.edges].sort((a, b) => {
        const byFrom = compare(rank.get(a.from) as GraphNode, rank.get(b.from) as GraphNode);
        return byFrom !== 0 ? byFrom : a.to < b.to ? -1 : a.to > b.to ? 1 : 0;
    });
    for (const e of edges) {
        const arrow = e.dotted ? "-.->" : "-->";
        lines.push(e.label ? `    ${e.from} ${arrow}|${e.label}| ${e.to}` : `    ${e.from} ${arrow} ${e.to}`);
    }
    return lines.join("\n");
}
