// A relay that lies in /api/config, played at the page's network layer (Playwright routing): the real
// answer, with the fields `extra` adds (e.g. verifier keys the app must ignore). The upstream fetch is
// retried (a pooled connection may be reset under load); a route that still fails is aborted, never
// left hanging, and never answered with the honest config.
import type { Page } from 'playwright-core';

export async function routeLyingConfig(
  page: Page,
  extra: (cfg: Record<string, unknown>) => Record<string, unknown>,
): Promise<void> {
  await page.route('**/api/config', async (route) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const upstream = await route.fetch();
        const cfg = (await upstream.json()) as Record<string, unknown>;
        await route.fulfill({ response: upstream, body: JSON.stringify({ ...cfg, ...extra(cfg) }) });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await route.abort().catch(() => undefined);
  });
}
