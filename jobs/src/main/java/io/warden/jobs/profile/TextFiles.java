package io.warden.jobs.profile;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opening reference files: UTF-8 text, transparently gunzipped when the name ends in .gz. */
final class TextFiles {
    private TextFiles() {}

    static boolean gzipped(Path file) {
        return file.getFileName().toString().endsWith(".gz");
    }

    static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gzipped(file) ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** A reader that refuses malformed UTF-8 rather than replacing it silently. */
    static BufferedReader reader(Path file) throws IOException {
        return new BufferedReader(
                new InputStreamReader(
                        open(file),
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)),
                1 << 16);
    }

    static String plural(RecordType type) {
        return type == RecordType.EVENT ? "inference events" : "inference requests";
    }
}
