package dev.cairn.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stream's metadata, stored as JSON in its metadata stream {@code $$name}. Absent settings are
 * null. Retention ({@code maxCount}, {@code maxAge}, {@code truncateBefore}) applies to reads at
 * once.
 *
 * @param maxCount keep at most this many of the latest events ({@code $maxCount})
 * @param maxAge keep events younger than this ({@code $maxAge}, whole seconds)
 * @param truncateBefore hide events before this revision ({@code $tb})
 * @param cacheControl HTTP cache lifetime for reads ({@code $cacheControl}, whole seconds)
 * @param acl access control ({@code $acl})
 * @param custom other keys, kept as given: values are String, Number, Boolean, null, List or Map
 */
public record StreamMetadata(Long maxCount, Duration maxAge, Long truncateBefore, Duration cacheControl,
        Acl acl, Map<String, Object> custom) {

    /** Metadata with nothing set. */
    public static final StreamMetadata EMPTY = new StreamMetadata(null, null, null, null, null, Map.of());

    public StreamMetadata {
        if (maxCount != null && maxCount <= 0) {
            throw new InvalidArgumentException("$maxCount must be positive, was " + maxCount);
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new InvalidArgumentException("$maxAge must be positive, was " + maxAge);
        }
        if (truncateBefore != null && truncateBefore < 0) {
            throw new InvalidArgumentException("$tb must not be negative, was " + truncateBefore);
        }
        if (cacheControl != null && (cacheControl.isNegative() || cacheControl.isZero())) {
            throw new InvalidArgumentException("$cacheControl must be positive, was " + cacheControl);
        }
        for (String key : custom == null ? Map.<String, Object>of().keySet() : custom.keySet()) {
            if (key.startsWith("$")) {
                throw new InvalidArgumentException("custom metadata key '" + key
                        + "' must not start with '$': those keys are reserved");
            }
        }
        custom = custom == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(custom));
    }

    public StreamMetadata withMaxCount(Long value) {
        return new StreamMetadata(value, maxAge, truncateBefore, cacheControl, acl, custom);
    }

    public StreamMetadata withMaxAge(Duration value) {
        return new StreamMetadata(maxCount, value, truncateBefore, cacheControl, acl, custom);
    }

    public StreamMetadata withTruncateBefore(Long value) {
        return new StreamMetadata(maxCount, maxAge, value, cacheControl, acl, custom);
    }

    public StreamMetadata withCacheControl(Duration value) {
        return new StreamMetadata(maxCount, maxAge, truncateBefore, value, acl, custom);
    }

    public StreamMetadata withAcl(Acl value) {
        return new StreamMetadata(maxCount, maxAge, truncateBefore, cacheControl, value, custom);
    }

    public StreamMetadata withCustom(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(custom);
        copy.put(key, value);
        return new StreamMetadata(maxCount, maxAge, truncateBefore, cacheControl, acl, copy);
    }
}
