import { AssayError, ErrorCode } from '@assay/contracts';

/** The result of resolving a URI: its bytes and, for a file of the bundle, its path (a data URI has none). */
export interface Resource {
  bytes: Uint8Array;
  path?: string;
  mimeType?: string;
}

function refused(uri: string, why: string): AssayError {
  const shown = uri.length > 120 ? `${uri.slice(0, 120)}…` : uri;
  return new AssayError(ErrorCode.ExternalResourceRefused, `the asset references "${shown}", which ${why}; it was not fetched`);
}

function decodeDataUri(uri: string): Resource {
  const comma = uri.indexOf(',');
  if (comma < 0) throw new AssayError(ErrorCode.MeshUnreadable, 'a data URI of the asset has no payload (no comma)');
  const header = uri.slice(5, comma);
  const payload = uri.slice(comma + 1);
  const base64 = header.endsWith(';base64');
  const mimeType = header.split(';')[0] || undefined;
  const bytes = base64 ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
  // copied out of Node's shared Buffer pool, so the bytes can be transferred to another thread
  return { bytes: new Uint8Array(bytes), mimeType };
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

/**
 * Serves the files an asset references, from memory only: data URIs and relative paths inside the bundle.
 * Anything else (a scheme, an absolute path, `..` above the bundle's root, a file the bundle does not hold) is
 * refused and never fetched, so a hostile asset cannot reach the network or the filesystem.
 */
export class ResourceResolver {
  private readonly lowerCase = new Map<string, string>();

  constructor(private readonly files: ReadonlyMap<string, Uint8Array>) {
    for (const path of files.keys()) this.lowerCase.set(path.toLowerCase(), path);
  }

  /** `uri` as written in a file that sits at `base` (a directory path ending in '/', or ''). */
  resolve(uri: string, base: string): Resource {
    const found = this.find(uri, base);
    if (!found) throw refused(uri, this.files.size ? 'is not in the bundle' : 'is a separate file: send a .zip bundle holding it');
    return found;
  }

  /** Like `resolve`, but a relative path the bundle does not hold is undefined (OBJ tolerates a missing MTL or texture). */
  find(uri: string, base: string): Resource | undefined {
    if (/^data:/i.test(uri)) return decodeDataUri(uri);
    const path = this.locate(uri, base);
    return path === undefined ? undefined : { bytes: this.files.get(path)!, path };
  }

  private locate(uri: string, base: string): string | undefined {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) throw refused(uri, 'points outside the asset (a URL or a drive path)');
    let decoded: string;
    try {
      decoded = decodeURIComponent(uri);
    } catch {
      decoded = uri;
    }
    // Windows exporters write `.\textures\a.jpg`: a backslash is a separator here, not an escape
    const relative = decoded.replace(/\\/g, '/');
    if (relative.startsWith('/')) throw refused(uri, 'is an absolute path');
    const segments: string[] = [];
    for (const segment of (base + relative).split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        if (segments.length === 0) throw refused(uri, 'escapes the bundle (`..`)');
        segments.pop();
      } else segments.push(segment);
    }
    const path = segments.join('/');
    if (this.files.has(path)) return path;
    // archives made on case-insensitive filesystems often disagree with the case their files use
    return this.lowerCase.get(path.toLowerCase());
  }
}
