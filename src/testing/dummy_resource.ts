// DummyResource: a Map-based resource for traversal tests.

/** Options for {@linkcode DummyResource}. */
export interface DummyResourceOptions {
  /** The resource's name in its parent. */
  name?: string;
  /** The parent resource. */
  parent?: unknown;
  /** An ACL for the resource. */
  acl?: unknown;
  /** Children, by name. */
  children?: Record<string, DummyResource>;
  /** Extra attributes copied onto the resource. */
  [attribute: string]: unknown;
}

/**
 * A resource for tests: a `Map` of children with `__name__`, `__parent__` and optional
 * `__acl__`. Adding a child with `set` sets its name and parent.
 *
 * @example A small tree
 * ```ts
 * import { DummyResource } from "@aio/pyramid/testing";
 * const root = new DummyResource();
 * const photos = root.add("photos", new DummyResource());
 * console.assert(root.get("photos") === photos && photos.__parent__ === root);
 * ```
 */
export class DummyResource extends Map<string, DummyResource> {
  /** Name in the parent. */
  __name__: string;
  /** Parent resource (null at the root). */
  __parent__: unknown;
  /** Optional ACL. */
  __acl__?: unknown;

  /** Creates the resource. */
  constructor(options: DummyResourceOptions = {}) {
    super();
    const { name, parent, acl, children, ...rest } = options;
    this.__name__ = name ?? "";
    this.__parent__ = parent ?? null;
    if (acl !== undefined) this.__acl__ = acl;
    Object.assign(this, rest);
    for (const [key, child] of Object.entries(children ?? {})) this.add(key, child);
  }

  /** Adds a child, setting its `__name__` and `__parent__`; returns the child. */
  add<R extends DummyResource>(name: string, child: R): R {
    child.__name__ = name;
    child.__parent__ = this;
    super.set(name, child);
    return child;
  }
}
