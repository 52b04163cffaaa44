// Mermaid's own parser as a test oracle for cjm's `journey` output.
//
//   node parse-journey.mjs < diagram.mmd          one diagram -> JSON on stdout
//   node parse-journey.mjs --batch < texts.json   a JSON array of diagrams -> a JSON array
//
// One diagram: prints {"type", "title", "sections", "tasks": [{"section", "task",
// "score", "actors"}], "raw": {...}} or, when Mermaid refuses the text, prints
// the parse error on stderr and exits 1. In --batch mode every item is
// {"ok": true, ...} or {"ok": false, "error": "..."}, and the exit code is 0.
//
// "raw" is what Mermaid's journey database holds; the top-level strings are
// what a reader sees: Mermaid replaces entity codes such as `#58;` by
// placeholders before parsing and turns them back into `&#58;` in the SVG
// markup, which the browser shows as ':'. We undo the placeholders the same
// way (numeric codes, and named ones through the DOM).
//
// Mermaid needs a DOM even to parse (the title goes through DOMPurify), so a
// jsdom window is installed before mermaid is imported.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

function decodeNamed(name) {
  const area = dom.window.document.createElement('textarea');
  area.innerHTML = `&${name};`;
  return area.value;
}

// The inverse of mermaid's encodeEntities, as the browser ends up showing it.
function shown(text) {
  return String(text)
    .replace(/\uFB02\xB0\xB0\+?(\d+)\xB6\xDF/g, (_m, code) => String.fromCodePoint(Number(code)))
    .replace(/\uFB02\xB0(\w+)\xB6\xDF/g, (_m, name) => decodeNamed(name));
}

async function parseOne(text) {
  await mermaid.parse(text); // throws on a syntax error
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  if (diagram.type !== 'journey') {
    throw new Error(`not a journey diagram: ${diagram.type}`);
  }
  const db = diagram.db;
  const title = db.getDiagramTitle();
  const sections = [...db.getSections()];
  const tasks = db.getTasks().map((t) => ({ section: t.section, task: t.task, score: t.score, people: t.people }));
  return {
    type: diagram.type,
    title: shown(title),
    sections: sections.map(shown),
    tasks: tasks.map((t) => ({
      section: shown(t.section),
      task: shown(t.task),
      score: t.score,
      actors: t.people.map(shown),
    })),
    raw: { title, sections, tasks },
  };
}

const input = readFileSync(0, 'utf8');
if (process.argv.includes('--batch')) {
  const out = [];
  for (const text of JSON.parse(input)) {
    try {
      out.push({ ok: true, ...(await parseOne(text)) });
    } catch (error) {
      out.push({ ok: false, error: String(error?.message ?? error) });
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
} else {
  try {
    process.stdout.write(JSON.stringify(await parseOne(input)) + '\n');
  } catch (error) {
    process.stderr.write(`mermaid: ${error?.message ?? error}\n`);
    process.exit(1);
  }
}
