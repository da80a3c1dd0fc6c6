/**
 * The documentation's sample outputs are what the code prints now: every `<!-- output: … -->` block
 * of README.md and docs/*.md is run and compared, timings aside. A block marked `output(slow)` is
 * listed as skipped here (`npm run docs` still rewrites it; the review's is compared by the one
 * end-to-end review run, test/review/review.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { documentationPages } from '../../docs/build.ts';
import { BadBlock, blockIsCurrent, commandWords, findBlocks, masked, renderBlock, REPOSITORY_ROOT, runCommand } from '../../docs/outputBlocks.ts';

describe('docs: output blocks, found, rendered and compared timings aside', () => {
  const page = [
    'Intro.',
    '<!-- output: guillotine check --policy a.json -->',
    '```',
    '$ guillotine check --policy a.json  # exit 1',
    'old text',
    '```',
    '<!-- end output -->',
    'Between.',
    '<!-- output(slow): guillotine review -->',
    '```',
    '$ guillotine review',
    '```',
    '<!-- end output -->',
  ].join('\n');

  it('finds each block with its command, its line, whether it is slow, and exactly its text', () => {
    const blocks = findBlocks(page);
    assert.deepEqual(blocks.map((b) => [b.command, b.line, b.slow]), [['guillotine check --policy a.json', 2, false], ['guillotine review', 9, true]]);
    assert.ok(blocks[0]!.text.startsWith('<!-- output: guillotine check') && blocks[0]!.text.endsWith('<!-- end output -->'));
    assert.equal(page.slice(blocks[1]!.start, blocks[1]!.end), blocks[1]!.text);
  });

  it('takes a comment quoted inside a sentence for prose, not a block', () => {
    assert.deepEqual(findBlocks('Blocks sit between `<!-- output: guillotine … -->` and `<!-- end output -->`.\n'), []);
  });

  it('refuses a block without its closing comment, naming its line and the fix', () => {
    const broken = page.replace('<!-- end output -->\nBetween.', 'Between.');
    assert.throws(() => findBlocks(broken), (e: unknown) => e instanceof BadBlock && /^line 2: .* has no "<!-- end output -->" line before the next block; add one/.test(e.message));
  });

  it('renders a run as the prompt, the exit status when not 0, and the output; a rendered block reads back as itself', () => {
    const text = renderBlock({ command: 'guillotine check --policy a.json', code: 1, output: 'line 1\nline 2\n' }, false);
    assert.equal(text, '<!-- output: guillotine check --policy a.json -->\n```\n$ guillotine check --policy a.json  # exit 1\nline 1\nline 2\n```\n<!-- end output -->');
    assert.deepEqual(findBlocks(`x\n${text}\ny`).map((b) => b.text), [text]);
    assert.match(renderBlock({ command: 'guillotine review', code: 0, output: '' }, true), /^<!-- output\(slow\): guillotine review -->\n```\n\$ guillotine review\n```\n/);
    // Output holding a fence gets a longer one, so it cannot end the code block early.
    assert.match(renderBlock({ command: 'guillotine x', code: 0, output: 'a ``` b\n' }, false), /^<!-- output: guillotine x -->\n````\n/);
  });

  it('masks durations, dates and the column padding they change, but no count, verdict or percentage', () => {
    assert.equal(masked('2,496 states, 39,168 transitions, depth 23, 0.23s'), masked('2,496 states, 39,168 transitions, depth 23, 12.5s'));
    assert.equal(masked('│ check │ 0.16    │\n│ prove │ 1.09    │'), masked('│ check │ 10.16   │\n│ prove │ 1.1     │'));
    assert.equal(masked('in 1.42 s, (12 ms), measured 2026-11-24'), masked('in 0.4 s, (3 ms), measured 2027-01-02'));
    assert.equal(masked('Validated in 0.07s (374 records/s); 248,876 states/s'), masked('Validated in 0.11s (238 records/s); 1,002 states/s'));
    assert.equal(masked('┌──────┐'), masked('┌────────┐'));
    assert.notEqual(masked('2,496 states'), masked('2,497 states'));
    assert.notEqual(masked('attacker 97.9% conventional'), masked('attacker 97.8% conventional'));
    assert.notEqual(masked('│ irreversible-levels │ FAIL │'), masked('│ irreversible-levels │ PASS │'));
  });

  it('splits a command line into words, quotes grouping', () => {
    assert.deepEqual(commandWords(`guillotine replay --path 'propose:a1:severed,approve:a2' --policy "my policy.json" 2>&1`), ['guillotine', 'replay', '--path', 'propose:a1:severed,approve:a2', '--policy', 'my policy.json', '2>&1']);
  });

  it('runs guillotine in process, stderr only when asked with 2>&1, and refuses any other command', async () => {
    const bad = await runCommand('guillotine check --policy test/fixtures/policies/bad/quorum-larger-than-admins.json');
    assert.deepEqual([bad.code, bad.output], [2, '']);
    const told = await runCommand('guillotine check --policy test/fixtures/policies/bad/quorum-larger-than-admins.json 2>&1');
    assert.match(told.output, /^guillotine: bad policy: quorum\.escalate/);
    await assert.rejects(runCommand('rm -rf /'), (e: unknown) => e instanceof BadBlock && /a block runs "guillotine <args>" or "npm run <script>"/.test(e.message));
  });
});

describe('docs: every sample output in README.md and docs/*.md is what the code prints now (npm run docs rewrites them)', () => {
  for (const path of documentationPages()) {
    const name = relative(REPOSITORY_ROOT, path);
    for (const block of findBlocks(readFileSync(path, 'utf8'))) {
      const title = `${name}:${block.line}: ${block.command}`;
      if (block.slow) {
        it(`${title} (slow: npm run docs rewrites it)`);
        continue;
      }
      it(title, async () => {
        const run = await runCommand(block.command);
        assert.ok(blockIsCurrent(block, run), `${title} is stale; run \`npm run docs\` and review the diff. It prints now:\n${renderBlock(run, block.slow)}`);
      });
    }
  }
});
