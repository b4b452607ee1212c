/** Wire-protocol version shared by host, trainer and webview. Bump when a message changes meaning. */
export const PROTOCOL_VERSION = 1;
