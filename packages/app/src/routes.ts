// Every screen that needs the crypto engine, and the engine itself: the second chunk of the app. main.ts
// starts loading it at once, in parallel with the landing screen, which does not wait for it.
import type { AppContext } from './core/context.ts';
import type { Engine } from './core/engine-api.ts';
import { channelScreen } from './screens/channel.ts';
import { codeStartScreen } from './screens/code-start.ts';
import { contactChatScreen } from './screens/contact-chat.ts';
import { contactsScreen } from './screens/contacts.ts';
import { deviceScreen } from './screens/device.ts';
import { homeScreen } from './screens/home.ts';
import { joinScreen } from './screens/join.ts';
import { scanScreen } from './screens/scan.ts';
import type { Screen } from './ui/screen.ts';

export { createEngine } from './core/engine.ts';

export function screenFor(
  ctx: AppContext,
  engine: Engine,
  name: string,
  args: string[],
  invite: () => string | undefined,
): Screen {
  switch (name) {
    case 'device':
      return deviceScreen(engine);
    case 'scan':
      return scanScreen(ctx);
    case 'code':
      return { el: codeStartScreen(ctx) };
    case 'contacts':
      return contactsScreen(ctx, engine);
    case 'k':
      if (args[0]) return contactChatScreen(ctx, engine, args[0]);
      return contactsScreen(ctx, engine);
    case 'join':
      return { el: joinScreen(ctx, engine, invite()) };
    case 'c':
      if (args[0]) return channelScreen(ctx, engine, args[0], args[1]);
      return { el: homeScreen(ctx) };
    default:
      return { el: homeScreen(ctx) };
  }
}
