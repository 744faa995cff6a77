/**
 * Every regular expression in the repository's sources (the packages' `src`, and the examples,
 * scripts and benchmarks: everything but tests, dependencies and build output), found with the
 * TypeScript parser, which reads JavaScript too: literals,
 * and `new RegExp(…)` / `RegExp(…)` whose arguments fold to constant strings (string and template
 * literals, `+`, and `const` names of the same file). A pattern built at run time from anything
 * else cannot be checked statically and is reported as such.
 */
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface FoundPattern {
  /** `packages/core/src/message/address.ts:63`. */
  readonly where: string;
  readonly source: string;
  readonly flags: string;
}

export interface UncheckablePattern {
  readonly where: string;
  readonly text: string;
}

const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js)$/;
/** Folders that hold no source of ours: dependencies, build output, tests and their fixtures. */
const NOT_SOURCE = new Set(['node_modules', 'dist', 'coverage', 'test', 'tests', '__tests__', 'fixtures']);

function sourceFiles(directory: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory())
      return NOT_SOURCE.has(entry.name) || entry.name.startsWith('.') ? [] : sourceFiles(path);
    const source = SOURCE_FILE.test(entry.name) && !/\.d\.[cm]?ts$|\.test\.[cm]?[jt]s$/.test(entry.name);
    return source ? [path] : [];
  });
}

/** The source folders: each package's `src`, and the examples, scripts and benchmarks. */
export function sourceRoots(root: string): string[] {
  const packages = join(root, 'packages');
  return [
    ...readdirSync(packages).map((name) => join(packages, name, 'src')),
    join(root, 'examples'),
    join(root, 'scripts'),
    join(root, 'bench'),
  ];
}

/** The constant string `node` stands for, or undefined when it is not one. */
function fold(node: ts.Node, constants: ReadonlyMap<string, ts.Expression>, depth = 0): string | undefined {
  if (depth > 20) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return fold(node.expression, constants, depth + 1);
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const value = fold(span.expression, constants, depth + 1);
      if (value === undefined) return undefined;
      text += value + span.literal.text;
    }
    return text;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = fold(node.left, constants, depth + 1);
    const right = fold(node.right, constants, depth + 1);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if (ts.isIdentifier(node)) {
    const initializer = constants.get(node.text);
    return initializer ? fold(initializer, constants, depth + 1) : undefined;
  }
  return undefined;
}

/** The patterns of every source file under `sourceRoots(root)`, named relative to `root`. */
export function findSourcePatterns(root: string): {
  found: FoundPattern[];
  uncheckable: UncheckablePattern[];
} {
  const found: FoundPattern[] = [];
  const uncheckable: UncheckablePattern[] = [];
  for (const sourceRoot of sourceRoots(root)) {
    for (const file of sourceFiles(sourceRoot)) {
      const text = readFileSync(file, 'utf8');
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const constants = new Map<string, ts.Expression>();
      const where = (node: ts.Node) =>
        `${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      const collectConstants = (node: ts.Node): void => {
        if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.Const) !== 0) {
          for (const declaration of node.declarations) {
            if (ts.isIdentifier(declaration.name) && declaration.initializer) {
              constants.set(declaration.name.text, declaration.initializer);
            }
          }
        }
        ts.forEachChild(node, collectConstants);
      };
      collectConstants(source);
      const visit = (node: ts.Node): void => {
        if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
          const literal = node.getText(source);
          const end = literal.lastIndexOf('/');
          found.push({ where: where(node), source: literal.slice(1, end), flags: literal.slice(end + 1) });
        } else if (
          (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
          ts.isIdentifier(node.expression) &&
          node.expression.text === 'RegExp'
        ) {
          const [pattern, flags] = node.arguments ?? [];
          const patternText = pattern ? fold(pattern, constants) : undefined;
          const flagsText = flags ? fold(flags, constants) : '';
          if (patternText === undefined || flagsText === undefined) {
            uncheckable.push({ where: where(node), text: node.getText(source).slice(0, 120) });
          } else {
            found.push({ where: where(node), source: patternText, flags: flagsText });
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return { found, uncheckable };
}
