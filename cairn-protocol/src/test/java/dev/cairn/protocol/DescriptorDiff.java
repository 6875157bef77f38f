package dev.cairn.protocol;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares one of our proto files with the official client's file of the same contract and lists
 * every difference that a peer on the wire, or code generated from the descriptors, could notice:
 * package, services and methods (types, streaming modes), messages by full name (recursively),
 * fields by number (name, JSON name, type, label, type name, packing, oneof membership, proto3
 * {@code optional}, options), reserved ranges and names, enums and their values (and value
 * options, which carry the v2 error annotations), and extensions.
 *
 * <p>Everything of theirs must be in ours, identical. Ours may have more (elements KurrentDB's
 * server has and this client version does not); such extras are recorded in {@link #extras()}
 * by full name so the caller can check them against an explicit list. Comments, file names and
 * {@code java_*} options are deliberately not compared: they are not part of the contract.
 *
 * <p>Not thread-safe; one instance per comparison.
 */
final class DescriptorDiff {

  private final List<String> differences = new ArrayList<>();
  private final Set<String> extras = new TreeSet<>();

  /** Compares the two files and returns this, for {@link #differences()} and {@link #extras()}. */
  DescriptorDiff compare(FileDescriptor ours, FileDescriptor theirs) {
    check(theirs.getPackage(), ours.getPackage(), theirs.getName() + ": package");
    check(theirs.toProto().getSyntax(), ours.toProto().getSyntax(), theirs.getName() + ": syntax");

    for (ServiceDescriptor service : theirs.getServices()) {
      ServiceDescriptor mine = ours.findServiceByName(service.getName());
      if (mine == null) {
        differences.add("missing service " + service.getFullName());
      } else {
        compareService(mine, service);
      }
    }
    for (ServiceDescriptor mine : ours.getServices()) {
      if (theirs.findServiceByName(mine.getName()) == null) {
        extras.add(mine.getFullName());
      }
    }

    for (Descriptor message : theirs.getMessageTypes()) {
      Descriptor mine = ours.findMessageTypeByName(message.getName());
      if (mine == null) {
        differences.add("missing message " + message.getFullName());
      } else {
        compareMessage(mine, message);
      }
    }
    for (Descriptor mine : ours.getMessageTypes()) {
      if (theirs.findMessageTypeByName(mine.getName()) == null) {
        extras.add(mine.getFullName());
      }
    }

    for (EnumDescriptor anEnum : theirs.getEnumTypes()) {
      EnumDescriptor mine = ours.findEnumTypeByName(anEnum.getName());
      if (mine == null) {
        differences.add("missing enum " + anEnum.getFullName());
      } else {
        compareEnum(mine, anEnum);
      }
    }
    for (EnumDescriptor mine : ours.getEnumTypes()) {
      if (theirs.findEnumTypeByName(mine.getName()) == null) {
        extras.add(mine.getFullName());
      }
    }

    for (FieldDescriptor extension : theirs.getExtensions()) {
      FieldDescriptor mine = ours.findExtensionByName(extension.getName());
      if (mine == null) {
        differences.add("missing extension " + extension.getFullName());
      } else {
        check(extension.getContainingType().getFullName(), mine.getContainingType().getFullName(),
            extension.getFullName() + ": extendee");
        compareField(mine, extension);
      }
    }
    for (FieldDescriptor mine : ours.getExtensions()) {
      if (theirs.findExtensionByName(mine.getName()) == null) {
        extras.add(mine.getFullName());
      }
    }
    return this;
  }

  /** What differs; empty when ours carries their whole contract. */
  List<String> differences() {
    return List.copyOf(differences);
  }

  /** Full names of services, methods, messages, fields, enums and enum values only ours has. */
  Set<String> extras() {
    return Set.copyOf(extras);
  }

  private void compareService(ServiceDescriptor ours, ServiceDescriptor theirs) {
    for (MethodDescriptor method : theirs.getMethods()) {
      MethodDescriptor mine = ours.findMethodByName(method.getName());
      String where = method.getFullName();
      if (mine == null) {
        differences.add("missing method " + where);
        continue;
      }
      check(method.getInputType().getFullName(), mine.getInputType().getFullName(), where + ": input");
      check(method.getOutputType().getFullName(), mine.getOutputType().getFullName(), where + ": output");
      check(method.isClientStreaming(), mine.isClientStreaming(), where + ": client streaming");
      check(method.isServerStreaming(), mine.isServerStreaming(), where + ": server streaming");
    }
    for (MethodDescriptor mine : ours.getMethods()) {
      if (theirs.findMethodByName(mine.getName()) == null) {
        extras.add(mine.getFullName());
      }
    }
  }

  private void compareMessage(Descriptor ours, Descriptor theirs) {
    String where = theirs.getFullName();
    check(theirs.getFullName(), ours.getFullName(), where + ": full name");
    check(theirs.toProto().getOptions(), ours.toProto().getOptions(), where + ": options (map entry)");
    check(theirs.toProto().getReservedRangeList(), ours.toProto().getReservedRangeList(), where + ": reserved ranges");
    check(theirs.toProto().getReservedNameList(), ours.toProto().getReservedNameList(), where + ": reserved names");

    for (FieldDescriptor field : theirs.getFields()) {
      FieldDescriptor mine = ours.findFieldByNumber(field.getNumber());
      if (mine == null) {
        differences.add("missing field " + field.getFullName() + " = " + field.getNumber());
      } else {
        compareField(mine, field);
      }
    }
    for (FieldDescriptor mine : ours.getFields()) {
      if (theirs.findFieldByNumber(mine.getNumber()) == null) {
        extras.add(mine.getFullName());
      }
    }

    for (Descriptor nested : theirs.getNestedTypes()) {
      Descriptor mine = ours.findNestedTypeByName(nested.getName());
      if (mine == null) {
        differences.add("missing message " + nested.getFullName());
      } else {
        compareMessage(mine, nested);
      }
    }
    for (Descriptor mine : ours.getNestedTypes()) {
      if (theirs.findNestedTypeByName(mine.getName()) == null) {
        extras.add(mine.getFullName());
      }
    }

    for (EnumDescriptor nested : theirs.getEnumTypes()) {
      EnumDescriptor mine = ours.findEnumTypeByName(nested.getName());
      if (mine == null) {
        differences.add("missing enum " + nested.getFullName());
      } else {
        compareEnum(mine, nested);
      }
    }
    for (EnumDescriptor mine : ours.getEnumTypes()) {
      if (theirs.findEnumTypeByName(mine.getName()) == null) {
        extras.add(mine.getFullName());
      }
    }
  }

  private void compareField(FieldDescriptor ours, FieldDescriptor theirs) {
    String where = theirs.getFullName() + " = " + theirs.getNumber();
    check(theirs.getName(), ours.getName(), where + ": name");
    check(theirs.getJsonName(), ours.getJsonName(), where + ": json name");
    check(theirs.getType(), ours.getType(), where + ": type");
    check(theirs.isRepeated(), ours.isRepeated(), where + ": repeated");
    check(theirs.isRequired(), ours.isRequired(), where + ": required");
    check(theirs.isPacked(), ours.isPacked(), where + ": packed");
    check(theirs.isMapField(), ours.isMapField(), where + ": map");
    check(typeName(theirs), typeName(ours), where + ": type name");
    check(oneofOf(theirs), oneofOf(ours), where + ": oneof");
    check(theirs.toProto().getProto3Optional(), ours.toProto().getProto3Optional(), where + ": proto3 optional");
    check(theirs.hasPresence(), ours.hasPresence(), where + ": presence");
    check(theirs.toProto().getOptions(), ours.toProto().getOptions(), where + ": options");
    check(theirs.toProto().getDefaultValue(), ours.toProto().getDefaultValue(), where + ": default");
  }

  private void compareEnum(EnumDescriptor ours, EnumDescriptor theirs) {
    String where = theirs.getFullName();
    check(theirs.getFullName(), ours.getFullName(), where + ": full name");
    check(theirs.isClosed(), ours.isClosed(), where + ": closed");
    for (EnumValueDescriptor value : theirs.getValues()) {
      EnumValueDescriptor mine = ours.findValueByName(value.getName());
      String valueWhere = where + "." + value.getName();
      if (mine == null) {
        differences.add("missing enum value " + valueWhere);
        continue;
      }
      check(value.getNumber(), mine.getNumber(), valueWhere + ": number");
      // Serialized, so a custom option compares equal whether it was parsed as a known
      // extension or kept as an unknown field.
      check(value.getOptions().toByteString(), mine.getOptions().toByteString(), valueWhere + ": options");
    }
    for (EnumValueDescriptor mine : ours.getValues()) {
      if (theirs.findValueByName(mine.getName()) == null) {
        extras.add(where + "." + mine.getName());
      }
    }
  }

  private static String typeName(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case MESSAGE -> field.getMessageType().getFullName();
      case ENUM -> field.getEnumType().getFullName();
      default -> "";
    };
  }

  private static String oneofOf(FieldDescriptor field) {
    OneofDescriptor oneof = field.getContainingOneof();
    if (oneof == null) {
      return "";
    }
    // A proto3 `optional` field sits alone in a synthetic oneof, which is no real oneof.
    boolean synthetic = field.getRealContainingOneof() == null;
    return oneof.getName() + (synthetic ? " (synthetic)" : "");
  }

  private void check(Object expected, Object actual, String what) {
    if (!Objects.equals(expected, actual)) {
      differences.add(what + ": KurrentDB has <" + expected + ">, ours has <" + actual + ">");
    }
  }
}
