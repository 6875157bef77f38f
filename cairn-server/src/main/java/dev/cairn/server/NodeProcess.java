package dev.cairn.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code cairn start --insecure} in a child JVM over a data directory, with its output in a
 * file. It is the real command line, from this process's own classpath, so what the crash torture
 * kills and what the benchmarks measure is what ships, in a process of its own as users run it.
 *
 * <p>Not thread-safe: one owner starts, kills and stops it.
 */
public final class NodeProcess {

    private static final Pattern READY = Pattern.compile("Cairn is ready: .*:(\\d+) ");

    private final Process process;
    private final Path output;
    private final int port;

    private NodeProcess(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /**
     * Starts a node on a free port and waits (up to 120 s: a loaded machine can take a minute) for its ready line.
     *
     * @param output the node's standard output and error are appended here
     * @param segmentSize {@code cairn start --segment-size}: small segments make kills land around
     *     segment rolls
     * @param jvmOptions options of the child JVM (heap, collector), before the class path
     */
    public static NodeProcess start(Path db, Path output, long segmentSize, List<String> jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // the node logs as cairn start does, whatever logback.xml comes first on this class path
        command.add("-Dlogback.configurationFile=" + serverLogbackConfig());
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "dev.cairn.server.Main", "start", "--insecure", "--db", db.toString(), "--port", "0",
                "--segment-size", Long.toString(segmentSize)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
        long from = Files.exists(output) ? Files.size(output) : 0;
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Matcher m = READY.matcher(tail(output, from));
            if (m.find()) {
                return new NodeProcess(process, output, Integer.parseInt(m.group(1)));
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("the node did not become ready; its output:\n" + tail(output, from));
    }

    public int port() {
        return port;
    }

    /**
     * Patient with a node that has just started on a loaded machine: the client gives up on a node
     * after its discovery attempts (3 of 3 s by default), which a cold JVM can exhaust.
     */
    public String connectionString() {
        return "kurrentdb://127.0.0.1:" + port + "?tls=false&maxDiscoverAttempts=20&gossipTimeout=10000";
    }

    /** SIGKILL: no shutdown hook, no flush, no close; waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the node survived SIGKILL for 30 s");
        }
    }

    /** The node's process id, for sampling its resources. */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL without waiting, if it still runs; for cleaning up after a failed run. */
    public void destroy() {
        process.destroyForcibly();
    }

    /** SIGTERM, the orderly stop; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the node did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** The URL of cairn-server's own logback.xml: in its jar, or in its classes directory. */
    private static String serverLogbackConfig() {
        try {
            Path location = Path.of(NodeProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(location) ? location.resolve("logback.xml").toUri().toString()
                    : "jar:" + location.toUri() + "!/logback.xml";
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate cairn-server's classes", e);
        }
    }

    private static String tail(Path file, long from) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            byte[] bytes = Files.readAllBytes(file);
            return new String(bytes, (int) Math.min(from, bytes.length), (int) Math.max(0, bytes.length - from),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node's output so far (all rounds), for a report on failure. */
    public String output() {
        return tail(output, 0);
    }
}
