package io.warden.jobs.poisoning;

import io.warden.jobs.profile.CsvReader;
import io.warden.jobs.profile.CsvReader.CsvException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Trusted labelled samples from a CSV file (RFC 4180, UTF-8, a header line): one column per feature
 * name, a label column holding class names, other columns ignored. The reference from which the
 * class-conditional outlier models of {@code detectors.poisoning.records} are fitted.
 *
 * <p>Strict: a missing column, a row with another number of fields than the header, a cell that is
 * not a finite decimal number, or a label that is not one of the model's classes is an error naming
 * the file, line and column; nothing is skipped.
 *
 * @param features the rows' feature values, in the order of the feature names given
 * @param labels each row's class index
 * @param perClass rows per class
 */
public record LabelledReference(double[][] features, int[] labels, int[] perClass) {

    /**
     * Reads a reference file.
     *
     * @param file the CSV file
     * @param featureNames the model's feature names, which the header must all have
     * @param labelColumn the label column's name
     * @param classes the model's classes, in index order
     * @throws IllegalArgumentException naming the file, line and column of the first problem
     */
    public static LabelledReference read(
            Path file, List<String> featureNames, String labelColumn, List<String> classes) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CsvReader csv = new CsvReader(in)) {
            List<String> header = csv.next();
            if (header == null) {
                throw new IllegalArgumentException(file + " is empty (it needs a header line)");
            }
            Map<String, Integer> columns = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                if (columns.put(header.get(i), i) != null) {
                    throw new IllegalArgumentException(
                            file + " header names column '" + header.get(i) + "' twice");
                }
            }
            int[] featureColumns = new int[featureNames.size()];
            List<String> missing = new ArrayList<>();
            for (int j = 0; j < featureColumns.length; j++) {
                Integer c = columns.get(featureNames.get(j));
                if (c == null) {
                    missing.add(featureNames.get(j));
                } else {
                    featureColumns[j] = c;
                }
            }
            Integer labelAt = columns.get(labelColumn);
            if (labelAt == null) {
                missing.add(labelColumn + " (the label column)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(
                        file
                                + " header lacks the column(s) "
                                + (missing.size() <= 10
                                        ? missing
                                        : missing.subList(0, 10) + " and more"));
            }
            Map<String, Integer> classIndex = new HashMap<>();
            for (int k = 0; k < classes.size(); k++) {
                classIndex.put(classes.get(k), k);
            }
            List<double[]> rows = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            int[] perClass = new int[classes.size()];
            for (List<String> record = csv.next(); record != null; record = csv.next()) {
                long line = csv.recordLine();
                if (record.size() == 1 && record.get(0).isEmpty()) {
                    continue;
                }
                if (record.size() != header.size()) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "%s line %d has %d fields, the header %d",
                                    file, line, record.size(), header.size()));
                }
                double[] x = new double[featureColumns.length];
                for (int j = 0; j < x.length; j++) {
                    x[j] = number(file, line, featureNames.get(j), record.get(featureColumns[j]));
                }
                Integer label = classIndex.get(record.get(labelAt));
                if (label == null) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "%s line %d column %s: '%s' is not one of the model's classes",
                                    file, line, labelColumn, record.get(labelAt)));
                }
                rows.add(x);
                labels.add(label);
                perClass[label]++;
            }
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(file + " has no rows after its header");
            }
            int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
            return new LabelledReference(rows.toArray(new double[0][]), labelArray, perClass);
        } catch (CsvException e) {
            throw new IllegalArgumentException(
                    file + " line " + e.line() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static double number(Path file, long line, String column, String cell) {
        double v = CsvReader.isDecimal(cell) ? Double.parseDouble(cell) : Double.NaN;
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(
                    String.format(
                            "%s line %d column %s: '%s' is not a finite number",
                            file, line, column, cell));
        }
        return v;
    }
}
