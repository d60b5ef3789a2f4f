// file: URL → path, without pulling in a path library.
export function fromFileUrl(url: URL): string {
  return decodeURIComponent(url.pathname);
}
