// Pyramid's default root: an empty resource with no children.
export const DEFAULT_ROOT: Readonly<
  { __name__: string; __parent__: null; get(key: string): undefined }
> = Object.freeze({
  __name__: "",
  __parent__: null,
  get(_key: string): undefined {
    return undefined;
  },
});

export function defaultRootFactory(): unknown {
  return DEFAULT_ROOT;
}
