// Validation of SocketOptions, with the option's name in every message.

import type { SocketOptions } from './transport.js';
import { checkInteger, checkNonEmptyString, checkNonNegative, checkOptions } from './validate.js';

export function checkSocketOptions(options: SocketOptions | undefined): void {
  checkOptions('socket options', options, ['routingId', 'sendHighWaterMark', 'receiveHighWaterMark', 'sendTimeoutMs', 'receiveTimeoutMs']);
  if (!options) return;
  if (options.routingId !== undefined) checkNonEmptyString('routingId', options.routingId);
  if (options.sendHighWaterMark !== undefined) checkInteger('sendHighWaterMark', options.sendHighWaterMark, 0);
  if (options.receiveHighWaterMark !== undefined) checkInteger('receiveHighWaterMark', options.receiveHighWaterMark, 0);
  if (options.sendTimeoutMs !== undefined) checkNonNegative('sendTimeoutMs', options.sendTimeoutMs);
  if (options.receiveTimeoutMs !== undefined) checkNonNegative('receiveTimeoutMs', options.receiveTimeoutMs);
}
