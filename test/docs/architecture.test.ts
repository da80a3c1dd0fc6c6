/**
 * docs/architecture.md draws the layers; this test holds the code to the drawing. Every import of
 * every product file is read (TypeScript's own pre-processor: static, re-exports, dynamic `import()`
 * and type imports alike), and an import that points up the layers, or sideways into a sibling
 * without a reason written down here, fails with the file, the line and the import.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { REPOSITORY_ROOT } from '../../docs/outputBlocks.ts';

/** The layers, lowest first: a file may import its own folder and any folder of a lower tier. */
const TIERS: readonly (readonly string[])[] = [
  ['spec'],
  ['machines'],
  ['properties'],
  ['checker', 'proofs', 'testgen', 'export', 'simulator', 'validate'],
  ['review', 'viz'],
  ['cli'],
];

/** Imports between siblings of one tier, each with the reason it is not a layering fault. */
const SIDEWAYS: Readonly<Record<string, string>> = {
  'simulator -> proofs': "the simulated hypervisor runs the very checks (proofs/checks/) that Z3 proves over all 64-bit values: one definition of each check, run concretely and proved symbolically",
  'viz -> review': "the report page draws the review's stages: viz sits on top of review, which never imports viz",
};

/** Folders beside the layers: they may import anything, and no product file may import them. */
const TOOLS: readonly string[] = ['bench', 'bin', 'docs', 'mutation', 'test', 'node_modules'];

const tierOf = new Map(TIERS.flatMap((folders, tier) => folders.map((f) => [f, tier] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** The repository's top folder a path lies in, or undefined outside it. */
function topFolder(path: string): string | undefined {
  const rel = relative(REPOSITORY_ROOT, path);
  if (rel.startsWith('..') || !rel.includes(sep)) return undefined;
  return rel.split(sep)[0];
}

interface ImportEdge {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly from: string;
  readonly to: string;
}

/** Every relative import of a file that leaves its folder, with its line. */
function importsLeaving(file: string): ImportEdge[] {
  const source = readFileSync(file, 'utf8');
  const from = topFolder(file)!;
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.flatMap((ref) => {
    if (!ref.fileName.startsWith('.')) return [];
    const to = topFolder(resolve(dirname(file), ref.fileName));
    if (to === undefined || to === from) return [];
    const line = source.slice(0, ref.pos).split('\n').length;
    return [{ file: relative(REPOSITORY_ROOT, file), line, specifier: ref.fileName, from, to }];
  });
}

/** Why an import breaks the layering, or null when it is allowed. */
function fault(edge: ImportEdge): string | null {
  const from = tierOf.get(edge.from)!;
  if (TOOLS.includes(edge.to)) return `a product file imports ${edge.to}/, which is a tool beside the layers`;
  const to = tierOf.get(edge.to);
  if (to === undefined) return `${edge.to}/ is in no layer`;
  if (to > from) return `${edge.from}/ imports ${edge.to}/, a layer above it`;
  if (to === from && SIDEWAYS[`${edge.from} -> ${edge.to}`] === undefined) return `${edge.from}/ imports its sibling ${edge.to}/ (same layer) without a reason in SIDEWAYS`;
  return null;
}

describe('docs/architecture: the imports point one way, down the layers the page draws', () => {
  // The repository's folders, not what runs leave beside them (Stryker's reports/, node_modules/): what git ignores is not placed.
  const ignored = new Set(readFileSync(join(REPOSITORY_ROOT, '.gitignore'), 'utf8').split('\n').flatMap((line) => (/^[\w.-]+\/$/.test(line.trim()) ? [line.trim().slice(0, -1)] : [])));
  const folders = readdirSync(REPOSITORY_ROOT).filter((name) => !name.startsWith('.') && !ignored.has(name) && statSync(join(REPOSITORY_ROOT, name)).isDirectory());

  it('places every folder of the repository in a layer or among the tools', () => {
    const unplaced = folders.filter((f) => !tierOf.has(f) && !TOOLS.includes(f));
    assert.deepEqual(unplaced, [], 'a new folder must be given a layer here and in docs/architecture.md');
  });

  it('names every layer folder in docs/architecture.md', () => {
    const page = readFileSync(join(REPOSITORY_ROOT, 'docs', 'architecture.md'), 'utf8');
    const missing = [...tierOf.keys()].filter((f) => !page.includes(`${f}/`));
    assert.deepEqual(missing, []);
  });

  it('names only files and folders that exist, so the page cannot point at a moved one', () => {
    const page = readFileSync(join(REPOSITORY_ROOT, 'docs', 'architecture.md'), 'utf8');
    const paths = [...page.matchAll(/`([a-z]+\/[\w./]*)`/g)].map((m) => m[1]!);
    assert.ok(paths.length > 20, `the page names ${paths.length} paths`);
    assert.deepEqual(paths.filter((p) => !existsSync(join(REPOSITORY_ROOT, p))), []);
  });

  it('finds no product import that points up a layer, sideways without a reason, or into a tool', () => {
    const edges = [...tierOf.keys()].flatMap((f) => sourceFiles(join(REPOSITORY_ROOT, f))).flatMap(importsLeaving);
    // The reader itself is tested by the edges it must see: the CLI's imports of every layer.
    assert.ok(edges.some((e) => e.from === 'cli' && e.to === 'checker'), 'the import reader finds the CLI importing the checker');
    const faults = edges.flatMap((e) => {
      const why = fault(e);
      return why === null ? [] : [`${e.file}:${e.line}: import '${e.specifier}': ${why}`];
    });
    assert.deepEqual(faults, []);
  });

  it('keeps every sideways exception in use, so a stale one is deleted', () => {
    const edges = [...tierOf.keys()].flatMap((f) => sourceFiles(join(REPOSITORY_ROOT, f))).flatMap(importsLeaving);
    const used = new Set(edges.map((e) => `${e.from} -> ${e.to}`));
    assert.deepEqual(Object.keys(SIDEWAYS).filter((k) => !used.has(k)), []);
  });

  it('judges an upward, a sideways and a tool import as faults, naming the layers', () => {
    const edge = (from: string, to: string): ImportEdge => ({ file: `${from}/x.ts`, line: 1, specifier: `../${to}/y.ts`, from, to });
    assert.match(fault(edge('machines', 'properties'))!, /machines\/ imports properties\/, a layer above it/);
    assert.match(fault(edge('simulator', 'testgen'))!, /imports its sibling testgen\//);
    assert.match(fault(edge('checker', 'test'))!, /imports test\/, which is a tool/);
    assert.equal(fault(edge('simulator', 'proofs')), null);
    assert.equal(fault(edge('cli', 'spec')), null);
  });
});
