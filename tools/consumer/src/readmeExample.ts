// Every package README opens with an example written for a reader who saves it
// as `example.mjs` and runs `node example.mjs`. These helpers take it out of the
// README as it is written, and make the CommonJS twin a `require()` user runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The README's first example: its first code block that is not the ```sh
 * install line. It must be a ```js block (plain ES module JavaScript).
 */
export function readmeExample(packageDir: string): string {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const first = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].find((block) => block[1] !== 'sh');
  if (first === undefined) throw new Error(`${packageDir}/README.md has no example`);
  if (first[1] !== 'js') {
    throw new Error(
      `${packageDir}/README.md opens with a \`\`\`${first[1]} block: the first example must be plain JavaScript (\`\`\`js) that \`node example.mjs\` runs as written`,
    );
  }
  return first[2] as string;
}

const STATIC_IMPORT = /^import\s+(?:(\w+)|\{([^}]*)\}|\*\s+as\s+(\w+))\s+from\s+('[^']+');?$/gm;

/**
 * The same program as CommonJS: each static import becomes a `require()`, and
 * the body runs in an async function so its top-level `await`s still work.
 * Only the import forms the READMEs use are handled; anything else is refused.
 */
export function toCommonJs(esm: string): string {
  const requires: string[] = [];
  const body = esm.replace(STATIC_IMPORT, (_, def: string | undefined, named: string | undefined, ns, spec) => {
    if (def !== undefined) requires.push(`const ${def} = require(${spec});`);
    else if (ns !== undefined) requires.push(`const ${ns} = require(${spec});`);
    else {
      const names = (named as string)
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)
        .map((n) => n.replace(/\s+as\s+/, ': '));
      requires.push(`const { ${names.join(', ')} } = require(${spec});`);
    }
    return '';
  });
  if (/^\s*import\s/m.test(body)) throw new Error('toCommonJs: an import form it does not know is left');
  return `'use strict';\n${requires.join('\n')}\n(async () => {\n${body}\n})().catch((error) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n`;
}
