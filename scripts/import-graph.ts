/**
 * The project's import graph by folder: domain, core/<part>, server, workers, launcher, client.
 * Every relative import of every source file counts (static, re-exports, dynamic `import()`,
 * `.vue` files included). `npm run graph` writes it into docs/architecture.md as a Mermaid
 * diagram; test/architecture.test.ts checks the layers and that the diagram is current.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LAYERS = ['domain', 'core', 'server', 'workers', 'launcher', 'client'] as const;
export type Layer = (typeof LAYERS)[number];

/** What each layer may import. Server and workers never import each other. */
export const ALLOWED: Record<Layer, readonly Layer[]> = {
  domain: ['domain'],
  core: ['domain', 'core'],
  server: ['domain', 'core', 'server'],
  workers: ['domain', 'core', 'workers'],
  launcher: ['domain', 'core', 'server', 'workers', 'launcher'],
  client: ['domain', 'client'],
};

const SOURCE = /\.(ts|vue)$/;
const SKIP = new Set(['node_modules', 'dist']);

/** One import as written: the importing file and the file it names, both relative to the root. */
export interface ImportEdge {
  from: string;
  to: string;
  spec: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = posix.join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : sourceFiles(path);
    return SOURCE.test(e.name) ? [path] : [];
  });
}

/** `from '…'`, `import '…'`, `import('…')` and `export … from '…'`: every module specifier. */
const SPECIFIER = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g;

export function importsOf(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = (m[1] ?? m[2])!;
    if (!spec.startsWith('.')) continue;
    const to = relative(ROOT, resolve(ROOT, dirname(file), spec))
      .split('\\')
      .join('/');
    edges.push({ from: file, to, spec });
  }
  return edges;
}

export function projectImports(): ImportEdge[] {
  return LAYERS.flatMap((layer) => sourceFiles(layer).flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8'))));
}

/** The top folder of a path (`core/kpi/x.ts` → `core`); a file outside the layers keeps its own top folder. */
export const layerOf = (path: string): string => path.split('/')[0]!;

/** The graph's node of a path: core is split into its parts (`core/kpi`, `core/config`). */
export function nodeOf(path: string): string {
  const [top, second] = path.split('/');
  if (top !== 'core' || !second) return top!;
  return `core/${second.replace(/\.(ts|js|vue)$/, '')}`;
}

/** Imports that cross the layers the wrong way, as `from → to` lines. */
export function layerViolations(edges: ImportEdge[]): string[] {
  return edges
    .filter((e) => {
      const from = layerOf(e.from) as Layer;
      return !(ALLOWED[from] as readonly string[]).includes(layerOf(e.to));
    })
    .map((e) => `${e.from} imports ${e.spec}`);
}

/** Import counts between distinct nodes, sorted by source then target. */
export function folderGraph(edges: ImportEdge[]): { from: string; to: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const e of edges) {
    const [from, to] = [nodeOf(e.from), nodeOf(e.to)];
    if (from !== to) counts.set(`${from} ${to}`, (counts.get(`${from} ${to}`) ?? 0) + 1);
  }
  return [...counts]
    .map(([k, count]) => {
      const [from, to] = k.split(' ') as [string, string];
      return { from, to, count };
    })
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

const id = (node: string) => node.replace(/\W/g, '_');

/** The graph as a Mermaid flowchart: arrows point at what is imported, labelled with the import count. */
export function mermaid(graph: { from: string; to: string; count: number }[]): string {
  const nodes = [...new Set(graph.flatMap((e) => [e.from, e.to]))].sort();
  const core = nodes.filter((n) => n.startsWith('core/'));
  const lines = ['```mermaid', 'flowchart TB'];
  for (const n of nodes.filter((n) => !n.startsWith('core/'))) lines.push(`  ${id(n)}[${n}]`);
  lines.push('  subgraph core');
  for (const n of core) lines.push(`    ${id(n)}[${n.slice('core/'.length)}]`);
  lines.push('  end');
  for (const e of graph) lines.push(`  ${id(e.from)} -->|${e.count}| ${id(e.to)}`);
  lines.push('```');
  return lines.join('\n');
}

export const DOC = 'docs/architecture.md';
export const START = '<!-- import-graph:start (npm run graph) -->';
export const END = '<!-- import-graph:end -->';

/** The document with its graph replaced by `diagram`. */
export function withGraph(doc: string, diagram: string): string {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${START} … ${END} markers`);
  return `${doc.slice(0, a + START.length)}\n${diagram}\n${doc.slice(b)}`;
}
