import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

/** The bundled portal: where its files are and the names of its script and stylesheet. */
export interface PortalAssets {
  dir: string;
  script: string;
  stylesheet: string;
}

const HERE = import.meta.dirname;
// Sources sit beside this file; compiled, this file lives under dist/api/portal and the sources are not shipped.
const ROOT = path.resolve(HERE, HERE.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
const ENTRY = path.join(ROOT, 'api/portal/app/main.tsx');
const OUT_DIR = path.join(ROOT, 'dist/portal');
const MANIFEST = path.join(OUT_DIR, 'manifest.json');

/** Bundles the portal (Preact TSX → one ES module and one stylesheet, content-hashed names) into dist/portal. */
export async function buildPortal(): Promise<PortalAssets> {
  await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    outdir: OUT_DIR,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const stylesheet = outputs.find((file) => file.endsWith('.css'));
  if (!script || !stylesheet) throw new Error(`portal build produced no script or stylesheet: ${outputs.join(', ')}`);
  const assets = { dir: OUT_DIR, script, stylesheet };
  await writeFile(MANIFEST, JSON.stringify({ script, stylesheet }));
  return assets;
}

let pending: Promise<PortalAssets> | undefined;

/**
 * The portal's assets: built from source once per process (development, tests), or the prebuilt bundle when the
 * sources are not there (the production image, which runs `npm run build`).
 */
export function portalAssets(): Promise<PortalAssets> {
  pending ??= existsSync(ENTRY)
    ? buildPortal()
    : readFile(MANIFEST, 'utf8').then((text) => ({ dir: OUT_DIR, ...(JSON.parse(text) as { script: string; stylesheet: string }) }));
  return pending;
}

if (process.argv[1] === import.meta.filename) {
  const assets = await buildPortal();
  console.log(`portal built into ${assets.dir}: ${assets.script}, ${assets.stylesheet}`);
}
