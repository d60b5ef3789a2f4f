/**
 * A cheap, faithful encoding for executor jobs and results written into a worker's
 * `SharedArrayBuffer`: JSON for the tree, with the two things a blocking view's traffic needs
 * that JSON cannot carry patched back in — `undefined` members (a result's `draft:
 * undefined`) and `Uint8Array`s (a request snapshot's `body`), whose bytes follow the JSON raw.
 *
 * Why not `node:v8` serialisation or `postMessage`: the former costs ~25 µs a call in Deno 2.9,
 * the latter a ~155 µs thread hop; `JSON.stringify`/`parse` of a request snapshot is a few
 * µs. Anything this cannot carry exactly (class instances, `Map`, `Date`, `bigint`, `NaN`,
 * `-0`, sparse arrays, cycles, very deep or very large trees) makes {@linkcode encodeInto}
 * return -1, and the caller falls back to `postMessage`'s structured clone.
 *
 * Layout: `[u32 JSON byte length][JSON text][raw bytes of each Uint8Array, in patch order]`.
 * The JSON is `[value]` or `[value, patches]`, a patch being `[kind, ...path]` with kind -1
 * for `undefined` and n ≥ 0 for a `Uint8Array` of n bytes; in the JSON, a patched place holds
 * `null`, so key order survives.
 *
 * @module
 */

const FAIL: unique symbol = Symbol("not JSON-faithful");
// Bounds the walk: a larger or deeper value is cheaper to structured-clone than to check.
const MAX_DEPTH = 24;
const MAX_NODES = 16_384;
const PREFIX_BYTES = 4;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Path = (string | number)[];
type Patch = [number, ...Path];

interface Walk {
  nodes: number;
  path: Path;
  patches: Patch[];
  blobs: Uint8Array[];
}

/**
 * Writes `value` into `target` and returns the bytes written, or -1 when the encoding would
 * not round-trip exactly or does not fit. Never throws for an unsupported value.
 */
export function encodeInto(value: unknown, target: Uint8Array): number {
  const walk: Walk = { nodes: 0, path: [], patches: [], blobs: [] };
  let prepared: unknown;
  try {
    prepared = prepare(value, 0, walk);
  } catch {
    return -1; // a getter threw: let structured clone report it in its own words
  }
  if (prepared === FAIL) return -1;
  const text = JSON.stringify(walk.patches.length ? [prepared, walk.patches] : [prepared]);
  if (target.length < PREFIX_BYTES) return -1;
  const { read, written } = encoder.encodeInto(text, target.subarray(PREFIX_BYTES));
  if (read !== text.length) return -1;
  let offset = PREFIX_BYTES + written;
  for (const blob of walk.blobs) {
    if (offset + blob.byteLength > target.length) return -1;
    target.set(blob, offset);
    offset += blob.byteLength;
  }
  new DataView(target.buffer, target.byteOffset, PREFIX_BYTES).setUint32(0, written);
  return offset;
}

/** Reads a value {@linkcode encodeInto} wrote into `source` (`length` bytes). */
export function decodeFrom(source: Uint8Array, length: number): unknown {
  const textLength = new DataView(source.buffer, source.byteOffset, PREFIX_BYTES).getUint32(0);
  // TextDecoder refuses views of shared memory: copy the JSON out first (one memcpy).
  const text = decoder.decode(source.slice(PREFIX_BYTES, PREFIX_BYTES + textLength));
  const [value, patches] = JSON.parse(text) as [unknown, Patch[] | undefined];
  if (patches === undefined) return value;
  let offset = PREFIX_BYTES + textLength;
  const box = [value];
  for (const [kind, ...path] of patches) {
    let holder = box as unknown as Record<string | number, unknown>;
    let key: string | number = 0;
    for (const step of path) {
      holder = holder[key] as Record<string | number, unknown>;
      key = step;
    }
    if (kind < 0) {
      holder[key] = undefined;
    } else {
      holder[key] = source.slice(offset, offset + kind);
      offset += kind;
    }
    if (offset > length) throw new RangeError("A shared-buffer payload is truncated.");
  }
  return box[0];
}

/**
 * Returns `value` ready for `JSON.stringify` — itself, or a copy with patched places set to
 * `null` (containers are copied only along the paths that need it) — or FAIL.
 */
function prepare(value: unknown, depth: number, walk: Walk): unknown {
  if (++walk.nodes > MAX_NODES || depth > MAX_DEPTH) return FAIL;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? value : FAIL;
    case "undefined":
      walk.patches.push([-1, ...walk.path]);
      return null;
    case "object":
      break;
    default:
      return FAIL;
  }
  if (value === null) return null;
  const proto = Object.getPrototypeOf(value);
  if (proto === Uint8Array.prototype) {
    const bytes = value as Uint8Array;
    // A view of shared memory stays shared under structured clone: not ours to copy.
    if (bytes.buffer instanceof SharedArrayBuffer) return FAIL;
    walk.patches.push([bytes.byteLength, ...walk.path]);
    walk.blobs.push(bytes);
    return null;
  }
  if (proto === Array.prototype) {
    const array = value as unknown[];
    let copy: unknown[] | undefined;
    for (let i = 0; i < array.length; i++) {
      if (!(i in array)) return FAIL; // a hole would come back as null
      walk.path.push(i);
      const item = array[i];
      const prepared = prepare(item, depth + 1, walk);
      walk.path.pop();
      if (prepared === FAIL) return FAIL;
      if (prepared !== item) (copy ??= array.slice())[i] = prepared;
    }
    return copy ?? array;
  }
  if (proto !== Object.prototype) return FAIL;
  const object = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) return FAIL;
    walk.path.push(key);
    const item = object[key];
    const prepared = prepare(item, depth + 1, walk);
    walk.path.pop();
    if (prepared === FAIL) return FAIL;
    if (prepared !== item) (copy ??= { ...object })[key] = prepared;
  }
  return copy ?? object;
}

// ---------------------------------------------------------------- the job buffer

// Each worker has a second SharedArrayBuffer, apart from its synchronize channel's, through
// which the pool hands it jobs and takes back results (an `Atomics.notify` wake-up costs a
// fraction of a `postMessage` hop). Header Int32 slots:
/** Sequence number of the last job handed over; the worker waits on it. */
export const JOB_SEQ = 0;
/** Where that job is: IN_BUFFER (JOB_LENGTH bytes of the job region) or ON_PORT. */
export const JOB_WHERE = 1;
/** Bytes of the encoded job. */
export const JOB_LENGTH = 2;
/** Sequence number of the job whose result was written last; the pool waits on it. */
export const RESULT_SEQ = 3;
/** Where that result is: IN_BUFFER or ON_PORT (posted with its sequence number). */
export const RESULT_WHERE = 4;
/** Bytes of the encoded result. */
export const RESULT_LENGTH = 5;
/** 1 once the pool stopped the worker, which must then close itself. */
export const JOB_STOPPED = 6;
/** The payload is in the buffer. */
export const IN_BUFFER = 1;
/** The payload went by `postMessage` (it did not fit, or JSON could not carry it). */
export const ON_PORT = 2;

const JOB_HEADER_BYTES = 64;
const REGION_BYTES = 128 * 1024;
/** Bytes of a job buffer: the header, then the job region, then the result region. */
export const JOB_BUFFER_BYTES = JOB_HEADER_BYTES + 2 * REGION_BYTES;

/** Views of one job buffer, the same on both sides. */
export interface JobBuffer {
  header: Int32Array;
  jobs: Uint8Array;
  results: Uint8Array;
}

/** Views `buffer` (of {@linkcode JOB_BUFFER_BYTES}) as a job buffer. */
export function viewJobBuffer(buffer: SharedArrayBuffer): JobBuffer {
  return {
    header: new Int32Array(buffer, 0, JOB_HEADER_BYTES / 4),
    jobs: new Uint8Array(buffer, JOB_HEADER_BYTES, REGION_BYTES),
    results: new Uint8Array(buffer, JOB_HEADER_BYTES + REGION_BYTES, REGION_BYTES),
  };
}
