package io.warden.jobs.profile;

import io.warden.jobs.config.ModelSpec;
import io.warden.schemas.DeadLetterReason;
import io.warden.schemas.InferenceEvent;
import io.warden.schemas.InferenceRequest;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * A CSV file (RFC 4180, UTF-8, a header line; optionally gzip-compressed, {@code .gz}) with one
 * column per configured feature name, and optionally the model's outputs: the columns named by
 * {@code --probability-columns} in class order, or else columns {@code p_<class>} for every
 * configured class. The outputs are what the config's {@code output.type} says (probabilities, or
 * logits that go through softmax). Other columns are ignored.
 *
 * <p>Each row becomes an inference event (with outputs) or request (without) of the profiled model,
 * so it is validated like traffic. Numbers are decimal ({@code 1}, {@code -0.5}, {@code 2.5e-3});
 * {@code NaN}, {@code inf} and an empty cell are read as missing values, which the validation
 * rejects as the monitor job does. A row with another number of fields than the header, a cell that
 * is not a number or a row that breaks RFC 4180 is an UNDECODABLE record naming its line (and
 * column). The header must name every feature (a missing one is named in the error) and no column
 * twice.
 */
final class CsvInput implements ReferenceInput {
    private static final Pattern NOT_A_VALUE = Pattern.compile("(?i)[+-]?(nan|inf|infinity)|");

    private final Path file;
    private final ProfileTarget target;
    private final List<String> header;
    private final int[] featureColumns;
    private final int[] outputColumns; // null without outputs

    private CsvInput(
            Path file,
            ProfileTarget target,
            List<String> header,
            int[] featureColumns,
            int[] outputColumns) {
        this.file = file;
        this.target = target;
        this.header = header;
        this.featureColumns = featureColumns;
        this.outputColumns = outputColumns;
    }

    /**
     * Reads the header and finds the columns.
     *
     * @param probabilityColumns the output columns in class order, or null for {@code p_<class>}
     *     columns if the file has them
     * @throws ProfileInputException naming missing or repeated columns, or a broken header
     */
    static CsvInput open(Path file, ProfileTarget target, List<String> probabilityColumns)
            throws IOException {
        List<String> header;
        try (CsvReader csv = new CsvReader(TextFiles.reader(file))) {
            header = csv.next();
        } catch (CsvReader.CsvException e) {
            throw new ProfileInputException(
                    file + " line " + e.line() + ": the header is malformed: " + e.getMessage());
        }
        if (header == null) {
            throw new ProfileInputException(file + " is empty: a CSV header line is required");
        }
        header = new ArrayList<>(header);
        if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
            header.set(0, header.get(0).substring(1)); // a byte order mark, as Excel writes
        }
        Map<String, Integer> columns = new HashMap<>();
        List<String> repeated = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            if (columns.putIfAbsent(header.get(i), i) != null) {
                repeated.add(header.get(i));
            }
        }
        if (!repeated.isEmpty()) {
            throw new ProfileInputException(
                    file + ": the header names column(s) " + repeated + " more than once");
        }
        ModelSpec spec = target.spec();
        List<String> features = spec.features().featureNames();
        List<String> missing = new ArrayList<>();
        int[] featureColumns = new int[features.size()];
        for (int j = 0; j < features.size(); j++) {
            Integer column = columns.get(features.get(j));
            if (column == null) {
                missing.add(features.get(j));
            } else {
                featureColumns[j] = column;
            }
        }
        if (!missing.isEmpty()) {
            throw new ProfileInputException(
                    file
                            + ": no column for feature(s) "
                            + abbreviate(missing)
                            + " of model "
                            + target.displayName()
                            + " (the header has "
                            + abbreviate(header)
                            + ")");
        }
        List<String> classes = spec.output().classes();
        int[] outputColumns = null;
        if (probabilityColumns != null) {
            if (probabilityColumns.size() != classes.size()) {
                throw new ProfileInputException(
                        "--probability-columns names "
                                + probabilityColumns.size()
                                + " columns, but model "
                                + target.displayName()
                                + " has "
                                + classes.size()
                                + " classes "
                                + classes);
            }
            outputColumns = find(file, columns, probabilityColumns, "--probability-columns");
        } else {
            List<String> named = new ArrayList<>();
            for (String c : classes) {
                named.add("p_" + c);
            }
            long present = named.stream().filter(columns::containsKey).count();
            if (present == named.size()) {
                outputColumns = find(file, columns, named, "p_<class>");
            } else if (present > 0) {
                throw new ProfileInputException(
                        file
                                + ": has some but not all of the columns "
                                + named
                                + " (missing "
                                + named.stream().filter(n -> !columns.containsKey(n)).toList()
                                + "); give every class's column, or --probability-columns");
            }
        }
        return new CsvInput(file, target, List.copyOf(header), featureColumns, outputColumns);
    }

    private static int[] find(
            Path file, Map<String, Integer> columns, List<String> names, String what) {
        int[] out = new int[names.size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Integer column = columns.get(names.get(i));
            if (column == null) {
                missing.add(names.get(i));
            } else {
                out[i] = column;
            }
        }
        if (!missing.isEmpty()) {
            throw new ProfileInputException(
                    file + ": no column(s) " + missing + " (from " + what + ")");
        }
        return out;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8
                ? names.toString()
                : names.subList(0, 8) + " and " + (names.size() - 8) + " more";
    }

    @Override
    public String description() {
        return file.getFileName()
                + " (CSV, "
                + featureColumns.length
                + " feature columns"
                + (outputColumns == null ? "" : ", " + outputColumns.length + " output columns")
                + ")";
    }

    @Override
    public boolean hasPredictions() {
        return outputColumns != null;
    }

    @Override
    public long expectedRecords() throws IOException {
        if (TextFiles.gzipped(file)) {
            return -1;
        }
        // Physical lines minus the header: an estimate when quoted fields span lines.
        long lines = 0;
        try (BufferedReader in = TextFiles.reader(file)) {
            while (in.readLine() != null) {
                lines++;
            }
        }
        return Math.max(0, lines - 1);
    }

    @Override
    public void read(Consumer<InputRecord> sink, LongConsumer progress) throws IOException {
        String name = file.getFileName().toString();
        ModelSpec spec = target.spec();
        List<Long> featureShape = new ArrayList<>();
        if (spec.features().names() != null) {
            featureShape.add((long) featureColumns.length);
        } else {
            spec.features().shape().forEach(d -> featureShape.add((long) d));
        }
        List<Long> outputShape =
                outputColumns == null ? null : List.of((long) outputColumns.length);
        long n = 0;
        try (CsvReader csv = new CsvReader(TextFiles.reader(file))) {
            try {
                csv.next(); // the header, read by open()
            } catch (CsvReader.CsvException e) {
                throw new IllegalStateException("the header was read before", e);
            }
            while (true) {
                List<String> fields;
                try {
                    fields = csv.next();
                } catch (CsvReader.CsvException e) {
                    sink.accept(
                            InputRecord.rejected(
                                    name + " line " + e.line(),
                                    DeadLetterReason.UNDECODABLE,
                                    e.getMessage()));
                    progress.accept(++n);
                    continue;
                }
                if (fields == null) {
                    break;
                }
                if (fields.size() == 1 && fields.get(0).isEmpty() && header.size() > 1) {
                    continue; // a blank line
                }
                String location = name + " line " + csv.recordLine();
                progress.accept(++n);
                if (fields.size() != header.size()) {
                    sink.accept(
                            InputRecord.rejected(
                                    location,
                                    DeadLetterReason.UNDECODABLE,
                                    fields.size()
                                            + " fields, but the header has "
                                            + header.size()
                                            + " columns"));
                    continue;
                }
                List<Double> features = new ArrayList<>(featureColumns.length);
                List<Double> outputs =
                        outputColumns == null ? null : new ArrayList<>(outputColumns.length);
                String bad = parse(fields, featureColumns, features);
                if (bad == null && outputs != null) {
                    bad = parse(fields, outputColumns, outputs);
                }
                if (bad != null) {
                    sink.accept(InputRecord.rejected(location, DeadLetterReason.UNDECODABLE, bad));
                    continue;
                }
                String id = "line-" + csv.recordLine();
                Tensor input = tensor(spec.features().tensor(), featureShape, features);
                sink.accept(
                        InputRecord.of(
                                location,
                                outputs == null
                                        ? request(id, input)
                                        : event(
                                                id,
                                                input,
                                                tensor(
                                                        spec.output().tensor(),
                                                        outputShape,
                                                        outputs))));
            }
        }
    }

    /** Parses the cells of {@code columns} into {@code out}; the problem, or null. */
    private String parse(List<String> fields, int[] columns, List<Double> out) {
        for (int column : columns) {
            String cell = fields.get(column);
            if (CsvReader.isDecimal(cell)) {
                out.add(Double.parseDouble(cell));
            } else if (NOT_A_VALUE.matcher(cell).matches()) {
                String lower = cell.toLowerCase(Locale.ROOT);
                out.add(
                        lower.contains("inf")
                                ? (lower.startsWith("-")
                                        ? Double.NEGATIVE_INFINITY
                                        : Double.POSITIVE_INFINITY)
                                : Double.NaN);
            } else {
                return "column "
                        + header.get(column)
                        + " (#"
                        + (column + 1)
                        + "): '"
                        + (cell.length() > 40 ? cell.substring(0, 40) + "..." : cell)
                        + "' is not a number";
            }
        }
        return null;
    }

    private static Tensor tensor(String name, List<Long> shape, List<Double> data) {
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(TensorDatatype.FP64)
                .setShape(shape)
                .setData(data)
                .setStringData(List.of())
                .build();
    }

    private InferenceRequest request(String id, Tensor input) {
        return InferenceRequest.newBuilder()
                .setRequestId(id)
                .setEventTime(Instant.EPOCH)
                .setModelName(target.modelName())
                .setModelVersion(target.modelVersion())
                .setClientId(null)
                .setAttributes(Map.of())
                .setInputs(List.of(input))
                .build();
    }

    private InferenceEvent event(String id, Tensor input, Tensor output) {
        return InferenceEvent.newBuilder()
                .setRequestId(id)
                .setEventTime(Instant.EPOCH)
                .setModelName(target.modelName())
                .setModelVersion(target.modelVersion())
                .setClientId(null)
                .setAttributes(Map.of())
                .setInputs(List.of(input))
                .setOutputs(List.of(output))
                .setResponseTime(null)
                .setLatencyMs(null)
                .build();
    }
}
