/**
 * Typed wrapper over the Node IPC channel of a forked trainer (process.send / process.on('message')). Incoming
 * messages are validated with parseHostToTrainer; malformed ones are reported back once as a warning log.
 */
import { parseHostToTrainer } from '../protocol/trainerParse';
import type { HostToTrainer, TrainerToHost } from '../protocol/trainer';

export interface TrainerChannel {
  /** Posts a message (fire and forget). */
  send(message: TrainerToHost): void;
  /** Posts a message and resolves once it was handed to the OS (use before exiting). */
  flush(message: TrainerToHost): Promise<void>;
  onMessage(handler: (message: HostToTrainer) => void): void;
}

/** The host went away: nothing to report to ('disconnect' ends the process). */
const ignoreClosedChannel = (): void => undefined;

/** Creates the channel; throws when the process was not started with an IPC channel (forked by TrainerProcess). */
export function createChannel(proc: NodeJS.Process = process): TrainerChannel {
  const send = proc.send?.bind(proc);
  if (!send) throw new Error('the trainer must be started with an IPC channel (forked by TrainerProcess)');
  const handlers: ((message: HostToTrainer) => void)[] = [];
  let warned = false;
  const channel: TrainerChannel = {
    send(message) {
      // With a callback, a send that races a disconnect reports to it instead of emitting an uncaught 'error'.
      if (proc.connected) send(message, undefined, undefined, ignoreClosedChannel);
    },
    flush(message) {
      return new Promise((resolve) => {
        if (!proc.connected) return resolve();
        send(message, undefined, undefined, () => resolve());
      });
    },
    onMessage(handler) {
      handlers.push(handler);
    },
  };
  proc.on('message', (raw: unknown) => {
    const message = parseHostToTrainer(raw);
    if (!message) {
      if (!warned) {
        const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : typeof raw;
        channel.send({
          type: 'log',
          level: 'warn',
          message: `ignored malformed host message (type ${JSON.stringify(type)})`,
        });
      }
      warned = true;
      return;
    }
    for (const handler of handlers) handler(message);
  });
  return channel;
}
