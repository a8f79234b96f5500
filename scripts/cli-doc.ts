/**
 * docs/CLI.md is the README's command-line section (between the `cli:begin` and `cli:end`
 * markers) as a document of its own: the same text, headings one level up, under a title.
 *
 *   npm run docs:cli             write docs/CLI.md from the README
 *   npm run docs:cli -- --check  exit 1 if docs/CLI.md is not what the README gives
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
export const CLI_DOC = resolve(ROOT, 'docs/CLI.md');

/** docs/CLI.md's text from the README's text. */
export function cliDoc(readme: string): string {
  const begin = readme.search(/^<!-- cli:begin.*-->$/m);
  const end = readme.search(/^<!-- cli:end -->$/m);
  if (begin < 0 || end < begin) throw new Error('README.md has no cli:begin … cli:end block');
  const body = readme
    .slice(readme.indexOf('\n', begin) + 1, end)
    .replace(/^(#{2,6}) /gm, (_, h: string) => `${h.slice(1)} `)
    .trim();
  return `# EI Lab command line (\`eilab\`)\n\n${body}\n`;
}

if (process.argv[1] && basename(process.argv[1]).startsWith('cli-doc')) {
  const want = cliDoc(readFileSync(resolve(ROOT, 'README.md'), 'utf8'));
  if (process.argv.includes('--check')) {
    const ok = readFileSync(CLI_DOC, 'utf8') === want;
    if (!ok) console.error("docs/CLI.md is not the README's CLI section: run npm run docs:cli");
    process.exit(ok ? 0 : 1);
  }
  writeFileSync(CLI_DOC, want);
  console.log('wrote docs/CLI.md');
}
