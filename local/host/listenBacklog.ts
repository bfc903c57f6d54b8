// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The accept backlog of the local host's public listener. Azure's front end does not drop
 * connections when 512 arrive at once, and the local host stands for it: with node's default
 * backlog (511) a burst of 1,000 simultaneous connects overflows the kernel's accept queue, the
 * kernel drops SYNs, and the client retransmits after 1 s — a second of latency that is neither the
 * app's nor Azure's. The kernel caps it at net.core.somaxconn (4096 on current Linux); SYNs still
 * waiting for their handshake are bounded by net.ipv4.tcp_max_syn_backlog (2048 here), so asking
 * for more than that buys nothing.
 */
export const PUBLIC_LISTEN_BACKLOG = 2048;
