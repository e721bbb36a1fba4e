import * as real from '@vscode/l10n';

/**
 * `@vscode/l10n` for the bundles (scripts/buildConfig.mjs resolves every
 * `import … from '@vscode/l10n'` here, except this file's own). The extension host loads
 * several of our bundles (dist/extension.js, then dist/logs.js, dist/profiler.js … on
 * first use), and each would carry its own copy of `@vscode/l10n` with its own bundle —
 * the lazily loaded ones unconfigured, so English. The translation table therefore lives
 * on `globalThis` (set by {@link setSharedBundle} from `useLocale`), and each copy adopts
 * it before translating. Formatting stays `@vscode/l10n`'s own.
 */

interface Shared {
  bundle: Record<string, string>;
  locale: string;
  version: number;
}

const KEY = Symbol.for('chatroomMonitor.l10n');
let adopted = -1;

export function shared(): Shared {
  const g = globalThis as unknown as Record<symbol, Shared | undefined>;
  return (g[KEY] ??= { bundle: {}, locale: 'en', version: 0 });
}

export function setSharedBundle(locale: string, bundle: Record<string, string>): void {
  const s = shared();
  s.locale = locale;
  s.bundle = bundle;
  s.version++;
  adopt();
}

function adopt(): void {
  const s = shared();
  if (s.version !== adopted) {
    real.config({ contents: s.bundle });
    adopted = s.version;
  }
}

export const t: typeof real.t = ((...args: Parameters<typeof real.t>) => {
  adopt();
  return (real.t as (...a: unknown[]) => string)(...args);
}) as typeof real.t;

export const config = real.config;
