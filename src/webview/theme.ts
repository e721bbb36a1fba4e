/**
 * Chart colours from the VS Code theme. Canvas needs concrete colours, so they are
 * read from the theme's CSS variables and read again when the theme changes
 * (VS Code swaps the body class and the variables on <html>).
 */

export interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  series: string[];
  info: string;
  warning: string;
  error: string;
  anomaly: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function readPalette(): Palette {
  const s = getComputedStyle(document.body);
  const blue = cssVar(s, '--vscode-charts-blue', '#3794ff');
  const red = cssVar(s, '--vscode-charts-red', '#f14c4c');
  const yellow = cssVar(s, '--vscode-charts-yellow', '#cca700');
  const green = cssVar(s, '--vscode-charts-green', '#89d185');
  const orange = cssVar(s, '--vscode-charts-orange', '#d18616');
  const purple = cssVar(s, '--vscode-charts-purple', '#b180d7');
  return {
    foreground: cssVar(s, '--vscode-foreground', '#cccccc'),
    muted: cssVar(s, '--vscode-descriptionForeground', '#999999'),
    grid: cssVar(s, '--vscode-editorWidget-border', 'rgba(128, 128, 128, 0.35)'),
    background: cssVar(s, '--vscode-editor-background', '#1e1e1e'),
    series: [blue, orange, green, purple, yellow, red],
    info: blue,
    warning: yellow,
    error: red,
    anomaly: purple,
  };
}

/** Calls `onChange` when VS Code switches theme. Returns a stop function. */
export function watchTheme(onChange: () => void): () => void {
  let last = themeSignature();
  const observer = new MutationObserver(() => {
    const now = themeSignature();
    if (now !== last) {
      last = now;
      onChange();
    }
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

function themeSignature(): string {
  const p = readPalette();
  return [document.body.className, p.foreground, p.background, ...p.series].join('|');
}
