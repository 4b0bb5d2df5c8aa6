// Reading and writing the parts of a wasm binary the build steps touch: LEB128 numbers,
// names, the sections and the export section.

/** The unsigned LEB128 number at `at` and the offset after it. */
export function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

/** `value` as unsigned LEB128. */
export function leb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

/** `text` as a wasm name: its UTF-8 length, then its bytes. */
export function string(text) {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([leb(bytes.length), bytes]);
}

/** The module's sections: id, start and end of each payload. */
export function sections(wasm) {
  const found = [];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = readLeb(wasm, at + 1);
    found.push({ id, start, end: start + size });
    at = start + size;
  }
  return found;
}

/** A section as bytes: its id, its size and `payload`. */
export function section(id, payload) {
  return Buffer.concat([Buffer.from([id]), leb(payload.length), payload]);
}

/** `wasm` without the exports named in `names` (what they export stays, unexported). */
export function withoutExports(wasm, names) {
  const parts = [wasm.subarray(0, 8)];
  for (const s of sections(wasm)) {
    if (s.id !== 7) {
      parts.push(section(s.id, wasm.subarray(s.start, s.end)));
      continue;
    }
    let [count, at] = readLeb(wasm, s.start);
    const kept = [];
    while (count--) {
      const start = at;
      const [length, nameStart] = readLeb(wasm, at);
      const name = wasm.toString('utf8', nameStart, nameStart + length);
      [, at] = readLeb(wasm, nameStart + length + 1);
      if (!names.has(name)) kept.push(wasm.subarray(start, at));
    }
    parts.push(section(7, Buffer.concat([leb(kept.length), ...kept])));
  }
  return Buffer.concat(parts);
}
