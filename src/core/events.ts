/**
 * A small Disposable / Event<T> pair shaped like VS Code's, so core objects drop
 * straight into `context.subscriptions` without the core importing `vscode`.
 */

export interface Disposable {
  dispose(): void;
}

/** Subscribe with a listener; dispose the result to unsubscribe. */
export type Event<T> = (listener: (e: T) => void) => Disposable;

export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/** Disposes everything added to it, once, in reverse order of addition. */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(d: T): T {
    if (this.disposed) {
      d.dispose();
    } else {
      this.items.push(d);
    }
    return d;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const d of items) {
      d.dispose();
    }
  }
}

/**
 * Fires events to its listeners. A listener that throws does not stop the others:
 * the error goes to `onListenerError` (default: console.error) because one broken
 * consumer (say, the dashboard) must not stop the status bar from updating.
 */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => void>();

  constructor(private readonly onListenerError: (err: unknown) => void = (err) => console.error(err)) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
