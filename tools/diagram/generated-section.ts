/**
 * Generated sections of hand-written Markdown: the text between
 * `<!-- BEGIN GENERATED <name> ... -->` and `<!-- END GENERATED <name> -->` belongs to a generator and is
 * replaced whole; everything around it is left as written.
 */

export const REGENERATE_COMMAND = "npm run diagram";

function markers(name: string): { begin: RegExp; end: string; beginLine: string } {
    return {
        begin: new RegExp(`<!-- BEGIN GENERATED ${name}\\b[^>]*-->`),
        end: `<!-- END GENERATED ${name} -->`,
        beginLine: `<!-- BEGIN GENERATED ${name}: do not edit, run \`${REGENERATE_COMMAND}\` -->`,
    };
}

/** The content between the markers of section `name`, or undefined when the file has no such section. */
export function readSection(text: string, name: string): string | undefined {
    const m = markers(name);
    const begin = m.begin.exec(text);
    if (!begin) return undefined;
    const start = begin.index + begin[0].length;
    const end = text.indexOf(m.end, start);
    if (end < 0) throw new Error(`section ${name}: "${m.end}" is missing`);
    return text.slice(start, end).replace(/^\n/, "").replace(/\n$/, "");
}

/** `text` with section `name` set to `content`; the section is appended when the file has none yet. */
export function writeSection(text: string, name: string, content: string): string {
    const m = markers(name);
    const block = `${m.beginLine}\n${content}\n${m.end}`;
    const begin = m.begin.exec(text);
    if (!begin) return `${text.replace(/\n*$/, "")}\n\n${block}\n`;
    const end = text.indexOf(m.end, begin.index);
    if (end < 0) throw new Error(`section ${name}: "${m.end}" is missing`);
    return text.slice(0, begin.index) + block + text.slice(end + m.end.length);
}
