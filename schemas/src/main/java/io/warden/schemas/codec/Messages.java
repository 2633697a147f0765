package io.warden.schemas.codec;

/** Small helpers that keep error messages short and readable. */
final class Messages {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Messages() {}

    /** The text, cut to at most {@code max} characters with an ellipsis. */
    static String abbreviate(String text, int max) {
        if (text == null) {
            return "null";
        }
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 3)) + "...";
    }

    /** Up to {@code max} bytes as space-separated hex, e.g. {@code 7B 22 69}. */
    static String hex(byte[] bytes, int offset, int max) {
        StringBuilder sb = new StringBuilder();
        int end = Math.min(bytes.length, offset + max);
        for (int i = offset; i < end; i++) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(HEX[(bytes[i] >> 4) & 0xF]).append(HEX[bytes[i] & 0xF]);
        }
        if (bytes.length > end) {
            sb.append(" ...");
        }
        return sb.toString();
    }

    /** A 64-bit fingerprint as 16 hex digits. */
    static String fingerprint(long fingerprint) {
        return String.format("%016X", fingerprint);
    }
}
