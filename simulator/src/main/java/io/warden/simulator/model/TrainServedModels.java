package io.warden.simulator.model;

import io.warden.detectors.onnx.ModelFile;
import io.warden.simulator.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains the {@link ServedModels} from their vendored data and exports them to ONNX: the one source
 * of the committed model files. Training is deterministic, so the exports are the committed files
 * byte for byte (a test checks their SHA-256 against the pins).
 *
 * <p>To regenerate the files after changing a model or its settings, then update the pins in {@link
 * ServedModels} with the printed SHA-256s: {@code ./mvnw -B -q -pl detectors,simulator -am compile
 * -Dspotless.check.skip && ./mvnw -B -q -pl simulator dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt && java -cp "simulator/target/classes:$(cat
 * simulator/target/cp.txt)" io.warden.simulator.model.TrainServedModels
 * simulator/src/main/resources/io/warden/simulator/model}.
 */
public final class TrainServedModels {

    private TrainServedModels() {}

    /**
     * A trained and exported served model.
     *
     * @param model which served model
     * @param network the trained Java model
     * @param onnx its ONNX export
     * @param trainAccuracy share of training rows classified correctly by {@code network}
     * @param testAccuracy share of test rows classified correctly by {@code network}
     */
    public record Export(
            ServedModel model,
            Mlp network,
            byte[] onnx,
            double trainAccuracy,
            double testAccuracy) {

        /** The SHA-256 of {@link #onnx()}, which must equal the model's pin. */
        public String sha256() {
            return ModelFile.sha256Of(onnx);
        }
    }

    /** Trains a served model on its split's training rows and exports it. */
    public static Export export(ServedModel model) {
        Dataset.Split split = model.split();
        TrainingSettings settings = model.trainingSettings();
        Mlp network =
                MlpTrainer.train(split.train(), model.standardization(split.train()), settings);
        byte[] onnx =
                network.toOnnx(
                        model.name(),
                        ServedModel.INPUT,
                        ServedModel.OUTPUT,
                        "warden served model "
                                + model.name()
                                + ": "
                                + network
                                + ", input standardization folded in. Trained by warden's"
                                + " TrainServedModels.",
                        metadata(model, network, settings));
        return new Export(
                model,
                network,
                onnx,
                accuracy(network, split.train()),
                accuracy(network, split.test()));
    }

    /** Share of a data set's rows whose most probable class is the label. */
    public static double accuracy(DifferentiableClassifier model, Dataset data) {
        int correct = 0;
        for (int r = 0; r < data.size(); r++) {
            if (model.predict(data.row(r)) == data.label(r)) {
                correct++;
            }
        }
        return (double) correct / data.size();
    }

    private static List<String[]> metadata(
            ServedModel model, Mlp network, TrainingSettings settings) {
        List<String[]> list = new ArrayList<>();
        list.add(new String[] {"warden.served-model", model.name()});
        list.add(new String[] {"warden.architecture", network.toString()});
        list.add(new String[] {"warden.dataset", model.datasetSource()});
        list.add(
                new String[] {
                    "warden.split",
                    "stratified, test fraction "
                            + ServedModel.TEST_FRACTION
                            + ", seed "
                            + ServedModel.SPLIT_SEED
                });
        list.add(new String[] {"warden.training", settings.describe()});
        list.add(
                new String[] {
                    "warden.input",
                    ServedModel.INPUT + " [batch, " + network.featureCount() + "] float"
                });
        list.add(
                new String[] {
                    "warden.output",
                    ServedModel.OUTPUT + " [batch, " + network.classCount() + "] float"
                });
        list.add(new String[] {"warden.features", String.join(",", model.featureNames())});
        list.add(new String[] {"warden.classes", String.join(",", model.classNames())});
        return list;
    }

    /**
     * Trains both served models, writes {@code <folder>/<name>.onnx} for each and prints their
     * SHA-256 and accuracies: {@code TrainServedModels <folder>}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: TrainServedModels <output folder>");
            System.exit(2);
        }
        Path folder = Files.createDirectories(Path.of(args[0]));
        for (ServedModel model : ServedModels.all()) {
            long start = System.nanoTime();
            Export export = export(model);
            double seconds = (System.nanoTime() - start) / 1e9;
            Files.write(folder.resolve(model.fileName()), export.onnx());
            System.out.printf(
                    Locale.ROOT,
                    "%s: %s, train accuracy %.4f, test accuracy %.4f, trained in %.1f s%n"
                            + "  sha256 %s (%s the pin)%n",
                    model.fileName(),
                    export.network(),
                    export.trainAccuracy(),
                    export.testAccuracy(),
                    seconds,
                    export.sha256(),
                    export.sha256().equals(model.sha256()) ? "equals" : "differs from");
        }
    }
}
