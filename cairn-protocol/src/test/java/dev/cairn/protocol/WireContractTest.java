package dev.cairn.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that each of our proto files carries the same wire contract as the official KurrentDB
 * Java client ({@code io.kurrent:kurrentdb-client}), whose generated classes embed KurrentDB's
 * file descriptors. See {@link DescriptorDiff} for what is compared.
 *
 * <p>Ours may be a superset, but only by the elements listed in {@link Contract#additions}: they
 * are in KurrentDB's server (or requested from its newer protocol) and not in this client
 * version. The list must match the extras exactly, so nothing is added by accident and the list
 * does not go stale.
 */
class WireContractTest {

  /** One of our files, the client's file of the same contract, and what only ours has. */
  record Contract(String name, FileDescriptor ours, FileDescriptor theirs, Set<String> additions) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Contract> contracts() {
    return Stream.of(
        new Contract("shared",
            dev.cairn.protocol.shared.SharedProto.getDescriptor(),
            io.kurrent.dbclient.proto.shared.Shared.getDescriptor(),
            Set.of("event_store.client.MaximumAppendEventSizeExceeded")),
        new Contract("status",
            dev.cairn.protocol.rpc.StatusProto.getDescriptor(),
            fromClientJar("com.google.rpc.StatusProto"),
            Set.of()),
        new Contract("code",
            dev.cairn.protocol.rpc.CodeProto.getDescriptor(),
            fromClientJar("com.google.rpc.CodeProto"),
            Set.of()),
        new Contract("streams",
            dev.cairn.protocol.streams.StreamsProto.getDescriptor(),
            io.kurrent.dbclient.proto.streams.StreamsOuterClass.getDescriptor(),
            Set.of()),
        new Contract("persistent",
            dev.cairn.protocol.persistentsubscriptions.PersistentProto.getDescriptor(),
            io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.getDescriptor(),
            Set.of(
                "event_store.client.persistent_subscriptions.PersistentSubscriptions.TruncateParked",
                "event_store.client.persistent_subscriptions.TruncateParkedReq",
                "event_store.client.persistent_subscriptions.TruncateParkedResp")),
        new Contract("projections",
            dev.cairn.protocol.projections.ProjectionsProto.getDescriptor(),
            io.kurrent.dbclient.proto.projections.Projectionmanagement.getDescriptor(),
            Set.of(
                "event_store.client.projections.CreateReq.Options.engine_version",
                "event_store.client.projections.CreateReq.Options.Continuous.emitted_streams_tracked",
                "event_store.client.projections.CreateReq.Options.properties",
                "event_store.client.projections.CreateReq.Options.PropertiesEntry",
                "event_store.client.projections.UpdateReq.Options.properties",
                "event_store.client.projections.UpdateReq.Options.PropertiesEntry")),
        new Contract("gossip",
            dev.cairn.protocol.gossip.GossipProto.getDescriptor(),
            io.kurrent.dbclient.proto.gossip.GossipOuterClass.getDescriptor(),
            Set.of()),
        new Contract("serverfeatures",
            dev.cairn.protocol.serverfeatures.ServerFeaturesProto.getDescriptor(),
            io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.getDescriptor(),
            Set.of()),
        new Contract("v2 rpc",
            dev.cairn.protocol.v2.rpc.RpcProto.getDescriptor(),
            io.kurrent.rpc.Rpc.getDescriptor(),
            Set.of()),
        new Contract("v2 errors",
            dev.cairn.protocol.v2.rpc.ServerErrorsProto.getDescriptor(),
            io.kurrentdb.protocol.v2.common.errors.Errors.getDescriptor(),
            Set.of("kurrent.rpc.ServerError.SERVER_ERROR_SERVER_SHUTTING_DOWN")),
        new Contract("v2 streams",
            dev.cairn.protocol.v2.streams.StreamsProto.getDescriptor(),
            io.kurrentdb.protocol.v2.streams.Streams.getDescriptor(),
            Set.of(
                "kurrentdb.protocol.v2.streams.StreamsService.AppendRecords",
                "kurrentdb.protocol.v2.streams.AppendRecord.stream",
                "kurrentdb.protocol.v2.streams.AppendRecordsRequest",
                "kurrentdb.protocol.v2.streams.AppendRecordsResponse",
                "kurrentdb.protocol.v2.streams.ConsistencyCheck",
                "kurrentdb.protocol.v2.streams.StreamRevision")),
        new Contract("v2 streams errors",
            dev.cairn.protocol.v2.streams.errors.StreamsErrorsProto.getDescriptor(),
            io.kurrentdb.protocol.v2.streams.errors.Errors.getDescriptor(),
            Set.of(
                "kurrentdb.protocol.v2.streams.errors.StreamsError.STREAMS_ERROR_APPEND_CONSISTENCY_VIOLATION",
                "kurrentdb.protocol.v2.streams.errors.AppendConsistencyViolationErrorDetails",
                "kurrentdb.protocol.v2.streams.errors.ConsistencyViolation")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void carriesTheClientsWireContract(Contract contract) {
    DescriptorDiff diff = new DescriptorDiff().compare(contract.ours(), contract.theirs());

    assertThat(diff.differences()).as("differences from KurrentDB's %s", contract.theirs().getName()).isEmpty();
    assertThat(diff.extras()).as("elements only ours has").isEqualTo(contract.additions());
  }

  @Test
  void everyProtoFileOfTheClientHasOneOfOurs() throws IOException, URISyntaxException {
    Set<String> covered = contracts().map(c -> c.theirs().getName()).collect(Collectors.toCollection(TreeSet::new));

    assertThat(protoFilesOfTheClient()).isEqualTo(covered);
  }

  @Test
  void bytesFromTheClientReadBackTheSame() throws Exception {
    // The descriptor comparison is the proof; this shows it on real bytes, both ways.
    var stream = io.kurrent.dbclient.proto.shared.Shared.StreamIdentifier.newBuilder()
        .setStreamName(ByteString.copyFromUtf8("orders-1"));
    var append = io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq.newBuilder()
        .setOptions(io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq.Options.newBuilder()
            .setStreamIdentifier(stream)
            .setRevision(41))
        .build();
    var session = io.kurrentdb.protocol.v2.streams.AppendRequest.newBuilder()
        .setStream("orders-1")
        .setExpectedRevision(-1)
        .addRecords(io.kurrentdb.protocol.v2.streams.AppendRecord.newBuilder()
            .setRecordId("5b3e4c1e-9a52-4d9c-8f0e-0c6f5d1b2a77")
            .putProperties("tenant", com.google.protobuf.Value.newBuilder().setStringValue("acme").build())
            .setSchema(io.kurrentdb.protocol.v2.streams.SchemaInfo.newBuilder()
                .setFormat(io.kurrentdb.protocol.v2.streams.SchemaFormat.SCHEMA_FORMAT_JSON)
                .setName("order-placed"))
            .setData(ByteString.copyFromUtf8("{}")))
        .build();

    var ourAppend = dev.cairn.protocol.streams.AppendReq.parseFrom(append.toByteString());
    var ourSession = dev.cairn.protocol.v2.streams.AppendRequest.parseFrom(session.toByteString());

    assertThat(ourAppend.getOptions().getStreamIdentifier().getStreamName().toStringUtf8()).isEqualTo("orders-1");
    assertThat(ourAppend.getOptions().getRevision()).isEqualTo(41);
    assertThat(ourAppend.toByteString()).isEqualTo(append.toByteString());
    assertThat(ourSession.getExpectedRevision()).isEqualTo(-1);
    assertThat(ourSession.getRecords(0).getSchema().getName()).isEqualTo("order-placed");
    assertThat(ourSession.getRecords(0).getUnknownFields().asMap()).isEmpty();
    assertThat(ourSession.toByteString()).isEqualTo(session.toByteString());
  }

  @Test
  void usersMatchesKurrentDbServer() {
    // Not in the client jar: checked against the signatures of KurrentDB's server.
    assertThat(signatures(dev.cairn.protocol.users.UsersProto.getDescriptor())).containsExactlyEntriesOf(sorted(Map.of(
        "event_store.client.users.Users.Create", "CreateReq -> CreateResp",
        "event_store.client.users.Users.Update", "UpdateReq -> UpdateResp",
        "event_store.client.users.Users.Delete", "DeleteReq -> DeleteResp",
        "event_store.client.users.Users.Disable", "DisableReq -> DisableResp",
        "event_store.client.users.Users.Enable", "EnableReq -> EnableResp",
        "event_store.client.users.Users.Details", "DetailsReq -> stream DetailsResp",
        "event_store.client.users.Users.ChangePassword", "ChangePasswordReq -> ChangePasswordResp",
        "event_store.client.users.Users.ResetPassword", "ResetPasswordReq -> ResetPasswordResp")));
  }

  @Test
  void operationsMatchesKurrentDbServer() {
    assertThat(signatures(dev.cairn.protocol.operations.OperationsProto.getDescriptor())).containsExactlyEntriesOf(sorted(Map.of(
        "event_store.client.operations.Operations.StartScavenge", "StartScavengeReq -> ScavengeResp",
        "event_store.client.operations.Operations.StopScavenge", "StopScavengeReq -> ScavengeResp",
        "event_store.client.operations.Operations.Shutdown", "Empty -> Empty",
        "event_store.client.operations.Operations.MergeIndexes", "Empty -> Empty",
        "event_store.client.operations.Operations.ResignNode", "Empty -> Empty",
        "event_store.client.operations.Operations.SetNodePriority", "SetNodePriorityReq -> Empty",
        "event_store.client.operations.Operations.RestartPersistentSubscriptions", "Empty -> Empty")));
  }

  /**
   * The client jar ships its own copies of google.rpc's Status and Code, but grpc-protobuf
   * brings Google's under the same class names, and the classpath picks one. This loads the
   * class from the client jar itself (child-first for com.google.rpc only; protobuf's own classes
   * still come from the test classpath, so the descriptor is usable here).
   */
  private static FileDescriptor fromClientJar(String outerClass) {
    try {
      ClassLoader parent = WireContractTest.class.getClassLoader();
      URLClassLoader loader = new URLClassLoader(new URL[] {clientJar().toUri().toURL()}, parent) {
        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
          if (!name.startsWith("com.google.rpc.")) {
            return super.loadClass(name, resolve);
          }
          synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            return loaded != null ? loaded : findClass(name);
          }
        }
      };
      FileDescriptor file = (FileDescriptor) loader.loadClass(outerClass).getMethod("getDescriptor").invoke(null);
      assertThat(file.getName()).as("%s comes from the client jar", outerClass).startsWith("kurrentdb/");
      return file;
    } catch (ReflectiveOperationException | IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot load " + outerClass + " from the client jar", e);
    }
  }

  private static Path clientJar() throws URISyntaxException {
    return Path.of(io.kurrent.dbclient.proto.shared.Shared.class
        .getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static Set<String> protoFilesOfTheClient() throws IOException, URISyntaxException {
    try (JarFile file = new JarFile(clientJar().toFile())) {
      return file.stream()
          .map(entry -> entry.getName())
          .filter(name -> name.endsWith(".proto"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Map<String, String> signatures(FileDescriptor file) {
    Map<String, String> signatures = new TreeMap<>();
    for (ServiceDescriptor service : file.getServices()) {
      for (MethodDescriptor method : service.getMethods()) {
        signatures.put(method.getFullName(),
            (method.isClientStreaming() ? "stream " : "") + method.getInputType().getName()
                + " -> " + (method.isServerStreaming() ? "stream " : "") + method.getOutputType().getName());
      }
    }
    return signatures;
  }

  private static Map<String, String> sorted(Map<String, String> map) {
    return new TreeMap<>(map);
  }
}
