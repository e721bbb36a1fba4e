/**
 * DOM building for the page. Text goes in only through `textContent`: server-
 * provided strings (metric names, label values, alert and issue text) can hold
 * markup, and must always show as the literal characters. Every text and attribute
 * also goes through the core's inert-text `visibleText`: bidi overrides, zero-width
 * and control characters are named (`⟨U+202E⟩`), not obeyed, and a value is bounded.
 */
import { visibleText } from '../core/text/inertText';

/** No text node or attribute on the page is longer (a 5,000-character label stays readable). */
const SCREEN_TEXT_CHARS = 1000;

/** Text as it may appear on the page. */
export function screenText(s: string, maxChars: number = SCREEN_TEXT_CHARS): string {
  return visibleText(s, maxChars);
}

export interface ElementProps {
  className?: string;
  /** Set as text, never parsed as HTML. */
  text?: string;
  /** Attributes; never `style` (the CSP forbids inline styles) nor event handlers. */
  attrs?: Record<string, string>;
}

export type Child = Node | string | null | undefined | false;

/** Creates an element with a class, text, attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className) {
    el.className = props.className;
  }
  if (props.attrs) {
    for (const [k, v] of Object.entries(props.attrs)) {
      el.setAttribute(k, screenText(v));
    }
  }
  if (props.text !== undefined) {
    el.textContent = screenText(props.text);
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) {
      continue;
    }
    parent.appendChild(typeof c === 'string' ? document.createTextNode(screenText(c)) : c);
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.textContent = '';
  append(parent, ...children);
}

/** A codicon glyph, hidden from screen readers (the button or text beside it says what it means). */
export function icon(name: string): HTMLSpanElement {
  return h('span', { className: `codicon codicon-${name}`, attrs: { 'aria-hidden': 'true' } });
}

/** A button with an icon and a visible label. */
export function button(label: string, iconName: string | undefined, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = h('button', { attrs: { type: 'button', ...attrs } }, iconName ? icon(iconName) : null, h('span', { className: 'label', text: label }));
  b.addEventListener('click', onClick);
  return b;
}
