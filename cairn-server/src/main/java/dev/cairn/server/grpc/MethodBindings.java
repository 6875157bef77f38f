package dev.cairn.server.grpc;

import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;

/** Edits a service's generated binding: the methods Cairn binds by hand in place of generated ones. */
final class MethodBindings {

    private MethodBindings() {
    }

    /**
     * {@code generated} with {@code replacement} in place of the method of the same full name: the
     * service's name, schema and other methods unchanged.
     */
    static ServerServiceDefinition replace(ServerServiceDefinition generated,
            ServerMethodDefinition<?, ?> replacement) {
        String name = replacement.getMethodDescriptor().getFullMethodName();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(generated.getServiceDescriptor().getName())
                .setSchemaDescriptor(generated.getServiceDescriptor().getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : generated.getMethods()) {
            if (!m.getMethodDescriptor().getFullMethodName().equals(name)) {
                methods.add(m);
            }
        }
        methods.add(replacement);
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(definition::addMethod);
        return definition.build();
    }
}
