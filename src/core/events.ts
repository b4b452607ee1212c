/**
 * A tiny event emitter and disposable, structurally compatible with vscode.Event / vscode.Disposable,
 * so vscode-free code (core, host/runs, trainer) can expose events the host passes straight to VS Code.
 */

export interface Disposable {
  dispose(): void;
}

/** Subscribe with a listener; dispose the result to unsubscribe. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  /** The subscribe function to expose publicly. */
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  /** Calls every listener; a throwing listener does not stop the others (its error is rethrown async). */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
