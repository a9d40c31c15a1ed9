// Bundles the extension with esbuild: one file, `vscode` left external.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const production = process.argv.includes('--production');
// No stale source map may outlive a production build (it would end up in the .vsix).
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});
