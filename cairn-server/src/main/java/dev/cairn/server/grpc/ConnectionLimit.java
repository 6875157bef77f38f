package dev.cairn.server.grpc;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the node's client connections (installed in every accepted connection's Netty pipeline)
 * and remembers which ones arrived beyond the limit, so that {@link CallLimits} can refuse their
 * calls with a clear {@code RESOURCE_EXHAUSTED} instead of a bare reset the client cannot explain.
 * A connection over the limit stays over it until it closes, even if others close first; its
 * client reconnects.
 *
 * <p>Thread-safe: event loops of many connections call it at once.
 */
@ChannelHandler.Sharable
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<SocketAddress> overLimit = ConcurrentHashMap.newKeySet();

    public ConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > max && ctx.channel().remoteAddress() != null) {
            overLimit.add(ctx.channel().remoteAddress());
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        if (ctx.channel().remoteAddress() != null) {
            overLimit.remove(ctx.channel().remoteAddress());
        }
        super.channelInactive(ctx);
    }

    int max() {
        return max;
    }

    /** Whether the connection from {@code remote} arrived when the node already had its maximum. */
    boolean isOverLimit(SocketAddress remote) {
        return remote != null && overLimit.contains(remote);
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }
}
