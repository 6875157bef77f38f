package dev.cairn.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One raw HTTP/2 cleartext connection (prior knowledge) that sends PING frames as often as a test
 * asks, far more often than any client's keepalive, and notes what the server answers: the PING
 * acks, a GOAWAY with its error code and debug data, the connection closing. Unlike grpc-java's
 * channel, which clamps its keepalive to at least 10 s, nothing here limits the rate. Then a unary
 * gRPC call on the same connection shows whether it still serves calls. Thread-safe.
 */
final class PingProbe implements AutoCloseable {

    /** A GOAWAY the server sent: HTTP/2 error code and debug data. */
    record GoAway(long errorCode, String debugData) {
    }

    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicInteger acks;
    private final AtomicReference<GoAway> goAway;
    private final AtomicReference<Throwable> failure;

    private PingProbe(EventLoopGroup group, Channel channel, AtomicInteger acks, AtomicReference<GoAway> goAway,
            AtomicReference<Throwable> failure) {
        this.group = group;
        this.channel = channel;
        this.acks = acks;
        this.goAway = goAway;
        this.failure = failure;
    }

    static PingProbe connect(int port) throws InterruptedException {
        AtomicInteger acks = new AtomicInteger();
        AtomicReference<GoAway> goAway = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ChannelInboundHandlerAdapter connectionFrames = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof Http2PingFrame ping && ping.ack()) {
                        acks.incrementAndGet();
                    } else if (msg instanceof Http2GoAwayFrame away) {
                        goAway.compareAndSet(null, new GoAway(away.errorCode(),
                                away.content().toString(StandardCharsets.UTF_8)));
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // a server that drops the connection resets it: noted, and the connection closed
                failure.compareAndSet(null, cause);
                ctx.close();
            }
        };
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                    // the server opens no streams; connection frames pass on
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                    connectionFrames);
                        }
                    })
                    .connect("127.0.0.1", port).sync().channel();
            return new PingProbe(group, channel, acks, goAway, failure);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Sends {@code count} PINGs, one every {@code interval}, stopping early when the connection
     * closes; then waits briefly for the last acks.
     */
    void ping(int count, Duration interval) throws InterruptedException {
        int expected = acks.get() + count;
        for (int i = 0; i < count && channel.isActive(); i++) {
            channel.writeAndFlush(new DefaultHttp2PingFrame(i));
            Thread.sleep(interval.toMillis());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (channel.isActive() && acks.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    int acks() {
        return acks.get();
    }

    /** The GOAWAY the server sent, or null. */
    GoAway goAway() {
        return goAway.get();
    }

    /** The first error on the connection (a reset, say), or null. */
    Throwable failure() {
        return failure.get();
    }

    boolean isOpen() {
        return channel.isActive();
    }

    /**
     * Makes a unary gRPC call with an empty request message on a new stream of this connection and
     * returns its {@code grpc-status}.
     */
    int call(String path) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        try {
                            if (msg instanceof Http2HeadersFrame headers) {
                                CharSequence grpcStatus = headers.headers().get("grpc-status");
                                if (grpcStatus != null) {
                                    status.complete(Integer.parseInt(grpcStatus.toString()));
                                }
                            }
                        } finally {
                            ReferenceCountUtil.release(msg);
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        status.completeExceptionally(new IllegalStateException("the stream closed without a status"));
                    }
                })
                .open().sync().getNow();
        Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").path(path)
                .authority("127.0.0.1").set("content-type", "application/grpc").set("te", "trailers");
        stream.write(new DefaultHttp2HeadersFrame(headers, false));
        // a gRPC message: not compressed, length 0 (an empty protobuf message)
        ByteBuf empty = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 0});
        stream.writeAndFlush(new DefaultHttp2DataFrame(empty, true));
        return status.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
