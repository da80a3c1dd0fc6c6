/**
 * Parses TLA+ text with tree-sitter-tlaplus (WebAssembly, no Java needed): the syntax errors it
 * finds (ERROR and MISSING nodes, with their positions) and the operators the module defines at
 * its top level, so a TLC configuration can be checked to name only what exists.
 *
 * Known limit: this is a parser, not SANY: it catches syntax, not level or scope errors (an
 * undefined identifier in an expression parses fine).
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

export interface TlaSyntaxError {
  readonly kind: 'ERROR' | 'MISSING';
  /** One-based line and column. */
  readonly line: number;
  readonly column: number;
  /** The text at the error (cut to 80 characters), or for MISSING what the parser expected. */
  readonly text: string;
}

export interface TlaParse {
  readonly errors: readonly TlaSyntaxError[];
  /** Names of the module's top-level operator definitions, in order. */
  readonly definitions: readonly string[];
  /** The module's name, when the parser found one. */
  readonly module: string | null;
}

let parser: Promise<Parser> | undefined;

/** One parser per process: loading the grammar's WebAssembly takes a moment. */
function tlaParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const wasm = require.resolve('@tlaplus/tree-sitter-tlaplus/tree-sitter-tlaplus.wasm');
    const p = new Parser();
    p.setLanguage(await Language.load(wasm));
    return p;
  })();
  return parser;
}

/** Parses a TLA+ module's text. */
export async function parseTla(source: string): Promise<TlaParse> {
  const tree = (await tlaParser()).parse(source);
  if (tree === null) throw new Error('tree-sitter returned no tree for the TLA+ text');
  const errors: TlaSyntaxError[] = [];
  const visit = (node: Node) => {
    if (node.isError || node.isMissing) {
      errors.push({
        kind: node.isMissing ? 'MISSING' : 'ERROR',
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        text: node.isMissing ? node.type : node.text.slice(0, 80),
      });
    }
    if (node.hasError || node.isMissing) for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  const moduleNode = tree.rootNode.descendantsOfType('module')[0] ?? null;
  const definitions: string[] = [];
  for (const child of moduleNode?.namedChildren ?? []) {
    if (child?.type !== 'operator_definition' && child?.type !== 'function_definition') continue;
    const name = child.childForFieldName('name');
    if (name) definitions.push(name.text);
  }
  const name = moduleNode?.childForFieldName('name')?.text ?? null;
  tree.delete();
  return { errors, definitions, module: name };
}

/**
 * The names a TLC configuration refers to (after SPECIFICATION, INIT, NEXT, INVARIANT(S),
 * PROPERTY/PROPERTIES, CONSTRAINT(S), ACTION_CONSTRAINT(S), SYMMETRY, VIEW).
 */
export function configNames(cfg: string): string[] {
  const KEYWORDS = /^(SPECIFICATION|INIT|NEXT|INVARIANTS?|PROPERTY|PROPERTIES|CONSTRAINTS?|ACTION_CONSTRAINTS?|SYMMETRY|VIEW)$/;
  const names: string[] = [];
  let collecting = false;
  for (const token of cfg.replace(/\\\*.*$/gm, '').split(/\s+/).filter(Boolean)) {
    if (/^[A-Z_]+$/.test(token) && /^(SPECIFICATION|INIT|NEXT|INVARIANTS?|PROPERTY|PROPERTIES|CONSTRAINTS?|ACTION_CONSTRAINTS?|SYMMETRY|VIEW|CHECK_DEADLOCK|CONSTANTS?|POSTCONDITION|ALIAS)$/.test(token)) {
      collecting = KEYWORDS.test(token);
      continue;
    }
    if (collecting) names.push(token);
  }
  return names;
}
