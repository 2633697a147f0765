package io.warden.jobs.profile;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A strict reader of comma-separated values as RFC 4180 defines them: fields separated by commas,
 * records by CRLF, LF or CR; a field in double quotes may hold commas, line breaks and doubled
 * quotes ({@code ""} for one {@code "}). What RFC 4180 does not allow is an error, not a guess: a
 * quote inside an unquoted field, anything but a comma or line break after a closing quote, and a
 * quoted field still open at the end of the input.
 *
 * <p>A malformed record throws {@link CsvException} naming the line it starts on; reading goes on
 * with the next line after it. Fields are returned exactly as written (no trimming). Not
 * thread-safe.
 */
public final class CsvReader implements Closeable {
    private static final int EOF = -1;

    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    /**
     * Whether a field is a plain decimal number ({@code 1}, {@code -0.5}, {@code 2.5e-3}): no
     * spaces, no hexadecimal, no {@code NaN} or {@code Infinity}, no type suffix.
     */
    public static boolean isDecimal(String field) {
        return DECIMAL.matcher(field).matches();
    }

    /** A record that breaks RFC 4180. */
    public static final class CsvException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long line;

        CsvException(long line, String message) {
            super(message);
            this.line = line;
        }

        /** The line the record starts on, 1-based. */
        public long line() {
            return line;
        }
    }

    private final Reader in;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int limit;
    private int pushedBack = EOF - 1; // none
    private long line = 1;
    private long recordLine = 1;

    public CsvReader(Reader in) {
        this.in = in;
    }

    /** The line the last record returned (or refused) starts on, 1-based. */
    public long recordLine() {
        return recordLine;
    }

    /**
     * The next record's fields; an empty line gives one empty field.
     *
     * @return the fields, or null at the end of the input
     * @throws CsvException if the record breaks RFC 4180 (reading may go on)
     * @throws IOException if reading fails
     */
    public List<String> next() throws IOException, CsvException {
        recordLine = line;
        int c = read();
        if (c == EOF) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            field.setLength(0);
            if (c == '"') {
                c = quoted(field, fields.size() + 1);
            } else {
                while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
                    if (c == '"') {
                        skipLine();
                        throw new CsvException(
                                recordLine,
                                "a quote inside unquoted field "
                                        + (fields.size() + 1)
                                        + " (quote the whole field and double the quote)");
                    }
                    field.append((char) c);
                    c = read();
                }
            }
            fields.add(field.toString());
            if (c == ',') {
                c = read();
                continue;
            }
            endOfLine(c);
            return fields;
        }
    }

    /** Reads a quoted field after its opening quote; returns the character after it. */
    private int quoted(StringBuilder field, int number) throws IOException, CsvException {
        while (true) {
            int c = read();
            if (c == EOF) {
                throw new CsvException(
                        recordLine,
                        "quoted field " + number + " is still open at the end of the file");
            }
            if (c == '"') {
                int next = read();
                if (next == '"') {
                    field.append('"');
                    continue;
                }
                if (next != ',' && next != '\n' && next != '\r' && next != EOF) {
                    skipLine();
                    throw new CsvException(
                            recordLine,
                            "'"
                                    + (char) next
                                    + "' after the closing quote of field "
                                    + number
                                    + " (expected a comma or the end of the line)");
                }
                return next;
            }
            if (c == '\n' || (c == '\r' && peek() != '\n')) {
                line++;
            }
            field.append((char) c);
        }
    }

    /** Consumes the line break {@code c} started (CR LF counts as one). */
    private void endOfLine(int c) throws IOException {
        if (c == '\r') {
            if (peek() == '\n') {
                read();
            }
            line++;
        } else if (c == '\n') {
            line++;
        }
    }

    /** After an error: drops the rest of the physical line, so the next record starts afresh. */
    private void skipLine() throws IOException {
        int c;
        do {
            c = read();
        } while (c != '\n' && c != '\r' && c != EOF);
        endOfLine(c);
    }

    private int peek() throws IOException {
        if (pushedBack == EOF - 1) {
            pushedBack = readRaw();
        }
        return pushedBack;
    }

    private int read() throws IOException {
        if (pushedBack != EOF - 1) {
            int c = pushedBack;
            pushedBack = EOF - 1;
            return c;
        }
        return readRaw();
    }

    private int readRaw() throws IOException {
        if (position == limit) {
            limit = in.read(buffer, 0, buffer.length);
            position = 0;
            if (limit <= 0) {
                limit = 0;
                return EOF;
            }
        }
        return buffer[position++];
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
