/** docs/CLI.md is the README's command-line section (scripts/cli-doc.ts, npm run docs:cli). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLI_DOC, cliDoc } from '../../scripts/cli-doc';

describe('docs/CLI.md', () => {
  it("is the README's CLI section, headings one level up", () => {
    const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
    expect(readFileSync(CLI_DOC, 'utf8')).toBe(cliDoc(readme));
    expect(cliDoc('x\n<!-- cli:begin -->\n### A\ntext\n#### B\n<!-- cli:end -->\n')).toBe(
      '# EI Lab command line (`eilab`)\n\n## A\ntext\n### B\n',
    );
  });
});
