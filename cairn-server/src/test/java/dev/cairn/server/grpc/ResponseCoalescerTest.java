package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.stream.SubscriptionOption;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

class ResponseCoalescerTest {

    private final ServiceRequestContext ctx = ServiceRequestContext.of(HttpRequest.of(HttpMethod.POST, "/read"));

    private HttpResponse coalesced(HttpResponseWriter upstream) throws Exception {
        return coalesced(upstream, ctx);
    }

    private static HttpResponse coalesced(HttpResponseWriter upstream, ServiceRequestContext ctx) throws Exception {
        return new ResponseCoalescer.Decorator().serve((c, r) -> upstream, ctx, ctx.request());
    }

    /** A connection that asks for nothing; a test may cancel its subscription. */
    private static final class IdleConnection implements Subscriber<HttpObject> {
        volatile Subscription subscription;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(HttpObject o) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }
    }

    /** Hands out unpooled buffers and keeps each, so that a test can see which are still held. */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> allocated = new CopyOnWriteArrayList<>();

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
            allocated.add(b);
            return b;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
            allocated.add(b);
            return b;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    @Test
    void joinsTheDataOfABurstAndKeepsHeadersAndTrailersInOrder() throws Exception {
        HttpResponseWriter upstream = HttpResponse.streaming();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        upstream.write(ResponseHeaders.of(HttpStatus.OK));
        for (int i = 0; i < 100; i++) {
            byte[] message = ("message " + i + ";").getBytes(StandardCharsets.UTF_8);
            sent.write(message);
            upstream.write(HttpData.wrap(message));
        }
        upstream.write(HttpHeaders.of("grpc-status", "0"));
        upstream.close();

        List<HttpObject> objects = coalesced(upstream).collect().get(10, TimeUnit.SECONDS);

        assertThat(objects.getFirst()).isInstanceOf(ResponseHeaders.class);
        assertThat(objects.getLast()).isInstanceOfSatisfying(HttpHeaders.class,
                t -> assertThat(t.get("grpc-status")).isEqualTo("0"));
        List<HttpData> data = objects.stream().filter(HttpData.class::isInstance).map(HttpData.class::cast).toList();
        assertThat(data).hasSizeLessThan(5);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        data.forEach(d -> received.writeBytes(d.array()));
        assertThat(received.toByteArray()).isEqualTo(sent.toByteArray());
    }

    @Test
    void releasesThePooledBuffersItTakesAndHandsOnPooledOnes() throws Exception {
        HttpResponseWriter upstream = HttpResponse.streaming();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        List<ByteBuf> taken = new ArrayList<>();
        upstream.write(ResponseHeaders.of(HttpStatus.OK));
        for (int i = 0; i < 100; i++) {
            byte[] message = ("message " + i + ";").getBytes(StandardCharsets.UTF_8);
            sent.write(message);
            ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer().writeBytes(message);
            taken.add(buffer);
            upstream.write(HttpData.wrap(buffer));
        }
        upstream.write(HttpHeaders.of("grpc-status", "0"));
        upstream.close();

        List<HttpObject> objects = coalesced(upstream).collect(SubscriptionOption.WITH_POOLED_OBJECTS)
                .get(10, TimeUnit.SECONDS);

        assertThat(taken).allSatisfy(b -> assertThat(b.refCnt()).as("released once copied").isZero());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (HttpObject o : objects) {
            if (o instanceof HttpData d) {
                assertThat(d.isPooled()).isTrue();
                received.writeBytes(d.array());
                d.close();
            }
        }
        assertThat(received.toByteArray()).isEqualTo(sent.toByteArray());
    }

    @Test
    void releasesWhatItHoldsWhenTheConnectionCancels() throws Exception {
        HttpResponseWriter upstream = HttpResponse.streaming();
        List<ByteBuf> taken = new ArrayList<>();
        upstream.write(ResponseHeaders.of(HttpStatus.OK));
        for (int i = 0; i < 1024; i++) { // 1 MiB: part held by the coalescer, the rest still upstream
            ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(1024).writeZero(1024);
            taken.add(buffer);
            upstream.write(HttpData.wrap(buffer));
        }
        TrackingAllocator alloc = new TrackingAllocator();
        ServiceRequestContext tracked = ServiceRequestContext.builder(HttpRequest.of(HttpMethod.POST, "/read"))
                .alloc(alloc).build();
        IdleConnection connection = new IdleConnection(); // takes nothing, then goes away
        coalesced(upstream, tracked).subscribe(connection);
        Thread.sleep(300);
        assertThat(taken).anySatisfy(b -> assertThat(b.refCnt()).as("some taken and copied").isZero());
        assertThat(alloc.allocated).as("joined into buffers of its own").isNotEmpty();

        connection.subscription.cancel();

        assertThat(upstream.whenComplete()).failsWithin(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // both kinds are released on the event loop after the cancel, in no set order: wait for all
        while ((taken.stream().anyMatch(b -> b.refCnt() > 0) || alloc.allocated.stream().anyMatch(b -> b.refCnt() > 0))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(taken).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(alloc.allocated).allSatisfy(b -> assertThat(b.refCnt()).as("its own released").isZero());
    }

    @Test
    void stopsTakingFromTheServiceWhileTheConnectionTakesNothing() throws Exception {
        HttpResponseWriter upstream = HttpResponse.streaming();
        upstream.write(ResponseHeaders.of(HttpStatus.OK));
        byte[] kib = new byte[1024];
        for (int i = 0; i < 1024; i++) { // 1 MiB, four times what the coalescer holds
            upstream.write(HttpData.wrap(kib));
        }
        coalesced(upstream).subscribe(new IdleConnection()); // never asks for anything
        Thread.sleep(500);
        // what the service wrote is not all consumed: its isReady() stays false
        assertThat(upstream.whenConsumed()).isNotDone();
        upstream.abort();
    }

    @Test
    void aCancelByTheConnectionCancelsTheServiceResponse() throws Exception {
        HttpResponseWriter upstream = HttpResponse.streaming();
        upstream.write(ResponseHeaders.of(HttpStatus.OK));
        HttpResponse out = coalesced(upstream);
        out.abort();
        assertThat(upstream.whenComplete()).failsWithin(10, TimeUnit.SECONDS);
    }

    @Test
    void aDeadlineBeforeAnyHeadersEndsTheCallTrailersOnly() throws Exception {
        HttpResponseWriter upstream = HttpResponse.streaming();
        ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, Duration.ofMillis(100));

        List<HttpObject> objects = coalesced(upstream).collect().get(10, TimeUnit.SECONDS);

        assertThat(objects).singleElement().isInstanceOfSatisfying(ResponseHeaders.class, h -> {
            assertThat(h.status()).isEqualTo(HttpStatus.OK);
            assertThat(h.get("grpc-status")).isEqualTo("4");
            assertThat(h.isEndOfStream()).isTrue();
        });
        assertThat(upstream.whenComplete()).as("the service's response is cancelled")
                .failsWithin(10, TimeUnit.SECONDS);
    }

    @Test
    void aDeadlineAfterTheHeadersEndsTheCallWithTrailers() throws Exception {
        HttpResponseWriter upstream = HttpResponse.streaming();
        upstream.write(ResponseHeaders.of(HttpStatus.OK));
        upstream.write(HttpData.ofUtf8("message"));
        ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, Duration.ofMillis(100));

        List<HttpObject> objects = coalesced(upstream).collect().get(10, TimeUnit.SECONDS);

        assertThat(objects.getFirst()).isInstanceOf(ResponseHeaders.class);
        assertThat(objects).anySatisfy(o -> assertThat(o).isInstanceOf(HttpData.class));
        assertThat(objects.getLast()).isInstanceOfSatisfying(HttpHeaders.class,
                t -> assertThat(t.get("grpc-status")).isEqualTo("4"));
        assertThat(upstream.whenComplete()).failsWithin(10, TimeUnit.SECONDS);
    }

    @Test
    void aCallThatEndsBeforeItsDeadlineKeepsItsOwnStatus() throws Exception {
        HttpResponseWriter upstream = HttpResponse.streaming();
        ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, Duration.ofMillis(300));
        upstream.write(ResponseHeaders.of(HttpStatus.OK));
        upstream.write(HttpHeaders.of("grpc-status", "0"));
        upstream.close();

        List<HttpObject> objects = coalesced(upstream).collect().get(10, TimeUnit.SECONDS);
        Thread.sleep(500); // past the deadline: nothing more may happen

        assertThat(objects).hasSize(2);
        assertThat(objects.getLast()).isInstanceOfSatisfying(HttpHeaders.class,
                t -> assertThat(t.get("grpc-status")).isEqualTo("0"));
    }
}
