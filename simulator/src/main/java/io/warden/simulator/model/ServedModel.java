package io.warden.simulator.model;

import io.warden.detectors.onnx.ModelFile;
import io.warden.detectors.onnx.ModelIntegrityException;
import io.warden.detectors.onnx.OnnxScorerSettings;
import io.warden.simulator.data.Dataset;
import io.warden.simulator.data.Datasets;
import io.warden.simulator.data.FeatureBox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One of the simulator's served models (see {@link ServedModels}): an {@link Mlp} trained by {@link
 * TrainServedModels} on a vendored data set and committed as an ONNX file in this package's
 * resources, pinned by the SHA-256 of its bytes like any model warden monitors.
 *
 * <p>The ONNX model takes the float input {@value #INPUT} {@code [batch, d]} (raw feature values,
 * in {@link #featureNames()} order) and gives the float output {@value #OUTPUT} {@code [batch,
 * classes]} (in {@link #classNames()} order). {@link #writeTo(Path)} puts it where {@link
 * io.warden.detectors.onnx.OnnxScorer} can open it; {@link #network()} reads the same parameters
 * into the Java model a white-box attacker differentiates.
 *
 * <pre>{@code
 * ServedModel served = ServedModels.DIGITS;
 * ModelFile file = served.writeTo(folder.resolve(served.fileName()));
 * try (OnnxScorer scorer = new OnnxScorer(file, served.scorerSettings())) {
 *     float[][] probabilities = scorer.score(rows);
 * }
 * Mlp network = served.network();
 * }</pre>
 */
public final class ServedModel {

    /** The name of every served model's input. */
    public static final String INPUT = "features";

    /** The name of every served model's output. */
    public static final String OUTPUT = "probabilities";

    /** Share of each class held out for testing in {@link #split()}: {@value}. */
    public static final double TEST_FRACTION = 0.25;

    /** Seed of the stratified split in {@link #split()}: {@value}. */
    public static final long SPLIT_SEED = 20_250_601L;

    private final String name;
    private final String sha256;
    private final String datasetSource;
    private final Supplier<Dataset> loader;
    private final Function<Dataset, Standardization> standardization;
    private final Function<Dataset, FeatureBox> featureBox;
    private final Function<Dataset, double[]> perturbationUnits;
    private final TrainingSettings training;
    private Dataset dataset;

    ServedModel(
            String name,
            String sha256,
            String datasetSource,
            Supplier<Dataset> loader,
            Function<Dataset, Standardization> standardization,
            Function<Dataset, FeatureBox> featureBox,
            Function<Dataset, double[]> perturbationUnits,
            TrainingSettings training) {
        this.name = Objects.requireNonNull(name, "name");
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
        this.datasetSource = Objects.requireNonNull(datasetSource, "datasetSource");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.standardization = Objects.requireNonNull(standardization, "standardization");
        this.featureBox = Objects.requireNonNull(featureBox, "featureBox");
        this.perturbationUnits = Objects.requireNonNull(perturbationUnits, "perturbationUnits");
        this.training = Objects.requireNonNull(training, "training");
    }

    /** The model's name, e.g. {@code digits-mlp}. */
    public String name() {
        return name;
    }

    /** The ONNX file's name, {@link #name()} + {@code .onnx}, a resource of this package. */
    public String fileName() {
        return name + ".onnx";
    }

    /** The pinned SHA-256 of the committed ONNX file, 64 lowercase hex digits. */
    public String sha256() {
        return sha256;
    }

    /** The input's name, {@value #INPUT}. */
    public String inputName() {
        return INPUT;
    }

    /** The output's name, {@value #OUTPUT}. */
    public String outputName() {
        return OUTPUT;
    }

    /** The vendored file the model was trained on and its SHA-256. */
    public String datasetSource() {
        return datasetSource;
    }

    /** The whole data set the model was trained and tested on. */
    public synchronized Dataset dataset() {
        if (dataset == null) {
            dataset = loader.get();
        }
        return dataset;
    }

    /**
     * The seeded stratified split the model was trained and tested on ({@value #TEST_FRACTION} of
     * each class held out, seed {@value #SPLIT_SEED}).
     */
    public Dataset.Split split() {
        return Datasets.stratifiedSplit(dataset(), TEST_FRACTION, SPLIT_SEED);
    }

    /** The features' names, in input column order. */
    public List<String> featureNames() {
        return dataset().featureNames();
    }

    /** The classes' names, in output column order. */
    public List<String> classNames() {
        return dataset().classNames();
    }

    /** Values per input row. */
    public int featureCount() {
        return dataset().featureCount();
    }

    /** Number of classes, values per output row. */
    public int classCount() {
        return dataset().classCount();
    }

    /**
     * The valid feature box attacks stay inside: the digits' pixel range 0..16, or each
     * breast-cancer feature's minimum and maximum over the whole vendored data set (every value a
     * real sample had is valid, and every test row lies inside).
     */
    public FeatureBox featureBox() {
        return featureBox.apply(dataset());
    }

    /**
     * The units an attack's epsilon is measured in, per feature: 1 for the digits (epsilon in pixel
     * counts of 0..16), the training split's standard deviation for breast cancer (epsilon in
     * standard deviations, as its features have different units).
     */
    public double[] perturbationUnits() {
        return perturbationUnits.apply(split().train());
    }

    /** The input standardization fitted on the given training rows. */
    public Standardization standardization(Dataset train) {
        return standardization.apply(train);
    }

    /** How {@link TrainServedModels} trains this model. */
    public TrainingSettings trainingSettings() {
        return training;
    }

    /** Scorer settings binding {@value #INPUT} and {@value #OUTPUT}, default threads, CPU. */
    public OnnxScorerSettings scorerSettings() {
        return OnnxScorerSettings.of(INPUT, OUTPUT, featureCount());
    }

    /**
     * The committed ONNX file's bytes, checked against the pin.
     *
     * @throws ModelIntegrityException when the resource does not match {@link #sha256()}
     * @throws IllegalStateException when the resource is missing
     */
    public byte[] bytes() {
        byte[] bytes;
        try (InputStream in = ServedModel.class.getResourceAsStream(fileName())) {
            if (in == null) {
                throw new IllegalStateException(
                        "served model " + fileName() + " is missing from the class path");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read served model " + fileName(), e);
        }
        String actual = ModelFile.sha256Of(bytes);
        if (!actual.equals(sha256)) {
            throw new ModelIntegrityException(Path.of(fileName()), sha256, actual);
        }
        return bytes;
    }

    /** The Java model with exactly the parameters of the committed ONNX file. */
    public Mlp network() {
        return Mlp.fromOnnx(bytes());
    }

    /**
     * Writes the committed ONNX file (through a temporary file in the same folder and an atomic
     * move) and returns it pinned, ready for an {@link io.warden.detectors.onnx.OnnxScorer}.
     *
     * @throws IOException when the file cannot be written
     */
    public ModelFile writeTo(Path file) throws IOException {
        return ModelFile.write(file, bytes());
    }

    @Override
    public String toString() {
        return "ServedModel[" + name + ", sha256 " + sha256.substring(0, 12) + "]";
    }
}
