package dev.cairn.api;

/** How an event's data is encoded. */
public enum ContentType {
    JSON("application/json"),
    BINARY("application/octet-stream");

    private final String mimeType;

    ContentType(String mimeType) {
        this.mimeType = mimeType;
    }

    public String mimeType() {
        return mimeType;
    }

    /** The content type for a MIME type; anything but JSON is binary. */
    public static ContentType ofMimeType(String mimeType) {
        return JSON.mimeType.equals(mimeType) ? JSON : BINARY;
    }
}
