// What the kernel does under a ZeroMQ connection, as channel.ts models it: how many bytes its
// socket buffers hold (tcp, ipc; inproc has none), how a ZMTP message is framed on the wire,
// and TCP's retransmission schedule after a partition and when it gives up on a connection.

import type { Message } from '../../core/transport.js';

/**
 * Bytes the kernel holds on a tcp connection before the sender's pipe backs up: the send and
 * receive buffers together, in ZMTP-framed bytes. Measured on this machine (Linux, loopback,
 * tcp_rmem max 32 MiB, tcp_wmem max 4 MiB, autotuning on; zeromq.js 6.8 / libzmq 4.3.5): a PUSH
 * with sendTimeout 0 to a PULL that never reads accepted, beyond SNDHWM + RCVHWM = 2000,
 * 123,000-124,500 messages of 20 bytes (2.71-2.74 MB framed) in three runs, 1,360 of 2,000
 * bytes (2.73 MB) and 175 of 20,000 bytes (3.50 MB); with SNDHWM = RCVHWM = 10 the buffers fill
 * slowly (12,000 20-byte messages after 25 s), as autotuning grows them. test/contract/transport/
 * hwm.contract.test.ts states the property both worlds satisfy.
 */
export const TCP_BUFFER_BYTES = 2_700_000;
/**
 * The same for ipc (Unix domain sockets count buffer space per write, not per byte): beyond
 * SNDHWM + RCVHWM, 1,000-1,500 messages of 20 bytes (22-33 kB) with HWMs of 1000, 395 (8.7 kB)
 * with HWMs of 10, 210 of 200 bytes (42 kB), 35 of 2,000 bytes (70 kB), none of 20,000 bytes.
 */
export const IPC_BUFFER_BYTES = 32_768;

/**
 * TCP's retransmission timer (Linux: tcp_rto_min 200ms on a fast link, doubling per timeout, at
 * most TCP_RTO_MAX 120s). A segment lost to a partition is sent again at first + 200, + 400,
 * + 800, ...: once the link heals, the next of these delivers it and everything queued behind it.
 */
export const RTO_MIN_MS = 200;
export const RTO_MAX_MS = 120_000;

/** The first retransmission of a segment first due at `firstDueMs` that comes at or after `nowMs`. */
export function nextRetransmitMs(firstDueMs: number, nowMs: number): number {
  let rto = RTO_MIN_MS;
  let t = firstDueMs + rto;
  while (t < nowMs) {
    rto = Math.min(rto * 2, RTO_MAX_MS);
    t += rto;
  }
  return t;
}

/**
 * How long Linux keeps retransmitting unacknowledged data before it gives up on the connection
 * (tcp_retries2 15: 200ms doubling to 120s, 924.6s in all). Without heartbeats this is the only
 * thing that breaks a connection stalled by a long partition.
 */
export const TCP_GIVE_UP_MS = 924_600;

export type Transport = 'tcp' | 'ipc' | 'inproc';

export function transportOf(address: string): Transport {
  return address.startsWith('inproc://') ? 'inproc' : address.startsWith('ipc://') ? 'ipc' : 'tcp';
}

/** A message's size on the wire: ZMTP frames carry 2 bytes of header, 9 from 256 bytes on. */
export function framedBytes(message: Message): number {
  let bytes = 0;
  for (let i = 0; i < message.length; i++) {
    const n = (message[i] as Uint8Array).length;
    bytes += n + (n < 256 ? 2 : 9);
  }
  return bytes;
}
