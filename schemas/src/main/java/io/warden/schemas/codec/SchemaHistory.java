package io.warden.schemas.codec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Loads historic contract schemas from the classpath.
 *
 * <p>The folder's {@code index.txt} lists one file name per line ({@code #} starts a comment); each
 * file is a self-contained {@code .avsc} named {@code Name.vN.avsc}. The index (rather than a
 * directory listing) makes this work the same from a folder and from inside a jar. A missing index,
 * a listed file that is not there, a file that does not parse or whose record name does not match
 * its file name: each fails loudly, since it means a packaging mistake that would otherwise surface
 * later as unreadable old data.
 */
final class SchemaHistory {

    static final String INDEX = "index.txt";

    private static final Pattern FILE_NAME =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\.v([0-9]+)\\.avsc");

    private SchemaHistory() {}

    /** The schemas listed in {@code root/index.txt}, in index order. */
    static List<Schema> load(ClassLoader loader, String root) {
        String base = root.endsWith("/") ? root : root + "/";
        String indexPath = base + INDEX;
        List<Schema> schemas = new ArrayList<>();
        for (String entry : readIndex(loader, indexPath)) {
            Matcher m = FILE_NAME.matcher(entry);
            if (!m.matches()) {
                throw new IllegalStateException(
                        "schema history index "
                                + indexPath
                                + " lists '"
                                + entry
                                + "', which is not of the form Name.vN.avsc");
            }
            String path = base + entry;
            String text = read(loader, path);
            if (text == null) {
                throw new IllegalStateException(
                        "schema history index "
                                + indexPath
                                + " lists "
                                + entry
                                + ", which is not on the classpath at "
                                + path);
            }
            Schema schema;
            try {
                schema = new Schema.Parser().parse(text);
            } catch (SchemaParseException e) {
                throw new IllegalStateException(
                        "historic schema " + path + " does not parse: " + e.getMessage(), e);
            }
            if (schema.getType() != Schema.Type.RECORD || !schema.getName().equals(m.group(1))) {
                throw new IllegalStateException(
                        "historic schema "
                                + path
                                + " holds "
                                + schema.getFullName()
                                + ", not a record named "
                                + m.group(1));
            }
            schemas.add(schema);
        }
        return schemas;
    }

    private static List<String> readIndex(ClassLoader loader, String indexPath) {
        String text = read(loader, indexPath);
        if (text == null) {
            throw new IllegalStateException(
                    "no schema history index on the classpath at " + indexPath);
        }
        List<String> entries = new ArrayList<>();
        for (String line : text.split("\\R")) {
            int hash = line.indexOf('#');
            String entry = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static String read(ClassLoader loader, String path) {
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                return null;
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
