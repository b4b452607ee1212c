/**
 * Base class for host objects that own subscriptions or resources: `_register` collects disposables and
 * `dispose()` releases them once, in reverse order (the VS Code samples' shape).
 */
import type * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: { dispose(): unknown }[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Keeps `value` until this object is disposed; when already disposed, releases it at once. */
  protected _register<T extends { dispose(): unknown }>(value: T): T {
    if (this.disposed) void value.dispose();
    else this.disposables.push(value);
    return value;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.disposables.splice(0).reverse()) {
      try {
        void item.dispose();
      } catch {
        // One failing disposable must not keep the others alive; nothing useful can be done with the error here.
      }
    }
  }
}
