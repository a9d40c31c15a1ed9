/**
 * Renders the reliability section of CONTRIBUTING.md from the figures the tests recorded
 * (test-output/reliability-{core,vscode,scan}.json), between
 * `<!-- reliability:start -->` and `<!-- reliability:end -->`; writes test-output/reliability.json.
 *
 *   npm run test:core && node out/test/vscode/run.js --only suite --setup out/test/vscode/setupWiki.js \
 *     --setup out/test/reliability/secretScan.js && node out/tools/reliability/figures.js
 *
 * Fails if a part is missing, so CONTRIBUTING.md never shows figures that were not measured.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { outputDir, repoRoot, type PartFigures } from '../../test/reliability/record';

function read(part: string): PartFigures {
  const file = path.join(outputDir, `reliability-${part}.json`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run the tests that record it first`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PartFigures;
}

export function render(): { markdown: string; summary: Record<string, unknown> } {
  const core = read('core');
  const vsc = read('vscode');
  const scan = read('scan');
  const faultNames = new Set(core.faults.map((f) => f.fault));
  const badInputs = [...core.badInputs, ...vsc.badInputs];
  const concurrent = core.concurrent;
  const held = Math.max(0, ...concurrent.filter((c) => c.failures === 0).map((c) => c.calls));
  const summary = {
    faultsTried: faultNames.size,
    faultCases: core.faults.length,
    badInputsTried: badInputs.length,
    concurrentCallsHeld: held,
    secretsFound: scan.secretScan?.hits ?? -1,
    secretsChecked: scan.secretScan?.secretsChecked ?? 0,
    filesScanned: scan.secretScan?.filesScanned ?? 0,
    recordedAt: { core: core.writtenAt, vscode: vsc.writtenAt, scan: scan.writtenAt },
  };
  const rows = core.faults.map((f) => `| ${f.fault} | ${f.method} | ${f.source} | ${f.attempts} | ${f.elapsedMs} | \`${f.code}\` |`);
  const conc = concurrent.map((c) => `| ${c.test} | ${c.calls} | ${c.relogins} | ${c.failures} |`);
  const markdown = [
    `Recorded by the test run of ${core.writtenAt.slice(0, 10)} (\`node out/tools/reliability/figures.js\`; not edited by hand).`,
    '',
    `- **Faults tried:** ${summary.faultsTried} kinds in ${summary.faultCases} cases (test/core/faults.test.ts), retry policy in the tests: 4 attempts, 3 s deadline, 400 ms request timeout.`,
    `- **Bad inputs tried:** ${summary.badInputsTried} (${core.badInputs.length} core, ${vsc.badInputs.length} in VS Code, each with stored state unchanged).`,
    `- **Concurrent calls held:** ${held} calls through a server-side session expiry with exactly one re-login and no failure (test/core/stress.test.ts).`,
    `- **Secrets found:** ${summary.secretsFound} (${summary.secretsChecked} secrets looked for in ${summary.filesScanned} files after the real-VS-Code run; only code-server's encrypted SecretStorage excluded).`,
    '',
    '| Fault | Method | Produced by | Attempts | ms | Caller gets |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    '| Stress | Calls | Re-logins / prompts | Failed calls |',
    '|---|---|---|---|',
    ...conc,
  ].join('\n');
  return { markdown, summary };
}

if (require.main === module) {
  const { markdown, summary } = render();
  fs.writeFileSync(path.join(outputDir, 'reliability.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const readme = path.join(repoRoot, 'CONTRIBUTING.md');
  let text = fs.readFileSync(readme, 'utf8');
  const start = '<!-- reliability:start -->';
  const end = '<!-- reliability:end -->';
  if (!text.includes(start)) text = `${text.trimEnd()}\n\n## Reliability figures\n\n${start}\n${end}\n`;
  const before = text.slice(0, text.indexOf(start) + start.length);
  const after = text.slice(text.indexOf(end));
  fs.writeFileSync(readme, `${before}\n${markdown}\n${after}`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
