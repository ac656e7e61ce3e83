// The slice of Tauri's global API (`withGlobalTauri: true`) that the pages use. Only
// `js/ipc.js` touches it; everything else goes through that module's typed wrappers.

export {};

declare global {
  /** An event as Tauri delivers it to a listener. */
  interface TauriEvent<T> {
    event: string;
    id: number;
    payload: T;
  }

  /** Stops a listener; returned (in a promise) by `listen`. */
  type TauriUnlisten = () => void;

  interface TauriGlobal {
    core: {
      /** Calls a Rust command; rejects with the command's error value. */
      invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T>;
    };
    event: {
      /**
       * Listens for an event. With `target`, only events sent to that window (or to
       * every window) arrive; without it, events sent to any window do.
       */
      listen<T>(
        event: string,
        handler: (event: TauriEvent<T>) => void,
        options?: { target?: { kind: 'WebviewWindow'; label: string } },
      ): Promise<TauriUnlisten>;
    };
    window: {
      getCurrentWindow(): {
        readonly label: string;
        close(): Promise<void>;
      };
    };
  }

  interface Window {
    readonly __TAURI__: TauriGlobal;
  }
}
