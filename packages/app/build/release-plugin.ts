// Vite plugin: turns the app build into a verifiable release.
// Imports @sealpeer/client's release module by relative path: Vite bundles relative imports of its config,
// but would hand a bare workspace import to Node, which cannot load TypeScript.
//  - index.html (and every built page) gets Subresource Integrity on each script and stylesheet;
//  - when a release key is configured, the service worker (src/sw/worker.ts) is bundled as sw.js with
//    that key embedded, and the page learns the key through the __SEALPEER_RELEASE_KEY__ define;
//  - the keyshare keys built into the release (build/trusted-keyshares.ts) reach the page through the
//    __SEALPEER_TRUSTED_KEYSHARES__ define and are also written as trusted-keyshares.json, so both the
//    bundle and that file are in the manifest the release note signs;
//  - manifest.json lists every output file with its SHA-256 (format: docs/operators/app-hosting.md).
// Signing manifest.json is a separate step (scripts/release-sign.ts), so no private key touches a build.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { createManifest, MANIFEST_FILE, serializeManifest } from '../../client/src/release/index.ts';
import { addSri } from './html-sri.ts';
import { resolveReleaseKey } from './release-key.ts';
import { bundleServiceWorker } from './sw-bundle.ts';
import {
  type ResolvedTrustedKeyshares,
  resolveTrustedKeyshares,
  TRUSTED_KEYSHARES_FILE,
} from './trusted-keyshares.ts';

export interface SealpeerReleaseOptions {
  /** Verifier key (`name+hex8+base64`) to embed; default: $SEALPEER_RELEASE_KEY; none = unsigned build. */
  releaseKey?: string;
  /** Release version; default: the version in the app's package.json. */
  version?: string;
  /** Service worker entry, relative to the Vite root. */
  serviceWorker?: string;
  /** Built-in keyshare list file; default: $SEALPEER_TRUSTED_KEYSHARES, else trusted-keyshares.json. */
  trustedKeyshares?: string;
}

const utf8 = new TextEncoder();

function publicFiles(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  if (!dir || !existsSync(dir)) return out;
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p).split(sep).join('/'), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

export function sealpeerRelease(options: SealpeerReleaseOptions = {}): Plugin {
  let config: ResolvedConfig;
  let releaseKey: string | undefined;
  let trusted: ResolvedTrustedKeyshares;
  return {
    name: 'sealpeer-release',
    apply: 'build',
    enforce: 'post',
    config(user) {
      releaseKey = resolveReleaseKey(options.releaseKey, process.env);
      const root = user.root ?? process.cwd();
      trusted = resolveTrustedKeyshares(options.trustedKeyshares, process.env, root);
      return {
        define: {
          __SEALPEER_RELEASE_KEY__: JSON.stringify(releaseKey ?? ''),
          __SEALPEER_TRUSTED_KEYSHARES__: JSON.stringify(trusted.json),
        },
      };
    },
    configResolved(c) {
      config = c;
    },
    // order 'post': after Vite's own generateBundle work (it fills in the dynamic-import preload lists
    // of chunks), so SRI values and the manifest hash the bytes that are written.
    generateBundle: {
      order: 'post',
      async handler(_out, bundle) {
        const files = new Map<string, Uint8Array>();
        for (const item of Object.values(bundle)) {
          const bytes = item.type === 'chunk' ? utf8.encode(item.code) : item.source;
          files.set(item.fileName, typeof bytes === 'string' ? utf8.encode(bytes) : bytes);
        }
        const base = new URL(config.base, 'https://app.invalid/');
        const read = (url: string, htmlFile: string): Uint8Array | undefined => {
          const u = new URL(url, new URL(htmlFile, base));
          if (u.origin !== base.origin || !u.pathname.startsWith(base.pathname)) return undefined;
          return files.get(decodeURIComponent(u.pathname.slice(base.pathname.length)));
        };
        for (const item of Object.values(bundle)) {
          if (item.type !== 'asset' || !item.fileName.endsWith('.html')) continue;
          const html = typeof item.source === 'string' ? item.source : new TextDecoder().decode(item.source);
          item.source = addSri(html, item.fileName, read);
          files.set(item.fileName, utf8.encode(item.source));
        }
        if (releaseKey) {
          const entry = options.serviceWorker ?? 'src/sw/worker.ts';
          const sw = await bundleServiceWorker(config.root, entry, releaseKey);
          this.emitFile({ type: 'asset', fileName: 'sw.js', source: sw });
          files.set('sw.js', sw);
        }
        const list = utf8.encode(trusted.json);
        this.emitFile({ type: 'asset', fileName: TRUSTED_KEYSHARES_FILE, source: list });
        files.set(TRUSTED_KEYSHARES_FILE, list);
        if (config.build.copyPublicDir) for (const [p, b] of publicFiles(config.publicDir)) files.set(p, b);
        const version =
          options.version ??
          (JSON.parse(readFileSync(join(config.root, 'package.json'), 'utf8')) as { version: string })
            .version;
        const manifest = serializeManifest(createManifest(version, files));
        this.emitFile({ type: 'asset', fileName: MANIFEST_FILE, source: manifest });
      },
    },
  };
}
