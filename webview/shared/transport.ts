/**
 * The webviews' only link to the host, and the only file that calls acquireVsCodeApi(). The replay transport
 * plays a recorded message stream instead, so a dashboard runs in a plain browser page (tests, development).
 */
import type { HostToWebview, RunPayload, WebviewToHost } from '../../src/protocol/webview';
import { FIRST_MESSAGE_GLOBAL } from '../../src/protocol/webview';

/** What the UI code talks to. */
export interface HostTransport {
  post(message: WebviewToHost): void;
  onMessage(listener: (message: HostToWebview) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The VS Code transport; messages from the host arrive as window 'message' events. */
export function createVsCodeTransport(): HostTransport {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    onMessage: (listener) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const data = event.data;
        if (
          typeof data === 'object' &&
          data !== null &&
          typeof (data as { type?: unknown }).type === 'string'
        ) {
          listener(data as HostToWebview);
        }
      }),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}

/** A replay transport plus what a test needs to drive and observe it. */
export interface ReplayTransport extends HostTransport {
  /** Everything the webview posted, in order. */
  readonly posted: WebviewToHost[];
  /** Delivers one more message as if the host had sent it. */
  emit(message: HostToWebview): void;
}

/** sessionStorage key of the replay transport's webview state. */
const REPLAY_STATE_KEY = 'snn-lab-replay-state';

/** The state a replayed page saved before it was reloaded, if any. */
function savedReplayState(): unknown {
  try {
    const raw = sessionStorage.getItem(REPLAY_STATE_KEY);
    return raw === null ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * Plays `recorded` after the webview's `ready` (and again on `resync`, from its last snapshot). It answers
 * `selectRuns` the way the host would, from the runs the recording holds, so run selection works offline, and
 * `requestStudy` / `requestPredictions` from the recording's `study` and `predictions` messages (held back until
 * asked for, as the host sends them only then).
 */
export function createReplayTransport(recorded: readonly HostToWebview[]): ReplayTransport {
  const listeners: ((message: HostToWebview) => void)[] = [];
  const posted: WebviewToHost[] = [];
  let state = savedReplayState();
  let seq = 0;
  const known = new Map<string, RunPayload>();
  let lastSnapshot: Extract<HostToWebview, { type: 'snapshot' }> | undefined;
  const deliver = (message: HostToWebview): void => {
    if ('seq' in message) seq = message.seq;
    if (message.type === 'snapshot') {
      lastSnapshot = message;
      for (const run of message.runs) known.set(run.info.runId, run);
    }
    setTimeout(() => {
      for (const listener of listeners) listener(message);
    }, 0);
  };
  type Answer = Extract<HostToWebview, { type: 'study' | 'predictions' }>;
  const answers = recorded.filter((m): m is Answer => m.type === 'study' || m.type === 'predictions');
  const transport: ReplayTransport = {
    posted,
    emit: deliver,
    post(message) {
      posted.push(message);
      if (message.type === 'ready') {
        for (const m of recorded) if (m.type !== 'study' && m.type !== 'predictions') deliver(m);
      } else if (message.type === 'requestStudy' || message.type === 'requestPredictions') {
        deliver(replayAnswer(answers, message));
      } else if (message.type === 'resync' && lastSnapshot) deliver({ ...lastSnapshot, seq: seq + 1 });
      else if (message.type === 'selectRuns' && lastSnapshot) {
        const runs = message.runIds.flatMap((id) => known.get(id) ?? []);
        deliver({
          ...lastSnapshot,
          seq: seq + 1,
          selected: runs.map((r) => r.info.runId),
          runs,
          tab: undefined,
        });
      }
    },
    onMessage: (listener) => listeners.push(listener),
    // Like VS Code's webview state, the state outlives a reload of the page (kept in the tab's sessionStorage).
    getState: () => state,
    setState: (next) => {
      state = next;
      try {
        sessionStorage.setItem(REPLAY_STATE_KEY, JSON.stringify(next));
      } catch {
        /* storage unavailable (opaque origin): the state lives until the page goes */
      }
    },
  };
  return transport;
}

/** The recorded answer to a study or predictions request (an empty study, or notes, when the recording has none). */
function replayAnswer(
  answers: readonly HostToWebview[],
  m: Extract<WebviewToHost, { type: 'requestStudy' | 'requestPredictions' }>,
): HostToWebview {
  if (m.type === 'requestStudy') {
    const study = answers.find((a) => a.type === 'study' && a.file === m.file);
    return study ?? { type: 'study', file: m.file, runs: [], unfinished: {} };
  }
  const known = answers.flatMap((a) => (a.type === 'predictions' ? a.runs : []));
  const runs = m.runIds.map(
    (id) => known.find((r) => r.runId === id) ?? { runId: id, note: 'no predictions.csv' },
  );
  return { type: 'predictions', runs };
}

/**
 * The first host message a script beside the bundle carried (`window.__snnLabFirst = [key, JSON text]`,
 * src/host/webviews/firstSnapshotFile.ts), unless this document drew that key before (`drawnKey`, kept in the webview
 * state: VS Code re-creates a hidden panel's document from the same HTML, whose data is then stale, and the host sends
 * a fresh snapshot after `ready`). The property is removed; anything malformed counts as no message.
 */
export function embeddedFirst(drawnKey: unknown): { key: string; message: HostToWebview } | undefined {
  const holder = window as unknown as Record<string, unknown>;
  const carried = holder[FIRST_MESSAGE_GLOBAL];
  delete holder[FIRST_MESSAGE_GLOBAL];
  if (!Array.isArray(carried) || carried.length !== 2) return undefined;
  const [key, text] = carried as unknown[];
  if (typeof key !== 'string' || key === '' || key === drawnKey || typeof text !== 'string') return undefined;
  try {
    const message = JSON.parse(text) as unknown;
    if (
      typeof message !== 'object' ||
      message === null ||
      typeof (message as { type?: unknown }).type !== 'string'
    ) {
      return undefined;
    }
    return { key, message: message as HostToWebview };
  } catch {
    return undefined;
  }
}

/** Replay messages a test page put on window (see test/webview/harness), if any. */
declare global {
  interface Window {
    __snnLabReplay?: HostToWebview[];
    /** The replay transport in use, so a test can emit more messages and read what the page posted. */
    __snnLabReplayTransport?: ReplayTransport;
  }
}

/** The VS Code transport inside VS Code; the replay transport when a test page supplied a recording. */
export function createTransport(): HostTransport {
  const recorded = window.__snnLabReplay;
  if (recorded) {
    const replay = createReplayTransport(recorded);
    window.__snnLabReplayTransport = replay;
    return replay;
  }
  return createVsCodeTransport();
}
