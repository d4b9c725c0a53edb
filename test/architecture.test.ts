// The layers hold: server and workers never import each other, core stands on domain alone,
// domain on nothing, the client on domain; and docs/architecture.md shows the current graph.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DOC,
  folderGraph,
  importsOf,
  layerViolations,
  mermaid,
  projectImports,
  ROOT,
  withGraph,
} from '../scripts/import-graph.js';

describe('import graph', () => {
  it('reads static, type-only, re-exported, side-effect and dynamic imports, skipping packages', () => {
    const text = [
      "import { a } from '../../core/config.js';",
      "import type {\n  B,\n} from '../deps.js';",
      "export { c } from './c.js';",
      "import './side.css';",
      "const Chart = defineAsyncComponent(() => import('./Chart.vue'));",
      "import express from 'express';",
    ].join('\n');
    expect(importsOf('server/routes/x.ts', text).map((e) => e.to)).toEqual([
      'core/config.js',
      'server/deps.js',
      'server/routes/c.js',
      'server/routes/side.css',
      'server/routes/Chart.vue',
    ]);
  });

  it('names each import that crosses the layers the wrong way, and only those', () => {
    const edges = [
      ...importsOf('server/routes/x.ts', "const w = await import('../../workers/index.js');"),
      ...importsOf('server/app.ts', "import { runDemo } from '../launcher/demo/feed.js';"),
      ...importsOf('workers/index.ts', "import type { AppDeps } from '../server/deps.js';"),
      ...importsOf('core/kpi/snapshot.ts', "import { x } from '../../server/live/rooms.js';"),
      ...importsOf('domain/kpis.ts', "import { keys } from '../core/redis/keys.js';"),
      ...importsOf('client/src/components/X.vue', "import { config } from '../../../core/config.js';"),
      // Allowed: each layer on itself and below, the launcher on both roles.
      ...importsOf('server/app.ts', "import { k } from '../core/redis/keys.js'; import { e } from '../domain/events.js';"),
      ...importsOf('workers/index.ts', "import { c } from '../core/config.js';"),
      ...importsOf('core/kpi/snapshot.ts', "import { r } from '../redis/keys.js';"),
      ...importsOf('client/src/App.vue', "import { p } from '../../domain/protocol.js';"),
      ...importsOf('launcher/pulse.ts', "import { a } from '../server/app.js'; import { w } from '../workers/index.js';"),
    ];
    expect(layerViolations(edges)).toEqual([
      'server/routes/x.ts imports ../../workers/index.js',
      'server/app.ts imports ../launcher/demo/feed.js',
      'workers/index.ts imports ../server/deps.js',
      'core/kpi/snapshot.ts imports ../../server/live/rooms.js',
      'domain/kpis.ts imports ../core/redis/keys.js',
      'client/src/components/X.vue imports ../../../core/config.js',
    ]);
  });

  it('counts imports between folders, core split into its parts, imports within a folder left out', () => {
    const edges = [
      ...importsOf('server/a.ts', "import '../core/kpi/x.js'; import '../core/kpi/y.js'; import './b.js';"),
      ...importsOf('server/b.ts', "import '../core/config.js'; import '../domain/events.js';"),
      ...importsOf('core/kpi/x.ts', "import '../redis/keys.js'; import './y.js';"),
    ];
    expect(folderGraph(edges)).toEqual([
      { from: 'core/kpi', to: 'core/redis', count: 1 },
      { from: 'server', to: 'core/config', count: 1 },
      { from: 'server', to: 'core/kpi', count: 2 },
      { from: 'server', to: 'domain', count: 1 },
    ]);
  });

  it('no import in the project crosses the layers', () => {
    const edges = projectImports();
    // The scan really reads the project: the server's routes reach core, the client's pages domain.
    expect(edges.some((e) => e.from.startsWith('server/routes/') && e.to.startsWith('core/jobs/'))).toBe(true);
    expect(edges.some((e) => e.from.endsWith('.vue') && e.to.startsWith('domain/'))).toBe(true);
    expect(layerViolations(edges)).toEqual([]);
  });

  it('docs/architecture.md shows the current graph (npm run graph writes it)', () => {
    const doc = readFileSync(join(ROOT, DOC), 'utf8');
    expect(withGraph(doc, mermaid(folderGraph(projectImports())))).toBe(doc);
  });
});
