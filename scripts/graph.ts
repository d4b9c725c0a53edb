/** `npm run graph`: writes the folder-level import graph into docs/architecture.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOC, folderGraph, mermaid, projectImports, ROOT, withGraph } from './import-graph.js';

const path = join(ROOT, DOC);
const before = readFileSync(path, 'utf8');
const after = withGraph(before, mermaid(folderGraph(projectImports())));
if (after === before) console.log(`${DOC}: the import graph is up to date`);
else {
  writeFileSync(path, after);
  console.log(`${DOC}: import graph written`);
}
