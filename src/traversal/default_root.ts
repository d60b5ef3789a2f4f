/**
 * Pyramid's default root: an empty resource with no children, used when no root factory is
 * configured.
 *
 * @module
 */

/** The default root resource (shared, frozen). */
export const DEFAULT_ROOT: Readonly<
  { __name__: string; __parent__: null; get(key: string): undefined }
> = Object.freeze({
  __name__: "",
  __parent__: null,
  get(_key: string): undefined {
    return undefined;
  },
});

/** The default root factory: always {@linkcode DEFAULT_ROOT}. */
export function defaultRootFactory(): unknown {
  return DEFAULT_ROOT;
}
