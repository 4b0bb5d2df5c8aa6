// Drops what wasm-bindgen exports for the app's dependencies and no page uses.
//
// wasm-bindgen keeps every `#[wasm_bindgen]` export of every linked crate: an export is a
// root, so neither the linker nor wasm-opt may drop it. Leptos links server_fn, which links
// wasm-streams, whose three JS classes (`IntoUnderlyingSource`, `…Sink`, `…ByteSource`)
// bridge Rust streams to `ReadableStream`s: a client-side rendered app never makes one,
// and no code constructs them (wasm-bindgen would import a `__wrap` for that). Their
// classes, their methods in the wasm and the imports only those methods call cost about
// 2 KB of gzip on the first load.
//
// The glue's exported classes other than the app's public API (what boot.js and embed.js
// import, and the classes the API returns) are removed from the glue; the wasm exports only
// they called are removed from the wasm, whose then unreachable code wasm-opt removes
// (`--remove-unused-module-elements`); and the glue's import functions the wasm no longer
// imports go too. Every step checks itself: a dropped class still named in the glue, or a
// dropped export the remaining glue still calls, stops the build.

import * as acorn from 'acorn';

/** Top-level statements of `js` as an ESTree program. */
function parse(js) {
  return acorn.parse(js, { ecmaVersion: 'latest', sourceType: 'module' });
}

/** `js` without the source ranges `[start, end)` in `ranges`. */
function cut(js, ranges) {
  let out = '';
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    out += js.slice(at, start);
    at = end;
  }
  return out + js.slice(at);
}

/** The wasm exports the glue calls (`wasm.name`). */
export function wasmExportsUsed(js) {
  return new Set([...js.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
}

/** The name a top-level statement is about: the class it exports, the class whose prototype
 *  it patches (`if (Symbol.dispose) X.prototype[…] = …`) or the `XFinalization` it declares. */
function classOfStatement(node) {
  if (node.type === 'ExportNamedDeclaration' && node.declaration?.type === 'ClassDeclaration') {
    return node.declaration.id.name;
  }
  if (node.type === 'IfStatement') {
    const assigned = node.consequent.type === 'ExpressionStatement' ? node.consequent.expression : null;
    const target = assigned?.type === 'AssignmentExpression' ? assigned.left : null;
    const prototype = target?.type === 'MemberExpression' ? target.object : null;
    if (prototype?.type === 'MemberExpression' && prototype.property.name === 'prototype') {
      return prototype.object.name ?? null;
    }
  }
  if (node.type === 'VariableDeclaration' && node.declarations.length === 1) {
    const name = node.declarations[0].id.name ?? '';
    if (name.endsWith('Finalization')) return name.slice(0, -'Finalization'.length);
  }
  return null;
}

/**
 * The glue without its exported classes that are not in `api`, and the wasm exports that
 * only those classes called. Fails when a dropped class is still named in what is left.
 */
export function withoutUnusedClasses(js, api) {
  const program = parse(js);
  const dropped = new Set();
  for (const node of program.body) {
    const name = classOfStatement(node);
    if (node.type === 'ExportNamedDeclaration' && name && !api.has(name)) dropped.add(name);
  }
  const ranges = program.body
    .filter((node) => dropped.has(classOfStatement(node)))
    .map((node) => [node.start, node.end]);
  const pruned = cut(js, ranges);
  for (const name of dropped) {
    if (new RegExp(`\\b${name}\\b`).test(pruned)) {
      throw new Error(`the glue still uses the class ${name} it exports for no page`);
    }
  }
  const before = wasmExportsUsed(js);
  const after = wasmExportsUsed(pruned);
  const unusedExports = new Set([...before].filter((name) => !after.has(name)));
  return { js: pruned, classes: [...dropped], unusedExports };
}

/** The object literal `const import0 = { … }` that `__wbg_get_imports` fills. */
function importObject(program) {
  for (const node of program.body) {
    if (node.type !== 'FunctionDeclaration' || node.id.name !== '__wbg_get_imports') continue;
    for (const statement of node.body.body) {
      const declaration = statement.type === 'VariableDeclaration' ? statement.declarations[0] : null;
      if (declaration?.init?.type === 'ObjectExpression' && declaration.id.name === 'import0') {
        return declaration.init;
      }
    }
  }
  throw new Error('the glue has no import object (__wbg_get_imports, import0)');
}

/** The glue without the import functions whose names are not in `imported`, the names the
 *  wasm still imports; returns the glue and the names removed. */
export function withoutUnimportedFunctions(js, imported) {
  const properties = importObject(parse(js)).properties.filter(
    (p) => p.type === 'Property' && p.value.type === 'FunctionExpression',
  );
  const removed = properties.filter((p) => !imported.has(p.key.name ?? p.key.value));
  // Each property with the comma and line break after it.
  const ranges = removed.map((p) => {
    const comma = js.indexOf(',', p.end);
    return [p.start, comma >= 0 && /^\s*$/.test(js.slice(p.end, comma)) ? comma + 1 : p.end];
  });
  return { js: cut(js, ranges), removed: removed.map((p) => p.key.name ?? p.key.value) };
}
