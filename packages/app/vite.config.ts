// Vite build of the browser app. Static bundle, no inline scripts or styles (the page is served with
// `script-src 'self'; style-src 'self'`), no CDN assets: everything the page loads comes from this build.
// '@sealpeer/client' resolves to packages/client/src through the npm workspace link and the package's
// `@sealpeer/source` export condition (its default condition is the compiled dist/, for npm consumers).
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { sealpeerRelease } from './build/index.ts';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [sealpeerRelease()],
  publicDir: here('public'),
  resolve: { conditions: ['@sealpeer/source', ...defaultClientConditions] },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    // Never inline assets as data: URLs, and never inline CSS into JS: both would need looser CSP.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: {
      // One page. `/p#<invite>` (the invite landing URL) is served index.html by the server's and
      // sealpeer-app's fallback for extension-less paths; the fragment never reaches either.
      input: { main: here('index.html') },
      output: {
        // The landing screen is main.js alone (a few kB); main.ts imports routes.ts (engine + screens)
        // dynamically at start, so these chunks download in parallel with the landing screen.
        manualChunks(id: string): string | undefined {
          if (id.includes('/node_modules/libsodium')) return 'crypto-sodium';
          if (id.includes('/node_modules/@noble/')) return 'crypto-noble';
          if (id.includes('/node_modules/jsqr/') || id.includes('/node_modules/qrcode/')) return 'qr';
          return undefined;
        },
      },
    },
  },
});
