// Tests of prune-exports.mjs and wasm-binary.mjs's withoutExports (run by scripts/test.sh
// before the release build uses them): a glue in wasm-bindgen's shape loses the class no
// page uses, the wasm loses the exports and then the code and import only that class
// reached, and what is left still runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';
import { wasmExportsUsed, withoutUnimportedFunctions, withoutUnusedClasses } from './prune-exports.mjs';
import { withoutExports } from './wasm-binary.mjs';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules', '.bin');

/** A glue as wasm-bindgen writes it: an import object, a public class and function, and a
 *  dependency's class with its finalizer and dispose hook. */
const GLUE = `
export class Stream {
    __destroy_into_raw() { const ptr = this.__wbg_ptr; this.__wbg_ptr = 0; StreamFinalization.unregister(this); return ptr; }
    free() { const ptr = this.__destroy_into_raw(); wasm.__wbg_stream_free(ptr, 0); }
    pull(x) { return wasm.stream_pull(this.__wbg_ptr, x); }
}
if (Symbol.dispose) Stream.prototype[Symbol.dispose] = Stream.prototype.free;

export class Handle {
    free() { wasm.__wbg_handle_free(this.__wbg_ptr, 0); }
    unmount() { wasm.handle_unmount(this.__wbg_ptr); }
}
if (Symbol.dispose) Handle.prototype[Symbol.dispose] = Handle.prototype.free;

export function mount(x) { return wasm.mount(x); }

function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_log_1: function(arg0) {
            return arg0 + 1;
        },
        __wbg_enqueue_2: function(arg0) {
            return arg0 * 2;
        },
    };
    return { "./glue.js": import0 };
}
const StreamFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_stream_free(ptr, 1));
let wasm;
export { __wbg_get_imports };
`;

test('exported classes outside the API go, with the wasm exports only they called', () => {
  const { js, classes, unusedExports } = withoutUnusedClasses(GLUE, new Set(['Handle']));
  assert.deepEqual(classes, ['Stream']);
  assert.deepEqual([...unusedExports].sort(), ['__wbg_stream_free', 'stream_pull']);
  assert.doesNotMatch(js, /\bStream\b/);
  assert.match(js, /export class Handle/);
  assert.match(js, /Handle\.prototype\[Symbol\.dispose\]/);
  assert.deepEqual([...wasmExportsUsed(js)].sort(), ['__wbg_handle_free', 'handle_unmount', 'mount']);
  acorn.parse(js, { ecmaVersion: 'latest', sourceType: 'module' });
});

test('a dropped class the glue still uses stops the build', () => {
  const uses = `${GLUE}\nexport function make() { return new Stream(); }\n`;
  assert.throws(() => withoutUnusedClasses(uses, new Set(['Handle'])), /still uses the class Stream/);
});

test('import functions the wasm no longer imports go, the others stay', () => {
  const { js, removed } = withoutUnimportedFunctions(GLUE, new Set(['__wbg_log_1']));
  assert.deepEqual(removed, ['__wbg_enqueue_2']);
  assert.doesNotMatch(js, /enqueue/);
  assert.match(js, /__wbg_log_1: function\(arg0\)/);
  acorn.parse(js, { ecmaVersion: 'latest', sourceType: 'module' });
});

test('the wasm without the exports loses their code and imports, and the rest still runs', async () => {
  const wat = `(module
    (import "./glue.js" "__wbg_log_1" (func $log (param i32) (result i32)))
    (import "./glue.js" "__wbg_enqueue_2" (func $enqueue (param i32) (result i32)))
    (func $pull (export "stream_pull") (param i32 i32) (result i32)
      (call $enqueue (i32.add (local.get 0) (local.get 1))))
    (func (export "__wbg_stream_free") (param i32 i32))
    (func (export "mount") (param i32) (result i32) (call $log (i32.mul (local.get 0) (i32.const 3)))))`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prune-exports-'));
  try {
    const watPath = path.join(dir, 'm.wat');
    const original = path.join(dir, 'm.wasm');
    const pruned = path.join(dir, 'pruned.wasm');
    fs.writeFileSync(watPath, wat);
    execFileSync(path.join(bin, 'wasm-as'), [watPath, '-o', original]);
    fs.writeFileSync(pruned, withoutExports(fs.readFileSync(original), new Set(['stream_pull', '__wbg_stream_free'])));
    execFileSync(path.join(bin, 'wasm-opt'), [pruned, '--remove-unused-module-elements', '-o', pruned]);

    const module = new WebAssembly.Module(fs.readFileSync(pruned));
    assert.deepEqual(WebAssembly.Module.exports(module).map((e) => e.name), ['mount']);
    assert.deepEqual(WebAssembly.Module.imports(module).map((i) => i.name), ['__wbg_log_1']);
    const { exports } = await WebAssembly.instantiate(module, { './glue.js': { __wbg_log_1: (x) => x + 1 } });
    assert.equal(exports.mount(5), 16);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
