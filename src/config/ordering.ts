/**
 * Pyramid's ordering of extension points (tweens, view derivers, predicates, app
 * extensions) by `over`/`under` hints: a topological sort in which an item without hints
 * sits just under `first`, items added later land closer to `first`, a list of hints means
 * "the first of these that exists", and a cycle is an error naming where each item was added.
 *
 * @module
 */
import { ConfigurationError } from "../errors.ts";

/** One item to order. */
export interface Orderable {
  name: string;
  /** Place this item closer to `first` than these (Pyramid's `over`). */
  over?: string | string[];
  /** Place this item closer to `last` than these (Pyramid's `under`). */
  under?: string | string[];
  /** Where it was registered, for error messages. */
  where?: string;
}

function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

/** Orders names between `first` and `last` (both kept in the result). */
export function orderByHints(
  items: Orderable[],
  options: { first: string; last: string; what: string },
): string[] {
  const { first, last, what } = options;
  const names = [first, last, ...items.map((i) => i.name)];
  const arcs: [string, string][] = [[first, last]];
  const needsUnder = new Set<string>();
  const needsOver = new Set<string>();
  for (const item of items) {
    const over = list(item.over);
    let under = list(item.under);
    if (over === undefined && under === undefined) under = [first];
    if (under) {
      for (const u of under) arcs.push([u, item.name]);
      needsUnder.add(item.name);
    }
    if (over) {
      for (const o of over) arcs.push([item.name, o]);
      needsOver.add(item.name);
    }
  }
  const incoming = new Map<string, number>(names.map((n) => [n, 0]));
  const children = new Map<string, string[]>(names.map((n) => [n, []]));
  const satisfiedOver = new Set<string>();
  const satisfiedUnder = new Set<string>();
  for (const [a, b] of arcs) {
    if (!incoming.has(a) || !incoming.has(b)) continue;
    children.get(a)!.push(b);
    incoming.set(b, incoming.get(b)! + 1);
    satisfiedOver.add(a);
    satisfiedUnder.add(b);
  }
  const where = (name: string) => {
    const item = items.find((i) => i.name === name);
    return item?.where ? ` (added at ${item.where})` : "";
  };
  for (const name of needsUnder) {
    if (!satisfiedUnder.has(name)) {
      const hint = items.find((i) => i.name === name)!.under;
      throw new ConfigurationError(
        `The ${what} '${name}'${where(name)} asks to be under ${
          JSON.stringify(hint)
        }, but no ${what} of that name exists. Known: ${names.join(", ")}.`,
      );
    }
  }
  for (const name of needsOver) {
    if (!satisfiedOver.has(name)) {
      const hint = items.find((i) => i.name === name)!.over;
      throw new ConfigurationError(
        `The ${what} '${name}'${where(name)} asks to be over ${
          JSON.stringify(hint)
        }, but no ${what} of that name exists. Known: ${names.join(", ")}.`,
      );
    }
  }
  const roots = names.filter((n) => incoming.get(n) === 0);
  const sorted: string[] = [];
  while (roots.length) {
    const root = roots.shift()!;
    sorted.push(root);
    for (const child of children.get(root)!) {
      const left = incoming.get(child)! - 1;
      incoming.set(child, left);
      if (left === 0) roots.unshift(child);
    }
    incoming.delete(root);
  }
  if (incoming.size) {
    const cycle = [...incoming.keys()].map((n) => `'${n}'${where(n)}`).join(", ");
    throw new ConfigurationError(
      `The ${what} ordering hints form a cycle among ${cycle}. Change an 'over' or 'under' hint so they can be ordered.`,
    );
  }
  return sorted;
}
