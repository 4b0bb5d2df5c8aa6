// Tests of order-functions.mjs (run by scripts/test.sh before the release build uses it):
// the order is a permutation that puts near-copies side by side, and the module binaryen
// reorders from it is valid and computes what the original computed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nameInSimilarityOrder, similarityOrder } from './order-functions.mjs';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules', '.bin');

/** A function body of `n` bytes of one repeating pattern. */
const body = (pattern, n) => Buffer.from(Array.from({ length: n }, (_, i) => pattern[i % pattern.length]));

test('the order is a permutation that places near-copies side by side', () => {
  const a = body([1, 2, 3, 4, 5, 6, 7, 8, 9], 120);
  const b = body([40, 41, 42, 43, 44, 45, 46], 120);
  const bodies = [a, b, Buffer.concat([a, Buffer.from([99])]), Buffer.concat([b, Buffer.from([98])])];
  const order = similarityOrder(bodies);
  assert.deepEqual([...order].sort(), [0, 1, 2, 3]);
  const at = (f) => order.indexOf(f);
  assert.equal(Math.abs(at(0) - at(2)), 1, `the two copies of a are neighbours in ${order}`);
  assert.equal(Math.abs(at(1) - at(3)), 1, `the two copies of b are neighbours in ${order}`);
});

test('functions sharing nothing keep their original order', () => {
  const bodies = [Buffer.from([1]), Buffer.from([2]), Buffer.from([3])];
  assert.deepEqual(similarityOrder(bodies), [0, 1, 2]);
});

test('the reordered module is valid and computes the same', async () => {
  // Two families of near-identical functions, interleaved, with calls between them, an
  // import and a table: everything binaryen must renumber.
  const family = (name, k) => `
    (func $${name} (export "${name}") (param $x i32) (result i32)
      (i32.add (i32.mul (local.get $x) (i32.const ${k})) (i32.xor (local.get $x) (i32.const 0x5a5a))))`;
  const other = (name, k) => `
    (func $${name} (export "${name}") (param $x i32) (result i32)
      (if (result i32) (i32.gt_s (local.get $x) (i32.const ${k}))
        (then (i32.sub (local.get $x) (i32.const 1000)))
        (else (i32.shl (local.get $x) (i32.const 3)))))`;
  const wat = `(module
    (import "env" "seen" (func $seen (param i32) (result i32)))
    (table 2 funcref)
    (elem (i32.const 0) $a1 $b2)
    (type $unary (func (param i32) (result i32)))
    ${family('a1', 3)} ${other('b1', 10)} ${family('a2', 5)} ${other('b2', 20)} ${family('a3', 7)}
    (func (export "viaTable") (param $i i32) (param $x i32) (result i32)
      (call $seen (call_indirect (type $unary) (local.get $x) (local.get $i))))
    (func (export "chain") (param $x i32) (result i32)
      (call $a3 (call $b1 (call $a2 (local.get $x))))))`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-functions-'));
  try {
    const watPath = path.join(dir, 'm.wat');
    const original = path.join(dir, 'm.wasm');
    const named = path.join(dir, 'named.wasm');
    const reordered = path.join(dir, 'reordered.wasm');
    fs.writeFileSync(watPath, wat);
    execFileSync(path.join(bin, 'wasm-as'), [watPath, '-o', original]);
    fs.writeFileSync(named, nameInSimilarityOrder(fs.readFileSync(original)));
    assert.ok(WebAssembly.validate(fs.readFileSync(named)), 'the named module is valid');
    execFileSync(path.join(bin, 'wasm-opt'), [named, '--reorder-functions-by-name', '-o', reordered]);

    const run = async (file) => {
      const { instance } = await WebAssembly.instantiate(fs.readFileSync(file), { env: { seen: (v) => v + 1 } });
      const e = instance.exports;
      const inputs = [-7, 0, 11, 25, 123456];
      return inputs.flatMap((x) => [e.a1(x), e.a2(x), e.a3(x), e.b1(x), e.b2(x), e.viaTable(0, x), e.viaTable(1, x), e.chain(x)]);
    };
    assert.deepEqual(await run(reordered), await run(original));

    // The exported near-copies now sit side by side (their function indices follow).
    const exported = (file) => {
      const text = execFileSync(path.join(bin, 'wasm-dis'), [file], { encoding: 'utf8' });
      return Object.fromEntries([...text.matchAll(/\(export "(\w+)" \(func \$(\d+)\)\)/g)].map((m) => [m[1], Number(m[2])]));
    };
    const before = exported(original);
    const after = exported(reordered);
    assert.notEqual(before.a2 - before.a1, 1, 'the test module interleaves the families');
    assert.deepEqual([after.a2 - after.a1, after.a3 - after.a2].map(Math.abs), [1, 1], `a1, a2, a3 together: ${JSON.stringify(after)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
