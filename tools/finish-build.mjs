// trunk post_build hook (Trunk.toml): shrinks what the browser loads first, in the staging
// directory, before trunk moves it to dist/. Release builds only; debug builds stay readable.
//
// 1. Exports no page uses (prune-exports.mjs): the JS classes wasm-bindgen exports for
//    dependencies (wasm-streams, through Leptos's server_fn), the wasm code only they call
//    and the imports only that code makes.
// 2. Names across the wasm/JS boundary. wasm-bindgen names every import and export with a
//    hash (`__wbg_addEventListener_0123456789abcdef`), written once in the wasm and once in
//    the JS glue: about 200 of them, incompressible hex. binaryen's
//    `--minify-imports-and-exports-and-modules` pass (the one emscripten uses for this) gives
//    them short names and prints the mapping; the same mapping is applied to the glue.
//    The same wasm-opt run orders the functions so that gzip finds more repeats
//    (order-functions.mjs): about 10 KB less.
// 3. terser minifies the glue (trunk's own minifier gives up on it) and boot.js/embed.js.
// 4. Every file the browser loads gets its gzip (-9) and brotli (quality 11) copy beside it
//    (`main.css.gz`, `main.css.br`): protocol-server and static hosts that look for them
//    (nginx `gzip_static`, Caddy `precompressed`) send them as they are, compressed once at
//    the best level instead of at every request. Not config.json, which operators edit.
//
// Every step checks what it rewrote: a name the glue uses that the mapping lacks, or a
// mapping the glue does not use, stops the build instead of shipping a broken app.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { minify } from 'terser';
import { nameInSimilarityOrder } from './order-functions.mjs';
import { withoutUnimportedFunctions, withoutUnusedClasses } from './prune-exports.mjs';
import { withoutExports } from './wasm-binary.mjs';

const GLUE = 'protocol-chat.js';
const WASM = 'protocol-chat_bg.wasm';
const SCRIPTS = ['boot.js', 'embed.js'];
// The classes the glue hands to pages: `mount_widget` (embed.js) returns a WidgetHandle.
const PUBLIC_CLASSES = new Set(['WidgetHandle']);
// The wasm features the Rust toolchain emits (wasm-opt must accept them to rewrite the file).
const FEATURES = [
  '--enable-bulk-memory',
  '--enable-reference-types',
  '--enable-multivalue',
  '--enable-sign-ext',
  '--enable-nontrapping-float-to-int',
  '--enable-mutable-globals',
];

// What gets compressed copies (README "Deploy"): everything loaded as text or wasm.
const COMPRESSED = /\.(html|js|css|wasm|svg)$/;

function fail(message) {
  console.error(`finish-build: ${message}`);
  process.exit(1);
}

/** Removes what nothing reaches any more, renames the imports and exports of the wasm and
 *  orders its functions for gzip (order-functions.mjs); returns binaryen's mapping of the
 *  names that are left. */
function minifyAndOrderWasm(wasmPath) {
  fs.writeFileSync(wasmPath, nameInSimilarityOrder(fs.readFileSync(wasmPath)));
  const out = execFileSync(
    'wasm-opt',
    [
      wasmPath,
      '--remove-unused-module-elements',
      '--minify-imports-and-exports-and-modules',
      '--reorder-functions-by-name',
      ...FEATURES,
      '-o',
      wasmPath,
    ],
    { encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  const start = out.indexOf('{');
  if (start < 0) fail('wasm-opt printed no mapping');
  return JSON.parse(out.slice(start));
}

/** The one module the minified wasm imports from. */
function importModule(wasmPath) {
  const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
  const names = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
  if (names.size !== 1) fail('the minified wasm imports from more than one module');
  return [...names][0];
}

/** Applies the mapping to the glue: the import object's keys, `wasm.<export>` uses and the
 *  import module's name. */
function renameInGlue(js, mapping, shortModule) {
  const imports = new Map(mapping.imports.map(([, name, short]) => [name, short]));
  const modules = new Set(mapping.imports.map(([module]) => module));
  const exports = new Map(mapping.exports);
  if (modules.size !== 1) fail(`expected one import module, found ${[...modules].join(', ')}`);
  const [module] = modules;

  const usedImports = new Set();
  js = js.replace(/^(\s+)([A-Za-z_$][\w$]*)(: function\()/gm, (all, indent, name, rest) => {
    if (!imports.has(name)) return all;
    usedImports.add(name);
    return indent + imports.get(name) + rest;
  });
  js = js.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (all, name) => {
    if (!exports.has(name)) fail(`the glue uses wasm.${name}, which the wasm does not export`);
    return `wasm.${exports.get(name)}`;
  });
  const moduleKey = `${JSON.stringify(module)}:`;
  if (js.split(moduleKey).length !== 2) fail(`the glue names the import module ${module} not exactly once`);
  js = js.replace(moduleKey, `${JSON.stringify(shortModule)}:`);

  const missing = [...imports.keys()].filter((name) => !usedImports.has(name));
  if (missing.length) fail(`the glue defines no function for ${missing.slice(0, 5).join(', ')}`);
  return js;
}

async function minifyScript(file) {
  const source = fs.readFileSync(file, 'utf8');
  const result = await minify(source, {
    module: true,
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  if (typeof result.code !== 'string' || !result.code) fail(`terser produced nothing for ${file}`);
  fs.writeFileSync(file, result.code);
}

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) fail('TRUNK_STAGING_DIR is not set: run this as a trunk hook');
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const wasmPath = path.join(staging, WASM);
const gluePath = path.join(staging, GLUE);
const pruned = withoutUnusedClasses(fs.readFileSync(gluePath, 'utf8'), PUBLIC_CLASSES);
fs.writeFileSync(wasmPath, withoutExports(fs.readFileSync(wasmPath), pruned.unusedExports));
const mapping = minifyAndOrderWasm(wasmPath);
const imported = new Set(mapping.imports.map(([, name]) => name));
const unimported = withoutUnimportedFunctions(pruned.js, imported);
console.log(
  `finish-build: dropped the classes ${pruned.classes.join(', ') || '(none)'}, ` +
    `${pruned.unusedExports.size} wasm exports and ${unimported.removed.length} imports only they used`,
);
const glue = renameInGlue(unimported.js, mapping, importModule(wasmPath));
fs.writeFileSync(gluePath, glue);
for (const file of [GLUE, ...SCRIPTS]) {
  const full = path.join(staging, file);
  if (fs.existsSync(full)) await minifyScript(full);
}

/** Writes the gzip and brotli copies of every file in `dir` that COMPRESSED names. */
function writeCompressedCopies(dir) {
  for (const name of fs.readdirSync(dir)) {
    if (!COMPRESSED.test(name)) continue;
    const body = fs.readFileSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, `${name}.gz`), zlib.gzipSync(body, { level: 9 }));
    const brotli = zlib.brotliCompressSync(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
    fs.writeFileSync(path.join(dir, `${name}.br`), brotli);
  }
}

writeCompressedCopies(staging);
