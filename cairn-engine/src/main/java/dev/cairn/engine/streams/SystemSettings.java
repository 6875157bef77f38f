package dev.cairn.engine.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Acl;
import dev.cairn.api.Principal;
import java.io.IOException;
import java.util.List;

/**
 * The node-wide default access control lists, from the last event of the {@code $settings}
 * stream: {@code $userStreamAcl} for streams without a {@code $} and {@code $systemStreamAcl} for
 * the others, each an object of {@code $r $w $d $mr $mw} like a stream's {@code $acl}. A role a
 * setting leaves out falls back to {@link #DEFAULT}, as in KurrentDB.
 *
 * <pre>{@code
 * {"$userStreamAcl": {"$r": "$all", "$w": ["ops", "$admins"]}, "$systemStreamAcl": {"$r": "$admins"}}
 * }</pre>
 *
 * @param userStreamAcl defaults for user streams, or null when not set
 * @param systemStreamAcl defaults for system streams ({@code $...}, including {@code $all}), or null
 */
public record SystemSettings(Acl userStreamAcl, Acl systemStreamAcl) {

    /**
     * KurrentDB's defaults: everyone may do anything with user streams, only administrators with
     * system streams. (Anonymous callers are refused stream access before any list applies.)
     */
    public static final SystemSettings DEFAULT = new SystemSettings(
            everyone(Principal.ALL), everyone(Principal.ADMINS));

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Acl everyone(String role) {
        List<String> r = List.of(role);
        return new Acl(r, r, r, r, r);
    }

    /**
     * Parses the data of a {@code $settings} event. Malformed settings count as unset (the
     * defaults apply), as KurrentDB logs and ignores them.
     */
    public static SystemSettings parse(byte[] json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) {
                return new SystemSettings(null, null);
            }
            Acl user = root.hasNonNull("$userStreamAcl") ? MetadataCodec.parseAcl(root.get("$userStreamAcl")) : null;
            Acl system = root.hasNonNull("$systemStreamAcl") ? MetadataCodec.parseAcl(root.get("$systemStreamAcl"))
                    : null;
            return new SystemSettings(user, system);
        } catch (IOException | RuntimeException e) {
            return new SystemSettings(null, null);
        }
    }
}
